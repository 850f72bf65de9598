#!/usr/bin/env node
// The deployment package (decision 0015), written by `npm run build` after the compile:
//
//   dist/deploy/
//     dist/functions/*.js, dist/shared/**/*.js   the compiled app (no local host, benchmarks or test fixtures)
//     host.json                                  as in the repository
//     package.json                               name, version, main, engines, dependencies, overrides; no scripts
//     package-lock.json                          the root lock with its development packages removed
//     node_modules/                              the production dependencies, copied from node_modules/
//     .funcignore                                present, so azd packages node_modules instead of dropping it
//
// azure.yaml points azd at this folder (`dist: dist/deploy`); `func azure functionapp publish` and zip deploy take it
// as it is. The folder is assembled beside the old one and swapped in with renames, so a reader never sees half of it;
// node_modules is copied again only when package-lock.json changes (its hash is kept in node_modules/.lock-sha256).
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEPLOY_DIR = 'dist/deploy';
/** The compiled folders that run in Azure; everything else under dist/ (local host, bench, fixtures) stays behind. */
export const APP_FOLDERS = ['functions', 'shared'];
const PACKAGE_FIELDS = ['name', 'version', 'private', 'description', 'license', 'type', 'main', 'engines', 'dependencies', 'overrides'];
const HASH_FILE = '.lock-sha256';

/** package.json as deployed: what the Functions host and npm read, without scripts or development dependencies. */
export function deployPackageJson(pkg) {
  return Object.fromEntries(PACKAGE_FIELDS.filter((field) => pkg[field] !== undefined).map((field) => [field, pkg[field]]));
}

/** The lock without development packages (so a remote `npm ci` installs exactly what node_modules/ holds). */
export function productionLock(lock) {
  const packages = Object.fromEntries(
    Object.entries(lock.packages ?? {})
      .filter(([key, entry]) => key === '' || !(entry.dev || entry.devOptional))
      .map(([key, entry]) => (key === '' ? [key, deployPackageJson(entry)] : [key, entry])),
  );
  return { ...lock, packages };
}

/** The production packages' folders under node_modules (nested ones included), from the lock. */
export function productionPackagePaths(lock) {
  return Object.entries(lock.packages ?? {})
    .filter(([key, entry]) => key.startsWith('node_modules/') && !(entry.dev || entry.devOptional) && !entry.link)
    .map(([key]) => key)
    .sort();
}

function copyCompiled(from, to) {
  for (const name of readdirSync(from, { recursive: true }).map(String)) {
    if (!name.endsWith('.js')) continue;
    const target = path.join(to, name);
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(path.join(from, name), target);
  }
}

function copyDependencies(root, lock, to) {
  for (const key of productionPackagePaths(lock)) {
    const source = path.join(root, key);
    if (!existsSync(source)) throw new Error(`${key} is in package-lock.json but not installed: run npm ci first`);
    // A nested node_modules is its own entry in the lock, copied on its own turn.
    const nested = (src) => src.slice(source.length).split(path.sep).includes('node_modules');
    cpSync(source, path.join(to, key), { recursive: true, filter: (src) => !nested(src) });
  }
}

export function buildDeploy(root) {
  const out = path.join(root, DEPLOY_DIR);
  const lockText = readFileSync(path.join(root, 'package-lock.json'), 'utf8');
  const lock = JSON.parse(lockText);
  const lockHash = createHash('sha256').update(lockText).digest('hex');
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const tmp = `${out}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp, { recursive: true });
  try {
    for (const folder of APP_FOLDERS) copyCompiled(path.join(root, 'dist', folder), path.join(tmp, 'dist', folder));
    // The web console's built files (web/ by Vite, decision 1000), which dist/functions/console.js serves; no source maps.
    const consoleDir = path.join(root, 'dist', 'console');
    if (existsSync(consoleDir)) cpSync(consoleDir, path.join(tmp, 'dist', 'console'), { recursive: true, filter: (src) => !src.endsWith('.map') });
    cpSync(path.join(root, 'host.json'), path.join(tmp, 'host.json'));
    writeFileSync(path.join(tmp, 'package.json'), `${JSON.stringify(deployPackageJson(pkg), null, 2)}\n`);
    writeFileSync(path.join(tmp, 'package-lock.json'), `${JSON.stringify(productionLock(lock), null, 2)}\n`);
    writeFileSync(path.join(tmp, '.funcignore'), '# Written by npm run build (scripts/build-deploy.mjs): everything here is deployed, node_modules included.\n*.ts\n');
    // The previous package's dependencies, when they were copied for this same lock; otherwise a fresh copy.
    const previous = path.join(out, 'node_modules');
    let reused = false;
    try {
      if (readFileSync(path.join(previous, HASH_FILE), 'utf8').trim() === lockHash) {
        renameSync(previous, path.join(tmp, 'node_modules'));
        reused = true;
      }
    } catch {
      reused = false;
    }
    if (!reused) {
      copyDependencies(root, lock, tmp);
      mkdirSync(path.join(tmp, 'node_modules'), { recursive: true });
      writeFileSync(path.join(tmp, 'node_modules', HASH_FILE), `${lockHash}\n`);
    }
    const old = `${out}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
    if (existsSync(out)) renameSync(out, old);
    renameSync(tmp, out);
    rmSync(old, { recursive: true, force: true });
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  try {
    const out = buildDeploy(root);
    console.error(`deployment package: ${path.relative(root, out)}`);
  } catch (error) {
    console.error(`deployment package not written: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
