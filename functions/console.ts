/**
 * The web console (issue 21; decisions 1000–1002): its built files (web/ → dist/console by `npm run build`) under
 * `GET /console/{*path}` with index.html for client routes, its settings at `GET /console/config.json`, and the
 * local sign-in `POST /api/local/token` (AUTH_MODE=local only), which mints what `npm run -s token` mints for the
 * same choice. The console itself calls only the public APIs with that token.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { app, type HttpHandler, type HttpResponseInit } from '@azure/functions';
import type { LocalKeyStore } from '../shared/auth/keys';
import { mintToken } from '../shared/auth/tokens';
import type { Clock } from '../shared/clock';
import { services } from '../shared/composition';
import type { Config } from '../shared/config';
import { contentSecurityPolicy, etagOf, notModified, resolveStatic } from '../shared/console/static-files';
import { signInSchema, tokenRequestFor } from '../shared/console/signin';
import { NotFoundError } from '../shared/errors';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler } from '../shared/http/lazy';
import { readJson } from '../shared/http/request';
import { ok } from '../shared/http/responses';
import { problem, surfaces } from '../shared/http/surfaces';

/** dist/functions/console.js → dist/console (what Vite emits; deployed with the rest of dist/). */
export const CONSOLE_ROOT = path.resolve(__dirname, '..', 'console');

export interface ConsoleDeps {
  root: string;
  config: Pick<Config, 'auth' | 'console' | 'maxJsonBodyBytes'>;
  keys: () => LocalKeyStore;
  clock: Clock;
}

function entraAuthority(config: ConsoleDeps['config']): string | undefined {
  return config.auth.mode === 'entra' && config.console.entraClientId ? config.auth.entraAuthority : undefined;
}

export function makeConsoleHandlers(deps: ConsoleDeps): Record<'file' | 'config' | 'token', HttpHandler> {
  const root = path.resolve(deps.root);
  const csp = contentSecurityPolicy(entraAuthority(deps.config));
  return {
    file: endpoint({ surface: surfaces.public }, async (request) => {
      const target = resolveStatic(request.params['path'] ?? '');
      const absolute = target ? path.resolve(root, ...target.file.split('/')) : undefined;
      // The rule refuses every segment that could climb; this is the second lock on the same door.
      if (!target || !absolute || !absolute.startsWith(root + path.sep)) throw new NotFoundError('No such file in the console.');
      let bytes: Buffer;
      try {
        bytes = await readFile(absolute);
      } catch {
        if (target.fallback) return problem(404, 'The console is not built: run `npm run build`.');
        throw new NotFoundError('No such file in the console.');
      }
      const etag = etagOf(createHash('sha256').update(bytes).digest('hex'));
      const headers: Record<string, string> = {
        'content-type': target.contentType,
        'cache-control': target.cacheControl,
        etag,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      };
      if (target.contentType.startsWith('text/html')) headers['content-security-policy'] = csp;
      if (notModified(request.headers.get('if-none-match'), etag)) return { status: 304, headers } satisfies HttpResponseInit;
      return { status: 200, headers, body: bytes } satisfies HttpResponseInit;
    }),

    config: endpoint({ surface: surfaces.public }, async () => {
      const c = deps.config;
      const entra = c.auth.mode === 'entra' && c.console.entraClientId
        ? {
            clientId: c.console.entraClientId,
            authority: `${c.auth.entraAuthority}/${c.console.entraTenant}`,
            scopes: c.console.entraScopes,
          }
        : undefined;
      return ok({ authMode: c.auth.mode, pollMs: c.console.pollMs, ...(entra ? { entra } : {}) }, { 'cache-control': 'no-cache' });
    }),

    token: endpoint({ surface: surfaces.public }, async (request) => {
      if (deps.config.auth.mode !== 'local') throw new NotFoundError('The local sign-in is off (AUTH_MODE is not local).');
      const choice = await readJson(request, signInSchema, deps.config.maxJsonBodyBytes);
      const { request: wanted, audience } = tokenRequestFor(choice, deps.config.auth.operatorRole);
      const minted = await mintToken(deps.keys(), wanted, {
        issuerBase: deps.config.auth.localIssuerBase,
        audience,
        now: deps.clock.now(),
      });
      return ok(
        { token_type: 'Bearer', access_token: minted.accessToken, expires_on: minted.expiresOn, audience, tenantId: wanted.tenantId },
        { 'cache-control': 'no-store' },
      );
    }),
  };
}

let built: Record<'file' | 'config' | 'token', HttpHandler> | undefined;
const handlers = () => {
  if (built) return built;
  const s = services();
  built = makeConsoleHandlers({ root: CONSOLE_ROOT, config: s.config, keys: () => s.keys, clock: s.clock });
  return built;
};

app.http('console-config', { methods: ['GET'], route: 'console/config.json', authLevel: 'anonymous', handler: lazyHandler(() => handlers().config) });
app.http('console-file', { methods: ['GET'], route: 'console/{*path}', authLevel: 'anonymous', handler: lazyHandler(() => handlers().file) });
app.http('local-token', { methods: ['POST'], route: 'api/local/token', authLevel: 'anonymous', handler: lazyHandler(() => handlers().token) });
