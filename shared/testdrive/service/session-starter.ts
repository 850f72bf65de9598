/**
 * Hands a committed drive to its orchestration (`testdrive-session`, instance id `testdrive-<driveId>`, so every
 * path starts one instance: a running one answers 409). The durable client is the one the Functions host binds to
 * the invocation (`durableClientInput`), handed over by functions/hooks.ts. Without a client (a test, a crash
 * before the start) the drive still ends: the cleanup ends every drive whose expiry has come.
 */
import type { SessionStarter } from '../ports';
import { sessionInstanceId } from '../rules/ids';

/** The registered orchestration name (persisted in users' task hubs: never renamed). */
export const TESTDRIVE_SESSION_ORCHESTRATION = 'testdrive-session';

export interface SessionClient {
  startNew(name: string, options: { instanceId: string; input: unknown }): Promise<string>;
}

export class DurableSessionStarter implements SessionStarter {
  #client: SessionClient | undefined;

  attach(client: SessionClient): void {
    this.#client ??= client;
  }

  async start(driveId: string): Promise<void> {
    const client = this.#client;
    if (!client) return;
    try {
      await client.startNew(TESTDRIVE_SESSION_ORCHESTRATION, { instanceId: sessionInstanceId(driveId), input: { driveId } });
    } catch (error) {
      if (/status code: 409\b/.test((error as Error).message)) return;
      throw error;
    }
  }
}
