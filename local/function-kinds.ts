/**
 * What the registered functions are, by trigger, for the start-up banner: HTTP routes and timers are not all of them,
 * since Durable Functions register orchestrations and activities too (decision 0008).
 */
import type { RegisteredFunction } from './functions-core';

const LABELS: Record<string, [one: string, many: string]> = {
  httptrigger: ['HTTP', 'HTTP'],
  timertrigger: ['timer', 'timers'],
  orchestrationtrigger: ['orchestration', 'orchestrations'],
  activitytrigger: ['activity', 'activities'],
  entitytrigger: ['entity', 'entities'],
};

/** The trigger binding type of a function, in lower case (`httptrigger`, `activitytrigger`, ...). */
export function triggerType(fn: RegisteredFunction): string {
  const trigger = Object.values(fn.metadata.bindings).find((b) => /trigger$/i.test(b.type ?? ''));
  return trigger?.type?.toLowerCase() ?? 'none';
}

/** Counts by trigger type, in registration order of first appearance. */
export function countByTrigger(functions: readonly RegisteredFunction[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const fn of functions) {
    const type = triggerType(fn);
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/** "66 (60 HTTP, 2 timers, 1 orchestration, 3 activities)": the parts always add up to the total. */
export function describeFunctions(functions: readonly RegisteredFunction[]): string {
  const counts = countByTrigger(functions);
  const order = [...Object.keys(LABELS), ...[...counts.keys()].filter((k) => !(k in LABELS))];
  const parts = order.flatMap((type) => {
    const n = counts.get(type);
    if (!n) return [];
    const [one, many] = LABELS[type] ?? [type.replace(/trigger$/, ''), type.replace(/trigger$/, '')];
    return [`${n} ${n === 1 ? one : many}`];
  });
  return `${functions.length} (${parts.join(', ')})`;
}
