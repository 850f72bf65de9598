/**
 * The `extensions.durableTask` section of host.json, as far as the local host uses it: the task hub name (a
 * `%Setting%` reference is resolved from the environment, as the Functions host does), the concurrency limits
 * and the partition count of the storage provider. Defaults are the Durable extension's for a Consumption plan.
 */
import { z } from 'zod';

const schema = z.looseObject({
  hubName: z.string().optional(),
  maxConcurrentActivityFunctions: z.number().int().positive().default(10),
  maxConcurrentOrchestratorFunctions: z.number().int().positive().default(10),
  storageProvider: z.looseObject({ partitionCount: z.number().int().min(1).max(16).default(4) }).default({ partitionCount: 4 }),
});

export interface DurableTaskOptions {
  hubName: string;
  maxConcurrentActivityFunctions: number;
  maxConcurrentOrchestratorFunctions: number;
  partitionCount: number;
}

const HUB_NAME = /^[A-Za-z][A-Za-z0-9]{2,44}$/;

export function durableTaskOptions(section: unknown, env: Record<string, string | undefined> = process.env): DurableTaskOptions {
  const parsed = schema.safeParse(section ?? {});
  if (!parsed.success) {
    throw new Error(`host.json extensions.durableTask: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  let hubName = parsed.data.hubName ?? 'TestHubName';
  const setting = /^%(.+)%$/.exec(hubName)?.[1];
  if (setting) hubName = env[setting] ?? '';
  if (!HUB_NAME.test(hubName)) {
    throw new Error(`host.json extensions.durableTask.hubName: "${hubName}" must be 3-45 letters and digits, starting with a letter.`);
  }
  return {
    hubName,
    maxConcurrentActivityFunctions: parsed.data.maxConcurrentActivityFunctions,
    maxConcurrentOrchestratorFunctions: parsed.data.maxConcurrentOrchestratorFunctions,
    partitionCount: parsed.data.storageProvider.partitionCount,
  };
}
