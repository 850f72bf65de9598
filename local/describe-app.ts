/**
 * `npm run routes`: loads the app exactly as the host does (package.json `main`) without starting anything and
 * prints its entry files, functions and route table as JSON. Tests use it to check `func start` compatibility.
 */
import path from 'node:path';
import { httpRoutes } from './http-server';
import { loadApp, readHostJson, resolveEntries } from './host';
import { RouteTable } from './routes';
import { appRootFrom, parseHostSettings } from './settings';

async function main(): Promise<void> {
  const appRoot = appRootFrom(parseHostSettings(process.env), path.resolve(__dirname, '..', '..'));
  const entries = resolveEntries(appRoot);
  const functions = await loadApp(appRoot, entries, { runAppStart: false });
  const routePrefix = readHostJson(appRoot).extensions?.http?.routePrefix ?? 'api';
  const table = new RouteTable(httpRoutes(functions), routePrefix);
  console.log(
    JSON.stringify(
      {
        entries: entries.map((e) => path.relative(appRoot, e)),
        functions: functions.map((f) => ({ name: f.metadata.name, bindings: f.metadata.bindings })),
        routes: table.describe(),
      },
      null,
      2,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
