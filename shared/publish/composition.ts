/**
 * Builds the publish capability (specs/publish.md 2–3; decisions 0600–0605) from the root's parts; never imports
 * the root. The catalog implements `PublishCatalog`; the durable client is attached by functions/hooks.ts.
 */
import type { Clock } from '../clock';
import type { Faults } from '../faults';
import type { Storage } from '../storage/clients';
import type { CertificationMode, Notification } from './model';
import type { LeadCheck, PublishCatalog } from './ports';
import { CancelPublish } from './service/cancel';
import { DecideCertification } from './service/certify';
import { GoLive } from './service/go-live';
import { PublishPipeline } from './service/pipeline';
import { PublishQueries } from './service/read';
import { StopDistribution } from './service/stop-distribution';
import { SubmitPublish } from './service/submit';
import { OperationWriter } from './service/writer';
import { DurablePipeline } from './store/durable-pipeline';
import { PUBLISH_TABLES, TablePublishStore } from './store/publish-table';

export interface Publishing {
  submit: SubmitPublish;
  goLive: GoLive;
  cancel: CancelPublish;
  certify: DecideCertification;
  stopDistribution: StopDistribution;
  queries: PublishQueries;
  pipeline: PublishPipeline;
  /** The durable hand-over; functions/hooks.ts attaches the host's client. */
  durable: DurablePipeline;
  /** The notifications outbox for other capabilities' e-mails (the leads' dead-letter digest); insert-only by id. */
  outbox: { add(notification: Notification): Promise<void> };
}

export function buildPublishing(parts: {
  storage: Storage;
  clock: Clock;
  faults: Faults;
  catalog: PublishCatalog;
  timeScale: number;
  certificationMode: CertificationMode;
  leadCheck?: LeadCheck;
}): Publishing {
  const store = new TablePublishStore(
    () => parts.storage.table(PUBLISH_TABLES.publish),
    () => parts.storage.table(PUBLISH_TABLES.notifications),
  );
  const writer = new OperationWriter(store, parts.clock);
  const durable = new DurablePipeline();
  const { catalog, faults } = parts;
  return {
    submit: new SubmitPublish({ store, catalog, pipeline: durable, writer, faults }),
    goLive: new GoLive({ store, catalog, pipeline: durable, writer }),
    cancel: new CancelPublish({ store, catalog, pipeline: durable, writer }),
    certify: new DecideCertification({ store, pipeline: durable, writer }),
    stopDistribution: new StopDistribution({ store, catalog, pipeline: durable, writer }),
    queries: new PublishQueries({ store, catalog }),
    pipeline: new PublishPipeline({
      store,
      catalog,
      writer,
      faults,
      timeScale: parts.timeScale,
      certificationMode: parts.certificationMode,
      ...(parts.leadCheck ? { leadCheck: parts.leadCheck } : {}),
    }),
    durable,
    outbox: { add: (notification) => store.addNotification(notification) },
  };
}
