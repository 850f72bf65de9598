import type { HttpHandler } from '@azure/functions';

/**
 * Defers building a handler (and so the composition root) to its first invocation, so that loading the app never
 * touches settings or storage; trigger files use it to wire handler factories to `services()`.
 */
export function lazyHandler(build: () => HttpHandler): HttpHandler {
  let handler: HttpHandler | undefined;
  return (request, context) => {
    handler ??= build();
    return handler(request, context);
  };
}

/** Builds a value on first use and returns the same one afterwards (handler sets wired to `services()`). */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
