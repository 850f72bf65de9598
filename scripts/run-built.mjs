#!/usr/bin/env node
// Runs a compiled entry of dist/ after building only if the build is stale (decision 0007):
//   node scripts/run-built.mjs dist/local/token.js --publisher contoso
//   node scripts/run-built.mjs --build      (always builds and stamps: `npm run build`)
// Stale means: no build stamp yet, or a .ts file under a folder tsconfig.build.json compiles, any file of the web
// console's source (web/, built by Vite into dist/console after tsc), a tsconfig*.json or
// package.json changed after the last build through this script started, or a compiled file in dist/ has lost its
// source (a file deleted or renamed, for example by a pull). Every build deletes such orphans: the host loads every
// compiled function file, so a stale `dist/functions/old-name.js` would register its functions a second time. The build is the same `tsc -p
// tsconfig.build.json` as `npm run build`; its output goes to stderr, so `$(npm run -s token)` captures the token only.
// The entry then runs in this process (one Node start instead of three), with process.argv as if run directly.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const STAMP = 'dist/.build-stamp';
const DEFAULT_INCLUDE = ['functions', 'shared', 'local'];
/** The web console's source (decision 1000): built by Vite into dist/console after the TypeScript build. */
export const CONSOLE_SOURCE = 'web';

/** The folders the build compiles (tsconfig.build.json `include`), relative to `root`. */
export function buildFolders(root) {
  try {
    const include = JSON.parse(readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8')).include;
    return Array.isArray(include) && include.length > 0 ? include : DEFAULT_INCLUDE;
  } catch {
    return DEFAULT_INCLUDE;
  }
}

function mtimeMs(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

export const NO_BUILD = 'no build through this script yet';

const COMPILED = /\.(js|js\.map|d\.ts|d\.ts\.map)$/;

/** Compiled files under dist/ whose TypeScript source no longer exists (relative paths, sorted). */
export function orphans(root) {
  const out = [];
  for (const folder of buildFolders(root)) {
    let names;
    try {
      names = readdirSync(path.join(root, 'dist', folder), { recursive: true });
    } catch {
      continue;
    }
    for (const name of names.map(String)) {
      if (!COMPILED.test(name)) continue;
      const source = path.join(folder, name.replace(COMPILED, '.ts'));
      if (!existsSync(path.join(root, source))) out.push(path.join('dist', folder, name));
    }
  }
  return out.sort();
}

/**
 * Why the build at `root` is stale, or undefined when it is current: the first input newer than the stamp
 * (relative path), or NO_BUILD. Reads only mtimes: a few hundred stats, a few milliseconds.
 */
export function staleReason(root, stampFile = path.join(root, STAMP)) {
  const built = mtimeMs(stampFile);
  if (built === undefined) return NO_BUILD;
  const top = readdirSync(root).filter((name) => /^tsconfig.*\.json$/.test(name) || name === 'package.json');
  for (const name of top) if ((mtimeMs(path.join(root, name)) ?? 0) > built) return name;
  const orphan = orphans(root)[0];
  if (orphan) return `${orphan} (its source was removed)`;
  for (const folder of buildFolders(root)) {
    const dir = path.join(root, folder);
    let names;
    try {
      names = readdirSync(dir, { recursive: true });
    } catch {
      continue;
    }
    for (const name of names) {
      if (!String(name).endsWith('.ts')) continue;
      const file = path.join(dir, String(name));
      if ((mtimeMs(file) ?? 0) > built) return path.relative(root, file);
    }
  }
  // Every file of the console's source counts (.tsx, .css, index.html), not only .ts.
  let web = [];
  try {
    web = readdirSync(path.join(root, CONSOLE_SOURCE), { recursive: true });
  } catch {
    // no console source: nothing to check
  }
  for (const name of web) {
    const file = path.join(root, CONSOLE_SOURCE, String(name));
    if ((mtimeMs(file) ?? 0) > built) return path.relative(root, file);
  }
  return undefined;
}

/** Builds the console (web/ → dist/console) with Vite; true when there is none to build. */
export function buildConsole(root) {
  const config = path.join(root, CONSOLE_SOURCE, 'vite.config.mts');
  if (!existsSync(config)) return true;
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  // Built aside, then swapped in: Vite empties its output folder first, and a host serving the console meanwhile
  // (a browser test while another process builds) answered 404 for index.html for the whole build.
  const out = path.join(root, 'dist', 'console');
  const next = `${out}.next-${process.pid}`;
  const args = [vite, 'build', '--config', config, '--logLevel', 'warn', '--outDir', next, '--emptyOutDir'];
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) {
    rmSync(next, { recursive: true, force: true });
    return false;
  }
  const old = `${out}.old-${process.pid}`;
  try {
    renameSync(out, old);
  } catch {
    // no console built yet
  }
  renameSync(next, out);
  rmSync(old, { recursive: true, force: true });
  return true;
}

/**
 * Deletes orphaned outputs, builds, then stamps the build with its start time, so an edit made during the build
 * counts as newer.
 */
export function build(root) {
  const started = new Date();
  for (const file of orphans(root)) rmSync(path.join(root, file), { force: true });
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) return false;
  if (!buildConsole(root)) return false;
  const stamp = path.join(root, STAMP);
  writeFileSync(stamp, `${started.toISOString()}\n`);
  utimesSync(stamp, started, started);
  return true;
}

async function main() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    console.error('usage: node scripts/run-built.mjs <dist entry> [args...]');
    process.exit(2);
  }
  // `npm run build` (and so start, test, bench) builds through here too, so its build is stamped as current.
  if (entry === '--build') process.exit(build(root) ? 0 : 1);
  const reason = staleReason(root);
  if (reason) {
    const why = reason === NO_BUILD || reason.endsWith(')') ? reason : `${reason} changed since the last build`;
    console.error(`building: ${why}`);
    if (!build(root)) process.exit(1);
  }
  const file = path.resolve(root, entry);
  process.argv = [process.argv[0], file, ...args];
  await import(pathToFileURL(file).href);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
