/**
 * What can be checked here of `func start` compatibility (Core Tools cannot be installed on these machines):
 * package.json `main` resolves to the built entry files, every trigger file registers its functions through
 * @azure/functions with the metadata the real worker needs, and the route table is the one we expect.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../fixtures/host';

interface Described {
  entries: string[];
  functions: {
    name: string;
    bindings: Record<string, { type: string; direction: string; authLevel?: string; route?: string; methods?: string[] }>;
  }[];
  routes: string[];
}

const described = JSON.parse(
  execFileSync(process.execPath, [path.join(repoRoot, 'dist/local/describe-app.js')], {
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '' },
  }).toString(),
) as Described;

describe('func start compatibility', () => {
  it('resolves package.json main to every built trigger file', () => {
    const sources = readdirSync(path.join(repoRoot, 'functions'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `dist/functions/${f.replace(/\.ts$/, '.js')}`);
    expect([...described.entries].sort()).toEqual(sources.sort());
  });

  it('registers every HTTP function as anonymous with explicit methods and a full route', () => {
    const http = described.functions.filter((f) => Object.values(f.bindings).some((b) => b.type === 'httpTrigger'));
    expect(http.length).toBeGreaterThan(0);
    for (const fn of http) {
      const trigger = Object.values(fn.bindings).find((b) => b.type === 'httpTrigger');
      expect(trigger?.authLevel, fn.name).toBe('anonymous');
      expect(trigger?.methods?.length, fn.name).toBeGreaterThan(0);
      expect(trigger?.route, fn.name).toBeTruthy();
      expect(fn.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });

  it('has the expected route table (precedence order)', async () => {
    await expect(described.routes.join('\n') + '\n').toMatchFileSnapshot('__snapshots__/app-routes.txt');
  });
});
