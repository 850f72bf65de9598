/**
 * The Azure SDKs' HTTP client (core-rest-pipeline's `HttpClient`) over the one outbound client, so the Table SDK's
 * calls to the ISV's storage and @azure/identity's token requests obey the same address policy, deadline and
 * no-redirect rule as every other lead request. A refusal, time-out or connection error is thrown as a `RestError`
 * (the SDKs' own error type) and also remembered in `failures`, which the adapter classifies.
 */
import { RestError } from '@azure/data-tables';
import type { HttpClient, HttpHeaders, PipelineRequest, PipelineResponse, RawHttpHeaders } from '@azure/core-rest-pipeline';
import type { OutboundClient } from '../../../outbound/client';

export interface SdkFailure {
  kind: 'refused' | 'timeout' | 'network';
  message: string;
}

export interface RecordingHttpClient extends HttpClient {
  readonly failures: SdkFailure[];
}

/** Case-insensitive headers, as the pipeline expects them. */
function headers(from: Record<string, string>): HttpHeaders {
  const map = new Map<string, { name: string; value: string }>();
  for (const [name, value] of Object.entries(from)) map.set(name.toLowerCase(), { name, value });
  const self: HttpHeaders = {
    get: (name) => map.get(name.toLowerCase())?.value,
    has: (name) => map.has(name.toLowerCase()),
    set: (name, value) => void map.set(name.toLowerCase(), { name, value: String(value) }),
    delete: (name) => void map.delete(name.toLowerCase()),
    toJSON: (options?: { preserveCase?: boolean }): RawHttpHeaders =>
      Object.fromEntries([...map.entries()].map(([lower, { name, value }]) => [options?.preserveCase ? name : lower, value])),
    [Symbol.iterator]: () => [...map.entries()].map(([lower, { value }]) => [lower, value] as [string, string])[Symbol.iterator](),
  };
  return self;
}

export function outboundHttpClient(client: OutboundClient, timeoutMs: number, keepBodyBytes = 1_048_576): RecordingHttpClient {
  const failures: SdkFailure[] = [];
  return {
    failures,
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const body = request.body;
      if (body !== undefined && body !== null && typeof body !== 'string')
        throw new RestError('only string request bodies are sent', { request });
      const result = await client.send({
        method: request.method,
        url: request.url,
        headers: request.headers.toJSON({ preserveCase: true }),
        ...(typeof body === 'string' ? { body } : {}),
        timeoutMs,
        keepBodyBytes,
      });
      if (result.kind === 'refused') {
        failures.push({ kind: 'refused', message: result.message });
        throw new RestError(result.message, { code: 'OUTBOUND_REFUSED', request });
      }
      if (result.kind === 'error') {
        failures.push({ kind: result.timedOut ? 'timeout' : 'network', message: result.message });
        throw new RestError(result.message, { code: RestError.REQUEST_SEND_ERROR, request });
      }
      return { request, status: result.status, headers: headers(result.headers), bodyAsText: result.body };
    },
  };
}
