/**
 * The host's Node options are stated once (local/node-args.ts) and repeated where a string has to carry them:
 * `npm start` and the Azure worker setting in infra. These checks keep the copies from drifting, so the benchmarks
 * and e2e tests measure the host as `npm start` runs it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_HOST_NODE_ARGS } from '../../../local/node-args';

const root = path.resolve(__dirname, '..', '..', '..');

describe('local host Node options', () => {
  it('npm start passes every option before the entry point', () => {
    const start = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[
      'start'
    ];
    expect(start).toContain(`node ${LOCAL_HOST_NODE_ARGS.join(' ')} dist/local/main.js`);
  });

  it('the Azure worker gets a heap limit too, sized to its instance', () => {
    const bicep = readFileSync(path.join(root, 'infra/app/function.bicep'), 'utf8');
    expect(bicep).toMatch(/languageWorkers__node__arguments: '--max-old-space-size=\$\{instanceMemoryMB \/ 2\}'/);
    // The local figure is the smallest instance's share: 512 / 2.
    expect(LOCAL_HOST_NODE_ARGS).toContain(`--max-old-space-size=${512 / 2}`);
  });
});
