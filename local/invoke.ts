/**
 * Runs one invocation the way the Azure Functions Node.js worker does: the programming model builds the
 * arguments, preInvocation hooks may replace inputs and the callback, the function runs, postInvocation hooks
 * may replace the result or the error, and the programming model turns the result into the RPC response.
 */
import { randomUUID } from 'node:crypto';
import type {
  CoreInvocationContext,
  HookData,
  RpcInvocationRequest,
  RpcParameterBinding,
  RpcTypedData,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
} from './core-types';
import { registry, type RegisteredFunction } from './functions-core';

const appHookData: HookData = {};

/**
 * Data for input bindings the host itself provides (by binding type, lower case), as the Functions host fills
 * them in before an invocation: the local durable runtime registers `durableClient` here.
 */
export type InputBindingProvider = (fn: RegisteredFunction, bindingName: string) => RpcTypedData | undefined;
const inputProviders = new Map<string, InputBindingProvider>();

export function setInputBindingProvider(type: string, provider: InputBindingProvider | undefined): void {
  if (provider) inputProviders.set(type.toLowerCase(), provider);
  else inputProviders.delete(type.toLowerCase());
}

function withProvidedInputs(fn: RegisteredFunction, inputData: RpcParameterBinding[] | null | undefined): RpcParameterBinding[] | null | undefined {
  if (inputProviders.size === 0) return inputData;
  let out = inputData;
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    if (binding.direction !== 'in' || /trigger$/i.test(binding.type ?? '')) continue;
    const provider = inputProviders.get(binding.type?.toLowerCase() ?? '');
    if (!provider || out?.some((i) => i.name === name)) continue;
    const data = provider(fn, name);
    if (data !== undefined) out = [...(out ?? []), { name, data }];
  }
  return out;
}

export function sharedAppHookData(): HookData {
  return appHookData;
}

export interface InvocationOutcome {
  invocationId: string;
  response?: RpcInvocationResponse;
  error?: unknown;
  /** Lines the function wrote through its context (`context.log` and friends), up to the outcome. */
  userLogs: number;
}

async function runHooks(name: 'preInvocation' | 'postInvocation', context: object): Promise<void> {
  for (const hook of [...(registry.hooks.get(name) ?? [])]) {
    await (hook as (c: object) => unknown)(context);
  }
}

function readOnly<T extends object>(target: T, keys: string[]): T {
  for (const key of keys) {
    const value: unknown = (target as Record<string, unknown>)[key];
    Object.defineProperty(target, key, { value, writable: false, enumerable: true });
  }
  return target;
}

export async function invokeFunction(
  fn: RegisteredFunction,
  request: Omit<RpcInvocationRequest, 'invocationId' | 'functionId'>,
  invocationId: string = randomUUID(),
): Promise<InvocationOutcome> {
  const model = registry.programmingModel;
  if (!model) throw new Error('No programming model was registered by the app.');
  const name = fn.metadata.name;
  const inputData = withProvidedInputs(fn, request.inputData);
  let userLogs = 0;
  const count = (category: RpcLogCategory) => {
    if (category === 'user') userLogs += 1;
  };
  const coreCtx: CoreInvocationContext = {
    invocationId,
    request: { ...request, ...(inputData !== request.inputData ? { inputData } : {}), invocationId, functionId: fn.metadata.functionId ?? name },
    metadata: { name, functionId: fn.metadata.functionId ?? name, bindings: fn.metadata.bindings },
    log: (level, category, message) => {
      count(category);
      emitLog(level, category, `${name} (${invocationId}): ${message}`, undefined);
    },
  };
  const invocation = await model.getInvocationModel(coreCtx);
  const { context, inputs } = await invocation.getArguments();
  coreCtx.log = (level, category, message) => {
    count(category);
    emitLog(level, category, `${name} (${invocationId}): ${message}`, context);
  };

  const hookData: HookData = {};
  const pre = readOnly(
    { hookData, appHookData, invocationContext: context, inputs, functionCallback: fn.callback },
    ['hookData', 'appHookData', 'invocationContext'],
  );
  coreCtx.state = 'preInvocationHooks';
  try {
    await runHooks('preInvocation', pre);
  } catch (error) {
    coreCtx.state = undefined;
    return { invocationId, error, userLogs };
  }

  coreCtx.state = 'invocation';
  const postContext: { hookData: HookData; appHookData: HookData; invocationContext: unknown; inputs: unknown[]; result: unknown; error: unknown } = {
    hookData,
    appHookData,
    invocationContext: context,
    inputs: pre.inputs,
    result: null,
    error: null,
  };
  const post = readOnly(postContext, ['hookData', 'appHookData', 'invocationContext']);
  try {
    post.result = await invocation.invokeFunction(context, pre.inputs, pre.functionCallback);
  } catch (error) {
    post.error = error;
  }

  try {
    coreCtx.state = 'postInvocationHooks';
    await runHooks('postInvocation', post);
  } catch (error) {
    return { invocationId, error, userLogs };
  } finally {
    coreCtx.state = undefined;
  }
  if (post.error !== null && post.error !== undefined) return { invocationId, error: post.error, userLogs };
  try {
    return { invocationId, response: await invocation.getResponse(context, post.result), userLogs };
  } catch (error) {
    return { invocationId, error, userLogs };
  }
}

function emitLog(level: RpcLogLevel, category: RpcLogCategory, message: string, invocationContext: unknown): void {
  let finalLevel = level;
  let finalMessage = message;
  const logHooks = registry.hooks.get('log') ?? [];
  if (logHooks.length > 0) {
    const ctx = { hookData: {}, appHookData, invocationContext, category, level, message };
    for (const hook of logHooks) {
      try {
        (hook as (c: object) => unknown)(ctx);
      } catch {
        // A failing log hook must not break the invocation (the worker swallows these too).
      }
    }
    if (category === 'user') {
      finalLevel = ctx.level;
      finalMessage = ctx.message;
    }
  }
  registry.logSink(finalLevel, category, finalMessage);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
