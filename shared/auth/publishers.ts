/**
 * The publisher registry: which Entra app (tenant id + app id) acts for which publisher account. The registry wins
 * over anything a token or an offer says. One (tenant, app) pair belongs to one publisher only; the store enforces
 * it with insert-only rows, not with a read-then-write.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';

export interface PublisherApp {
  publisherId: string;
  tenantId: string;
  appId: string;
  /** SHA-256 of the client secret, when one is registered; without it the local issuer accepts any secret. */
  secretHash?: string;
  registeredAt: string;
  source: 'admin' | 'local-auto';
}

export interface PublisherRegistry {
  findApp(tenantId: string, appId: string): Promise<PublisherApp | undefined>;
  /** Inserts the mapping; returns the existing one if the pair is already registered (to anyone). */
  register(app: PublisherApp): Promise<{ created: boolean; app: PublisherApp }>;
  listByPublisher(publisherId: string): Promise<PublisherApp[]>;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(app: PublisherApp, secret: string): boolean {
  if (!app.secretHash) return true;
  const a = Buffer.from(app.secretHash, 'hex');
  const b = Buffer.from(hashSecret(secret), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

const APP_PARTITION = 'app';

function appKey(tenantId: string, appId: string): string {
  return `${tenantId.toLowerCase()}|${appId.toLowerCase()}`;
}

interface AppEntity {
  partitionKey: string;
  rowKey: string;
  publisherId: string;
  tenantId: string;
  appId: string;
  secretHash?: string;
  registeredAt: string;
  source: string;
}

function fromEntity(e: AppEntity): PublisherApp {
  return {
    publisherId: e.publisherId,
    tenantId: e.tenantId,
    appId: e.appId,
    ...(e.secretHash ? { secretHash: e.secretHash } : {}),
    registeredAt: e.registeredAt,
    source: e.source === 'admin' ? 'admin' : 'local-auto',
  };
}

export class TablePublisherRegistry implements PublisherRegistry {
  readonly #table: () => Promise<TableClient>;
  readonly #cache = new Map<string, PublisherApp>();

  constructor(table: () => Promise<TableClient>) {
    this.#table = table;
  }

  async findApp(tenantId: string, appId: string): Promise<PublisherApp | undefined> {
    const key = appKey(tenantId, appId);
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const table = await this.#table();
    try {
      const entity = await table.getEntity<AppEntity>(APP_PARTITION, key);
      const app = fromEntity(entity);
      // Mappings are insert-only and never change, so a positive lookup can be cached for the process lifetime.
      this.#cache.set(key, app);
      return app;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async register(app: PublisherApp): Promise<{ created: boolean; app: PublisherApp }> {
    const table = await this.#table();
    const entity: AppEntity = {
      partitionKey: APP_PARTITION,
      rowKey: appKey(app.tenantId, app.appId),
      publisherId: app.publisherId,
      tenantId: app.tenantId.toLowerCase(),
      appId: app.appId.toLowerCase(),
      ...(app.secretHash ? { secretHash: app.secretHash } : {}),
      registeredAt: app.registeredAt,
      source: app.source,
    };
    try {
      await table.createEntity(entity);
      return { created: true, app: fromEntity(entity) };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 409) throw error;
      const existing = await this.findApp(app.tenantId, app.appId);
      if (!existing) throw error;
      return { created: false, app: existing };
    }
  }

  async listByPublisher(publisherId: string): Promise<PublisherApp[]> {
    const table = await this.#table();
    const apps: PublisherApp[] = [];
    const filter = `PartitionKey eq '${APP_PARTITION}' and publisherId eq '${publisherId.replace(/'/g, "''")}'`;
    for await (const entity of table.listEntities<AppEntity>({ queryOptions: { filter } })) apps.push(fromEntity(entity));
    return apps;
  }
}
