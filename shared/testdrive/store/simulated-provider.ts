/**
 * The simulated instance provider (the default locally; decision 0702): resource groups are rows of a table, so
 * they survive a host restart like real ones; every operation takes its configured delay on the project clock
 * (deploy, stop, start, delete) and the next N operations of a kind can be made to fail. Outputs are the
 * template's output names, with `[parameters('x')]` resolved to the instance's parameter value. Each group counts
 * its deletes: a delete begins once (If-Match), so tests can prove each instance was deleted exactly once.
 */
import type { TableClient } from '@azure/data-tables';
import type { Clock } from '../../clock';
import type { DeployRequest, GroupRef, InstanceProvider, OpStatus, OwnedGroup } from '../ports';
import { insertOrReplaceIfMatch } from '../../storage/conditional-write';
import { fromJsonColumns, toJsonColumns } from '../../storage/json-columns';

export type SimulatedOp = 'deploy' | 'stop' | 'start' | 'delete';

export interface SimulatedSettings {
  delaysMs: Record<SimulatedOp, number>;
  /** How many of the next operations of each kind fail. */
  faults: Partial<Record<SimulatedOp, number>>;
}

export interface SimulatedGroup {
  resourceGroup: string;
  region: string;
  tags: Record<string, string>;
  op: SimulatedOp;
  doneAt: string;
  failed: string;
  deploys: number;
  deletes: number;
  outputs: Record<string, string>;
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

function simulatedOutputs(request: DeployRequest): Record<string, string> {
  const outputs = request.template['outputs'];
  const out: Record<string, string> = {};
  if (typeof outputs !== 'object' || outputs === null) return out;
  for (const [name, spec] of Object.entries(outputs as Record<string, unknown>)) {
    const value = (spec as { value?: unknown } | null)?.value;
    const ref = typeof value === 'string' ? /^\[parameters\('([^']+)'\)\]$/.exec(value) : null;
    out[name] = ref ? (request.parameters[ref[1] as string]?.value ?? '') : `${name}.${request.resourceGroup}.simulated`;
  }
  return out;
}

export class SimulatedProvider implements InstanceProvider {
  readonly #table: () => Promise<TableClient>;
  readonly #clock: Clock;
  readonly #delays: Record<SimulatedOp, number>;
  readonly #faults: Partial<Record<SimulatedOp, number>>;

  constructor(table: () => Promise<TableClient>, clock: Clock, settings: SimulatedSettings) {
    this.#table = table;
    this.#clock = clock;
    this.#delays = settings.delaysMs;
    this.#faults = { ...settings.faults };
  }

  /** Makes the next `count` operations of `op` fail (tests). */
  injectFaults(op: SimulatedOp, count: number): void {
    this.#faults[op] = (this.#faults[op] ?? 0) + count;
  }

  #fails(op: SimulatedOp): boolean {
    const left = this.#faults[op] ?? 0;
    if (left <= 0) return false;
    this.#faults[op] = left - 1;
    return true;
  }

