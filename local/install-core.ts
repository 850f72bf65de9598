/**
 * Makes `require('@azure/functions-core')` resolve to the local host's implementation, the way the real
 * Node.js worker provides it. Must run before the app (and so `@azure/functions`) is loaded.
 */
import Module from 'node:module';

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
const moduleInternals = Module as unknown as { _resolveFilename: ResolveFilename };

let installed = false;

export function installFunctionsCore(): void {
  if (installed) return;
  installed = true;
  const corePath = require.resolve('./functions-core');
  const original = moduleInternals._resolveFilename;
  moduleInternals._resolveFilename = function resolveWithCore(request, parent, isMain, options) {
    if (request === '@azure/functions-core') return corePath;
    return original.call(this, request, parent, isMain, options);
  };
}
