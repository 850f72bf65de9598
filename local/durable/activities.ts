/**
 * Runs an activity function the way the Durable extension does: the input travels as JSON text in the trigger
 * data (the SDK JSON-encodes it), the return value comes back as RPC typed data and is stored as JSON text; an
 * error becomes FailureDetails, which the SDK hands to the orchestrator as a TaskFailedError. When the app
 * registered an exception properties provider, the SDK puts a structured payload in the error message
 * (errorType, errorMessage, properties, ...); the host unpacks it as the extension does.
 */
import { z } from 'zod';
import type { RpcTypedData } from '../core-types';
import type { RegisteredFunction } from '../functions-core';
import { invokeFunction } from '../invoke';
import { triggerName } from './replay';
import type { ActivityOutcome, FailureDetails } from './types';

export function resultJson(data: RpcTypedData | null | undefined): string {
  if (!data) return 'null';
  if (typeof data.json === 'string') return data.json;
  if (typeof data.string === 'string') return JSON.stringify(data.string);
  if (typeof data.int === 'number') return String(data.int);
  if (typeof data.double === 'number') return String(data.double);
  if (data.bytes) return JSON.stringify(Buffer.from(data.bytes).toString('base64'));
  return 'null';
}

const structuredFailure = z.object({
  errorType: z.string(),
  errorMessage: z.string(),
  stackTrace: z.string().optional(),
  isNonRetriable: z.boolean().optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
});

export function failureFrom(error: unknown): FailureDetails {
  const err = error instanceof Error ? error : new Error(typeof error === 'string' ? error : JSON.stringify(error));
  if (err.message.startsWith('{')) {
    try {
      const s = structuredFailure.safeParse(JSON.parse(err.message));
      if (s.success) {
        return {
          ErrorType: s.data.errorType,
          ErrorMessage: s.data.errorMessage,
          IsNonRetriable: s.data.isNonRetriable ?? false,
          ...(s.data.stackTrace ? { StackTrace: s.data.stackTrace } : {}),
          ...(s.data.properties ? { Properties: s.data.properties } : {}),
        };
      }
    } catch {
      // an ordinary message that happens to start with a brace
    }
  }
  return { ErrorType: err.name || 'Error', ErrorMessage: err.message, IsNonRetriable: false, ...(err.stack ? { StackTrace: err.stack } : {}) };
}

export function failedOutcome(functionName: string, failure: FailureDetails, what = 'Activity function'): ActivityOutcome {
  return {
    ok: false,
    failure,
    reason: `${what} '${functionName}' failed: ${failure.ErrorMessage}`,
    ...(failure.StackTrace ? { details: failure.StackTrace } : {}),
  };
}

export async function runActivity(fn: RegisteredFunction | undefined, name: string, input: string | undefined): Promise<ActivityOutcome> {
  if (!fn) {
    return failedOutcome(name, {
      ErrorType: 'FunctionNotFound',
      ErrorMessage: `The function '${name}' doesn't exist, is disabled, or is not an activity function.`,
      IsNonRetriable: true,
    });
  }
  const outcome = await invokeFunction(fn, {
    inputData: [{ name: triggerName(fn, 'activityTrigger'), data: input === undefined ? null : { string: input } }],
  });
  if (outcome.error !== undefined) return failedOutcome(fn.metadata.name, failureFrom(outcome.error));
  return { ok: true, result: resultJson(outcome.response?.returnValue) };
}
