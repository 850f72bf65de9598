/**
 * The shape of docs/architecture.md, checked on the source tree so that a new capability cannot drift from it
 * unnoticed: which way imports point, where trigger code lives, how big a file may grow, and that unit tests
 * mirror the code they test. Each rule names the files that break it, so a failure says what to move.
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

function files(dir: string, ext = '.ts'): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(join(ROOT, d), { withFileTypes: true })) {
      const path = posix.join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(ext)) out.push(path);
    }
  };
  walk(dir);
  return out.sort();
}

/** Repository-relative paths of the project files a source file imports (static and type imports alike). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/g)) {
    const target = posix.normalize(posix.join(posix.dirname(file), match[1] as string));
    out.push(target);
  }
  return out;
}

const shared = files('shared');
const triggers = files('functions');
const CAPABILITIES = readdirSync(join(ROOT, 'shared'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(ROOT, 'shared', e.name, 'composition.ts')))
  .map((e) => e.name);

/** The domain layers of a capability: they must not know about HTTP. */
function isDomain(file: string): boolean {
  const m = /^shared\/([^/]+)\/(model|rules|service|store|ports)(\/|\.ts$)/.exec(file);
  return m !== null && CAPABILITIES.includes(m[1] as string);
}

/** Data tables copied from the documentation, exempt from the size bound (architecture.md). */
const DATA_TABLES = new Set(['shared/catalog/model/categories.ts']);
const MAX_LINES = 450;

describe('the shape of the code (docs/architecture.md)', () => {
  it('finds the capabilities it checks', () => {
    expect(CAPABILITIES).toEqual(expect.arrayContaining(['catalog', 'metering', 'saas']));
  });

  it("every file of a capability sits in one of its layers", () => {
    const layer = /^shared\/[^/]+\/(model\.ts|model\/|rules\/|service\/|ports\.ts|store\/|http\/|composition\.ts)/;
    const offenders = shared.filter((f) => CAPABILITIES.some((c) => f.startsWith(`shared/${c}/`)) && !layer.test(f));
    expect(offenders).toEqual([]);
  });

  it('a trigger never imports another trigger', () => {
    const offenders = triggers.flatMap((f) => importsOf(f).filter((t) => t.startsWith('functions/')).map((t) => `${f} → ${t}`));
    expect(offenders).toEqual([]);
  });

  it("a capability's composition never imports the root", () => {
    const offenders = CAPABILITIES.flatMap((c) =>
      importsOf(`shared/${c}/composition.ts`)
        .filter((t) => t === 'shared/composition')
        .map((t) => `shared/${c}/composition.ts → ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('no domain file (model, rules, service, store, ports) imports shared/http/', () => {
    const offenders = shared
      .filter(isDomain)
      .flatMap((f) => importsOf(f).filter((t) => t.startsWith('shared/http/') || /^shared\/[^/]+\/http\//.test(t)).map((t) => `${f} → ${t}`));
    expect(offenders).toEqual([]);
  });

  it('shared/ imports neither functions/ nor local/, and registers no function', () => {
    const offenders = shared.flatMap((f) => [
      ...importsOf(f)
        .filter((t) => t.startsWith('functions/') || t.startsWith('local/'))
        .map((t) => `${f} → ${t}`),
      ...(/\b(app\.(http|timer|storageQueue)|df\.app\.(orchestration|activity|entity))\(/.test(readFileSync(join(ROOT, f), 'utf8'))
        ? [`${f} registers a function`]
        : []),
    ]);
    expect(offenders).toEqual([]);
  });

  it('domain errors carry a kind, not an HTTP status', () => {
    const text = readFileSync(join(ROOT, 'shared/errors.ts'), 'utf8');
    expect(text).not.toMatch(/\bstatus\b\s*=/);
    expect(importsOf('shared/errors.ts')).toEqual([]);
  });

  it(`no file under shared/ or functions/ is over ${MAX_LINES} lines`, () => {
    const offenders = [...shared, ...triggers]
      .filter((f) => !DATA_TABLES.has(f))
      .map((f) => [f, readFileSync(join(ROOT, f), 'utf8').split('\n').length - 1] as const)
      .filter(([, lines]) => lines > MAX_LINES)
      .map(([f, lines]) => `${f}: ${lines}`);
    expect(offenders).toEqual([]);
  });

  it('test/unit mirrors the code: every unit test sits beside the folder of what it tests', () => {
    // test/unit/<cap>/<path>/x.test.ts tests shared/<cap>/<path>; test/unit/{local,scripts,functions}/... the
    // top-level folder of that name; test/unit/fixtures/... the test fixtures.
    const homeOf = (dir: string) => {
      const top = dir.split('/')[0] as string;
      if (['local', 'scripts', 'functions'].includes(top)) return dir;
      if (top === 'fixtures') return posix.join('test', dir);
      return posix.join('shared', dir);
    };
    const offenders = files('test/unit')
      .filter((f) => f.endsWith('.test.ts'))
      .filter((f) => {
        const dir = posix.relative('test/unit', posix.dirname(f));
        if (dir === '') return false;
        const home = join(ROOT, homeOf(dir));
        return !(existsSync(home) && statSync(home).isDirectory());
      });
    expect(offenders).toEqual([]);
  });
});
