/**
 * `npm run bench [-- <suite> ...]`: runs the named suites (all when none is named) against one in-memory
 * Azurite started for the run, prints each table and writes JSON to bench/results/<suite>-<time>.json.
 */
import { createContext } from './context';
import { writeResults } from './lib';

type Suite = { run(ctx: Awaited<ReturnType<typeof createContext>>): Promise<Record<string, unknown>> };

const suites: Record<string, () => Promise<Suite>> = {
  baseline: () => import('./baseline.js'),
  durable: () => import('./durable.js'),
  saas: () => import('./saas.js'),
  metering: () => import('./metering.js'),
  durability: () => import('./durability.js'),
  leads: () => import('./leads.js'),
  publish: () => import('./publish.js'),
  testdrive: () => import('./testdrive.js'),
  licensing: () => import('./licensing.js'),
  analytics: () => import('./analytics.js'),
};

async function main(): Promise<void> {
  const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = requested.length > 0 ? requested : Object.keys(suites);
  const unknown = names.filter((n) => !suites[n]);
  if (unknown.length > 0) throw new Error(`Unknown suite(s): ${unknown.join(', ')}. Known: ${Object.keys(suites).join(', ')}`);
  const ctx = await createContext();
  try {
    for (const name of names) {
      const suite = await (suites[name] as () => Promise<Suite>)();
      const result = await suite.run(ctx);
      console.log(`results: ${writeResults(name, result)}`);
    }
  } finally {
    await ctx.azurite.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
