#!/usr/bin/env node
// Reads Stryker's JSON report (reports/mutation/mutation.json) and checks each rules folder against its floor in
// scripts/mutation-floors.json (issue 22, decision 0013). Prints a table; exits 1 when a folder is under its floor or
// a rules folder has no floor yet (a new capability's rules are mutation-tested from their first commit).
// Score as Stryker computes it: (killed + timeout) / (killed + timeout + survived + no coverage).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Per-folder counts from a report: { 'shared/metering/rules': { killed, timeout, survived, noCoverage } }. */
export function folderCounts(report) {
  const out = {};
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const m = /^(shared\/[^/]+\/rules)\//.exec(file.replaceAll('\\', '/'));
    if (!m) continue;
    const c = (out[m[1]] ??= { killed: 0, timeout: 0, survived: 0, noCoverage: 0 });
    for (const { status } of mutants) {
      if (status === 'Killed') c.killed += 1;
      else if (status === 'Timeout') c.timeout += 1;
      else if (status === 'Survived') c.survived += 1;
      else if (status === 'NoCoverage') c.noCoverage += 1;
    }
  }
  return out;
}

export function score(c) {
  const valid = c.killed + c.timeout + c.survived + c.noCoverage;
  return valid === 0 ? 100 : ((c.killed + c.timeout) / valid) * 100;
}

/** The failures of `counts` against `floors` (percentages), as messages. */
export function check(counts, floors) {
  const failures = [];
  for (const [folder, c] of Object.entries(counts)) {
    const floor = floors[folder];
    if (floor === undefined) failures.push(`${folder}: no floor in scripts/mutation-floors.json`);
    else if (score(c) < floor) failures.push(`${folder}: ${score(c).toFixed(2)}% is under its floor of ${floor}%`);
  }
  return failures;
}

function main() {
  const report = JSON.parse(readFileSync(path.join(root, 'reports/mutation/mutation.json'), 'utf8'));
  const floors = JSON.parse(readFileSync(path.join(root, 'scripts/mutation-floors.json'), 'utf8'));
  const counts = folderCounts(report);
  console.log('folder                    score   floor  killed timeout survived no-cov');
  for (const [folder, c] of Object.entries(counts).sort()) {
    const cells = [score(c).toFixed(2).padStart(6), String(floors[folder] ?? '-').padStart(6), ...[c.killed, c.timeout, c.survived, c.noCoverage].map((n) => String(n).padStart(7))];
    console.log(`${folder.padEnd(24)} ${cells.join(' ')}`);
  }
  const failures = check(counts, floors);
  for (const f of failures) console.log(`mutation: ${f}`);
  process.exit(failures.length > 0 ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
