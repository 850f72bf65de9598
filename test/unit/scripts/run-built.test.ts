/**
 * Decision 0007: `npm run -s token` builds only when the build is stale. The staleness check compares mtimes of
 * the build's inputs with the stamp of the last build (its start time); no timing is measured here.
 */
import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, buildFolders, NO_BUILD, orphans, STAMP, staleReason } from '../../../scripts/run-built.mjs';
import { repoRoot } from '../../fixtures/host';

const T0 = new Date('2020-01-01T00:00:00Z');
const T1 = new Date('2020-01-01T00:01:00Z');
const T2 = new Date('2020-01-01T00:02:00Z');

/** A project whose inputs are all from T0 and whose last build started at T1. */
function project(): { root: string; touch: (file: string, at?: Date) => void } {
  const root = mkdtempSync(path.join(tmpdir(), 'run-built-'));
  const touch = (file: string, at = T0) => {
    const full = path.join(root, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, file);
    utimesSync(full, at, at);
  };
  touch('tsconfig.build.json');
  writeFileSync(path.join(root, 'tsconfig.build.json'), JSON.stringify({ extends: './tsconfig.json', include: ['local', 'shared'] }));
  utimesSync(path.join(root, 'tsconfig.build.json'), T0, T0);
  for (const file of ['tsconfig.json', 'package.json', 'local/token.ts', 'shared/auth/deep/keys.ts', 'local/notes.md', 'other/x.ts'])
    touch(file);
  touch(STAMP, T1);
  return { root, touch };
}

describe('staleReason', () => {
  it('is current when every input is older than the last build', () => {
    expect(staleReason(project().root)).toBeUndefined();
  });

  it('is stale before the first build through the script', () => {
    const { root } = project();
    expect(staleReason(root, path.join(root, 'dist/none'))).toBe(NO_BUILD);
  });

  it.each([
    ['a source file', 'local/token.ts'],
    ['a source file in a nested folder', 'shared/auth/deep/keys.ts'],
    ['a new source file', 'local/new-command.ts'],
    ['the compiler settings', 'tsconfig.json'],
    ['the build settings', 'tsconfig.build.json'],
    ['package.json (module kind)', 'package.json'],
  ])('names %s changed after the build', (_case, file) => {
    const { root, touch } = project();
    touch(file, T2);
    expect(staleReason(root)).toBe(file);
  });

  it.each([
    ['a file that is not TypeScript', 'local/notes.md'],
    ['a folder the build does not compile', 'other/x.ts'],
    ['a file changed before the build started', 'local/token.ts', new Date(T1.getTime() - 1)],
  ])('ignores %s', (_case, file, at = T2) => {
    const { root, touch } = project();
    touch(file, at);
    expect(staleReason(root)).toBeUndefined();
  });
});

describe('compiled files whose source was removed', () => {
  // A renamed function file (saas-webhooks.ts → saas-webhook-delivery.ts) left dist/functions/saas-webhooks.js
  // behind, and the host registered its functions twice: "saas-webhook-delivery has already been registered".
  function withOutputs() {
    const p = project();
    for (const file of ['dist/local/token.js', 'dist/local/token.js.map', 'dist/local/gone.js', 'dist/local/gone.js.map', 'dist/other/x.js'])
      p.touch(file, T1);
    return p;
  }

  it('lists outputs of the compiled folders whose source is gone, and nothing else', () => {
    expect(orphans(withOutputs().root)).toEqual(['dist/local/gone.js', 'dist/local/gone.js.map']);
  });

  it('make the build stale, naming the first', () => {
    expect(staleReason(withOutputs().root)).toBe('dist/local/gone.js (its source was removed)');
  });
});

describe('buildFolders', () => {
  it("reads the repository's build includes", () => {
    expect(buildFolders(repoRoot)).toEqual(expect.arrayContaining(['functions', 'shared', 'local']));
  });

  it('falls back to functions, shared and local without a readable tsconfig.build.json', () => {
    expect(buildFolders(mkdtempSync(path.join(tmpdir(), 'run-built-')))).toEqual(['functions', 'shared', 'local']);
  });
});

describe('build', () => {
  /** A stand-in for tsc that edits a source file while it "compiles", then exits with `code`. */
  function fakeTsc(root: string, code: number) {
    const script = `setTimeout(() => { require('fs').writeFileSync('local/token.ts', 'edited'); process.exit(${code}); }, 30);`;
    mkdirSync(path.join(root, 'node_modules/typescript/bin'), { recursive: true });
    writeFileSync(path.join(root, 'node_modules/typescript/bin/tsc'), script);
  }

  it('stamps the build with its start time, so an edit during the build leaves it stale', () => {
    const { root } = project();
    fakeTsc(root, 0);
    expect(build(root)).toBe(true);
    expect(staleReason(root)).toBe('local/token.ts');
  });

  it('deletes the outputs whose source is gone, and keeps the others', () => {
    const { root, touch } = project();
    for (const file of ['dist/local/token.js', 'dist/local/gone.js']) touch(file, T1);
    fakeTsc(root, 0);
    expect(build(root)).toBe(true);
    expect([existsSync(path.join(root, 'dist/local/gone.js')), existsSync(path.join(root, 'dist/local/token.js'))]).toEqual([false, true]);
  });

  it('leaves the stamp alone when the build fails', () => {
    const { root } = project();
    fakeTsc(root, 1);
    expect(build(root)).toBe(false);
    expect(staleReason(root)).toBe('local/token.ts');
  });
});
