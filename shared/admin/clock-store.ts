/** Persists the test clock's offset so a restarted host resumes at the same moved time. */
import type { TableClient } from '@azure/data-tables';
import type { ClockState } from '../clock';

const PARTITION = 'clock';
const ROW = 'test-clock';

export class ClockStore {
  readonly #table: () => Promise<TableClient>;

  constructor(table: () => Promise<TableClient>) {
    this.#table = table;
  }

  async load(): Promise<ClockState | undefined> {
    const table = await this.#table();
    try {
      const entity = await table.getEntity<{ offsetMs: number }>(PARTITION, ROW);
      return { offsetMs: Number(entity.offsetMs) };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async save(state: ClockState): Promise<void> {
    const table = await this.#table();
    await table.upsertEntity({ partitionKey: PARTITION, rowKey: ROW, offsetMs: state.offsetMs }, 'Replace');
  }
}
