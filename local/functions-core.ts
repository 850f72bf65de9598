/**
 * The local host's implementation of the `@azure/functions-core` module. In Azure the Node.js worker provides
 * this module; `@azure/functions` requires it to register functions and hooks. `install-core.ts` makes
 * `require('@azure/functions-core')` resolve here, so the app's own registration calls fill this registry with
 * exactly the metadata and handlers the real worker would receive.
 */
import type {
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookName,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from './core-types';

export const version = '4.0.0-local';
export const hostVersion = '4.1000.0-local';

export class Disposable {
  #callOnDispose: (() => unknown) | undefined;

  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }

  static from(...disposables: { dispose: () => unknown }[]): Disposable {
    return new Disposable(() => disposables.forEach((d) => d.dispose()));
  }

  dispose(): void {
    this.#callOnDispose?.();
    this.#callOnDispose = undefined;
  }
}

export interface RegisteredFunction {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
}

export type LogSink = (level: RpcLogLevel, category: RpcLogCategory, message: string) => void;

/** What the app registered. The host reads it after loading the app's entry files. */
export const registry = {
  functions: new Map<string, RegisteredFunction>(),
  hooks: new Map<HookName, HookCallback[]>(),
  programmingModel: undefined as ProgrammingModel | undefined,
  logSink: ((level, category, message) => {
    const line = `[${category}] ${message}`;
    if (level === 'error' || level === 'critical') console.error(line);
    else if (level === 'warning') console.warn(line);
    else console.log(line);
  }) as LogSink,
};

export function registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
  const key = metadata.name.toLowerCase();
  if (registry.functions.has(key)) {
    throw new Error(`A function with the name "${metadata.name}" has already been registered.`);
  }
  registry.functions.set(key, { metadata: { ...metadata, functionId: metadata.functionId ?? metadata.name }, callback });
  return new Disposable(() => registry.functions.delete(key));
}

const hookNames: readonly HookName[] = ['preInvocation', 'postInvocation', 'appStart', 'appTerminate', 'log'];

export function registerHook(hookName: string, callback: HookCallback): Disposable {
  const name = hookNames.find((h) => h === hookName);
  if (!name) {
    // The real worker throws a RangeError for hook names it does not know; the library relies on that.
    throw new RangeError(`Unrecognized hook "${hookName}"`);
  }
  const list = registry.hooks.get(name) ?? [];
  list.push(callback);
  registry.hooks.set(name, list);
  return new Disposable(() => {
    const index = list.indexOf(callback);
    if (index >= 0) list.splice(index, 1);
  });
}

export function setProgrammingModel(model: ProgrammingModel): void {
  registry.programmingModel = model;
}

export function getProgrammingModel(): ProgrammingModel | undefined {
  return registry.programmingModel;
}

export function log(level: RpcLogLevel, category: RpcLogCategory, message: string): void {
  registry.logSink(level, category, message);
}