  async group(resourceGroup: string): Promise<(SimulatedGroup & { etag: string }) | undefined> {
    try {
      const row = await (await this.#table()).getEntity<Record<string, unknown>>('rg', resourceGroup);
      return { ...fromJsonColumns<SimulatedGroup>(row), etag: row.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Every group ever created, deleted ones included (tests count deploys and deletes). */
  async groups(): Promise<SimulatedGroup[]> {
    const out: SimulatedGroup[] = [];
    for await (const row of (await this.#table()).listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq 'rg'` } })) {
      out.push(fromJsonColumns<SimulatedGroup>(row));
    }
    return out;
  }

  async #write(group: SimulatedGroup, etag: string | undefined): Promise<boolean> {
    const entity = { partitionKey: 'rg', rowKey: group.resourceGroup, ...toJsonColumns(group) };
    return insertOrReplaceIfMatch(await this.#table(), entity, etag);
  }

  #begin(group: SimulatedGroup, op: SimulatedOp): SimulatedGroup {
    const now = this.#clock.now().getTime();
    return { ...group, op, doneAt: new Date(now + this.#delays[op]).toISOString(), failed: this.#fails(op) ? `simulated ${op} failure` : '' };
  }

  #status(group: SimulatedGroup): OpStatus {
    if (this.#clock.now().getTime() < Date.parse(group.doneAt)) return { state: 'running' };
    if (group.failed) return { state: 'failed', error: group.failed };
    return { state: 'succeeded', outputs: group.outputs };
  }

  async deploy(request: DeployRequest, options: { retry?: boolean } = {}): Promise<OpStatus> {
    for (;;) {
      const group = await this.group(request.resourceGroup);
      if (!group) {
        const created = this.#begin(
          { resourceGroup: request.resourceGroup, region: request.region, tags: request.tags, op: 'deploy', doneAt: '', failed: '', deploys: 1, deletes: 0, outputs: simulatedOutputs(request) },
          'deploy',
        );
        if (await this.#write(created, undefined)) return this.#status(created);
        continue;
      }
      if (group.op === 'delete') return { state: 'failed', error: 'the resource group is being deleted' };
      if (group.op !== 'deploy') return { state: 'succeeded', outputs: group.outputs };
      const status = this.#status(group);
      if (status.state !== 'failed' || !options.retry) return status;
      const again = this.#begin({ ...group, deploys: group.deploys + 1 }, 'deploy');
      if (await this.#write(again, group.etag)) return this.#status(again);
    }
  }

  async #transition(resourceGroup: string, op: 'stop' | 'start'): Promise<OpStatus> {
    for (;;) {
      const group = await this.group(resourceGroup);
      if (!group || group.op === 'delete') return { state: 'failed', error: `the resource group ${resourceGroup} does not exist` };
      if (group.op === op) return this.#status(group);
      const previous = this.#status(group);
      if (previous.state !== 'succeeded') return previous.state === 'running' ? previous : { state: 'failed', error: previous.error };
      const next = this.#begin(group, op);
      if (await this.#write(next, group.etag)) return this.#status(next);
    }
  }

  stop({ resourceGroup }: GroupRef): Promise<OpStatus> {
    return this.#transition(resourceGroup, 'stop');
  }

  start({ resourceGroup }: GroupRef): Promise<OpStatus> {
    return this.#transition(resourceGroup, 'start');
  }

  async delete({ resourceGroup }: GroupRef): Promise<OpStatus> {
    for (;;) {
      const group = await this.group(resourceGroup);
      if (!group) return { state: 'succeeded' };
      if (group.op === 'delete') return this.#clock.now().getTime() < Date.parse(group.doneAt) ? { state: 'running' } : { state: 'succeeded' };
      if (this.#fails('delete')) return { state: 'failed', error: 'simulated delete failure' };
      const deleting: SimulatedGroup = { ...group, op: 'delete', failed: '', deletes: group.deletes + 1, doneAt: new Date(this.#clock.now().getTime() + this.#delays.delete).toISOString() };
      if (await this.#write(deleting, group.etag)) return this.#clock.now().getTime() < Date.parse(deleting.doneAt) ? { state: 'running' } : { state: 'succeeded' };
    }
  }

  /** Every subscription's groups: the simulated groups are one table. */
  async listOwned(): Promise<OwnedGroup[]> {
    const now = this.#clock.now().getTime();
    return (await this.groups())
      .filter((g) => !(g.op === 'delete' && now >= Date.parse(g.doneAt)) && g.tags['testDriveInstanceId'])
      .map((g) => ({
        resourceGroup: g.resourceGroup,
        instanceId: g.tags['testDriveInstanceId'] as string,
        publisherId: g.tags['testDrivePublisherId'] ?? '',
        offerId: g.tags['testDriveOfferId'] ?? '',
      }));
  }
}
