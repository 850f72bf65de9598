/**
 * `local.settings.json`, applied as Core Tools applies it. On its own module so that the token command loads it
 * without the host (routes, durable runtime): that import alone cost the command about 0.4 s (decision 0007).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Core Tools copies `Values` of local.settings.json into the environment; so does the local host. */
export function applyLocalSettings(appRoot: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const file = path.join(appRoot, 'local.settings.json');
  if (!existsSync(file)) return [];
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> };
  const applied: string[] = [];
  for (const [key, value] of Object.entries(parsed.Values ?? {})) {
    if (env[key] === undefined && value !== undefined && value !== null) {
      env[key] = typeof value === 'string' ? value : JSON.stringify(value);
      applied.push(key);
    }
  }
  return applied;
}
