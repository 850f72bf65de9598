/** The app's durable functions by kind, looked up case-insensitively as the Functions host does. */
import type { RegisteredFunction } from '../functions-core';

const bindingTypes = (fn: RegisteredFunction) => Object.values(fn.metadata.bindings).map((b) => b.type?.toLowerCase() ?? '');

export class FunctionCatalog {
  #orchestrators = new Map<string, RegisteredFunction>();
  #activities = new Map<string, RegisteredFunction>();
  readonly entities: string[] = [];

  constructor(functions: readonly RegisteredFunction[]) {
    for (const fn of functions) {
      const types = bindingTypes(fn);
      const key = fn.metadata.name.toLowerCase();
      if (types.includes('orchestrationtrigger')) this.#orchestrators.set(key, fn);
      else if (types.includes('activitytrigger')) this.#activities.set(key, fn);
      else if (types.includes('entitytrigger')) this.entities.push(fn.metadata.name);
    }
  }

  orchestrator(name: string): RegisteredFunction | undefined {
    return this.#orchestrators.get(name.toLowerCase());
  }

  activity(name: string): RegisteredFunction | undefined {
    return this.#activities.get(name.toLowerCase());
  }

  get size(): number {
    return this.#orchestrators.size + this.#activities.size + this.entities.length;
  }
}

/** Does the app use Durable Functions at all (a durable trigger, or a durable client binding)? */
export function usesDurable(functions: readonly RegisteredFunction[]): boolean {
  return functions.some((fn) =>
    bindingTypes(fn).some((t) => t === 'orchestrationtrigger' || t === 'activitytrigger' || t === 'entitytrigger' || t === 'durableclient' || t === 'orchestrationclient'),
  );
}
