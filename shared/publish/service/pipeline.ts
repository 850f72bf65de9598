/**
 * The pipeline's activities (functions/publish-pipeline.ts calls them; specs/publish.md 3.2, 3.12). Each is
 * idempotent: a step's work is done once and its outcome recorded on the operation before the step is finished,
 * so a re-run after a crash returns the recorded outcome instead of doing the work again; the side effects
 * themselves are idempotent too (the catalog's freeze and go-live, insert-only notifications). Every activity
 * first looks at the operation: a canceled or ended operation makes it do nothing.
 */
import type { Faults } from '../../faults';
import type { CertificationMode, Operation, StepId, StepOutcome } from '../model';
import type { LeadCheck, PublishCatalog, PublishStore, VersionFacts } from '../ports';
import { cancelOperation, completeIfDone, failOperation, finishStep, isTerminal, reachSignoff, recordOutcome, startStep, stepOf } from '../rules/operation';
import { certificationOutcome, checkOutcome, notificationOf, type Finding } from '../rules/outcomes';
import { liveLinksFor, previewLinksFor } from '../rules/status';
import { simulatedMs } from '../rules/steps';
import type { OperationRef, OperationWriter } from './writer';

/**
 * Crash points (CRASH_AT): `publish.step.<stepId>.after-work`, a step's work is done (for final-publish: the
 * version is live), its outcome not recorded yet.
 */
export const faultAfterWork = (id: StepId) => `publish.step.${id}.after-work`;

export interface PlannedStep {
  id: StepId;
  /** The simulated duration on the project clock after the step's work. */
  waitMs: number;
}

export type RunResult = StepOutcome['result'] | 'canceled';

export interface PipelineDeps {
  store: PublishStore;
  catalog: PublishCatalog;
  writer: OperationWriter;
  faults: Faults;
  timeScale: number;
  certificationMode: CertificationMode;
  leadCheck?: LeadCheck;
}

export class PublishPipeline {
  readonly #deps: PipelineDeps;

  constructor(deps: PipelineDeps) {
    this.#deps = deps;
  }

  /** Starts an operation: makes sure its version is frozen (a crash may have come first) and returns its step plan. */
  async begin(ref: OperationRef): Promise<{ steps: PlannedStep[]; submissionType: Operation['submissionType'] } | { ended: Operation['status'] }> {
    const { catalog, writer } = this.#deps;
    let op = await writer.read(ref);
    if (isTerminal(op)) return { ended: op.status };
    if (op.submissionType === 'publish') {
      const frozen = await catalog.freeze(op.publisherId, op.offerId, op.offerVersion, op.draftETag, `publish:${op.id}`);
      if (frozen === 'stale') {
        op = await writer.apply(ref, (o, now) => failOperation(o, 'The draft changed before it could be frozen; publish again.', now));
        await this.#notify(op, 'failed');
        return { ended: op.status };
      }
    }
    op = await writer.apply(ref, (o, now) => (o.status === 'notStarted' ? { ...o, status: 'running', version: o.version + 1, lastActionDateTime: now } : o));
    if (isTerminal(op)) return { ended: op.status };
    const steps = op.steps
      .filter((s) => s.id !== 'publisher-signoff' && (s.status === 'notStarted' || s.status === 'inProgress' || s.status === 'waitingForApproval'))
      .map((s) => ({ id: s.id, waitMs: simulatedMs(s.estimatedSeconds, this.#deps.timeScale) }));
    return { steps, submissionType: op.submissionType };
  }

  /** Does a step's work once and records its outcome (`waiting`: manual certification awaits the reviewer). */
  async run(ref: OperationRef, id: StepId): Promise<RunResult> {
    const { writer } = this.#deps;
    const op = await writer.apply(ref, (o, now) => (isTerminal(o) || o.cancellationRequestState === 'cancelRequested' ? o : startStep(o, id, now)));
    if (op.status === 'canceled' || op.cancellationRequestState === 'cancelRequested') return 'canceled';
    if (isTerminal(op)) return op.status === 'failed' ? 'blocked' : 'passed';
    const step = stepOf(op, id);
    if (!step) throw new Error(`The operation ${op.id} has no step ${id}.`);
    if (step.outcome && step.outcome.result !== 'waiting') return step.outcome.result;
    const outcome = await this.#work(op, id);
    await this.#deps.faults.reach(faultAfterWork(id));
    const links = id === 'preview-creation' ? { previewLinks: previewLinksFor(op.publisherId, op.offerId, op.offerVersion) } : id === 'live' ? { liveLinks: liveLinksFor(op.publisherId, op.offerId) } : {};
    const recorded = await writer.apply(ref, (o, now) => {
      const current = stepOf(o, id);
      // Ended meanwhile, or recorded by an earlier run: the first recorded outcome stands.
      if (isTerminal(o) || !current || (current.outcome && current.outcome.result !== 'waiting')) return o;
      return { ...recordOutcome(o, id, outcome.outcome, now), ...links, ...outcome.extra };
    });
    if (recorded.cancellationRequestState === 'cancelRequested' || recorded.status === 'canceled') {
      // A cancel that committed while the preview opened may have withdrawn it before it was open: withdraw again.
      if (id === 'preview-creation') await this.#deps.catalog.withdrawPreview(op.publisherId, op.offerId, op.offerVersion);
      return 'canceled';
    }
    return stepOf(recorded, id)?.outcome?.result ?? outcome.outcome.result;
  }

  /** Finishes the step with its recorded outcome; a failure ends the operation and notifies the publisher. */
  async finish(ref: OperationRef, id: StepId): Promise<'continue' | Operation['status']> {
    const { writer } = this.#deps;
    const before = await writer.read(ref);
    if (isTerminal(before)) return before.status;
    const op = await writer.apply(ref, (o, now) => {
      const finished = finishStep(o, id, now);
      return o.submissionType === 'publish' ? finished : completeIfDone(finished, now);
    });
    if (op.status === 'failed') await this.#ended(op, 'failed');
    if (op.status === 'completed') await this.#notify(op, op.submissionType === 'goLive' ? 'live' : 'stopped');
    return isTerminal(op) ? op.status : 'continue';
  }

  /** The publish operation reaches sign-off (completed, lock released, publisher asked to review), or is canceled. */
  async signoff(ref: OperationRef): Promise<'waiting' | 'canceled' | Operation['status']> {
    const { writer } = this.#deps;
    const op = await writer.apply(ref, (o, now) => (isTerminal(o) ? o : reachSignoff(o, now)));
    if (op.cancellationRequestState === 'cancelRequested') return this.cancel(ref).then(() => 'canceled' as const);
    if (stepOf(op, 'publisher-signoff')?.status === 'waitingForPublisherReview') {
      await this.#notify(op, 'previewReady');
      return 'waiting';
    }
    return op.status;
  }

  async cancel(ref: OperationRef): Promise<void> {
    const op = await this.#deps.writer.apply(ref, cancelOperation);
    if (op.status === 'canceled') await this.#ended(op, 'canceled');
  }

  /** The orchestration failed unexpectedly (spec 3.6): InternalError, lock released. */
  async fail(ref: OperationRef, message: string): Promise<void> {
    const op = await this.#deps.writer.apply(ref, (o, now) => failOperation(o, message, now));
    if (op.status === 'failed') await this.#ended(op, 'failed');
  }

  /** A failed or canceled publish withdraws the preview it may have opened (a go-live leaves its preview as it is). */
  async #ended(op: Operation, event: 'failed' | 'canceled'): Promise<void> {
    if (op.submissionType === 'publish') await this.#deps.catalog.withdrawPreview(op.publisherId, op.offerId, op.offerVersion);
    await this.#notify(op, event);
  }

  async #facts(op: Operation): Promise<VersionFacts> {
    const facts = await this.#deps.catalog.version(op.publisherId, op.offerId, op.offerVersion);
    if (!facts) throw new Error(`Version ${op.offerVersion} of ${op.publisherId}/${op.offerId} is not frozen.`);
    return facts;
  }

  async #work(op: Operation, id: StepId): Promise<{ outcome: StepOutcome; extra?: Partial<Operation> }> {
    const { catalog, writer } = this.#deps;
    const now = writer.now();
    switch (id) {
      case 'displaydummycertify':
        return { outcome: checkOutcome((await this.#facts(op)).problems, now) };
      case 'package-validation': {
        const facts = await this.#facts(op);
        return { outcome: checkOutcome((await catalog.checkArtifacts(op.publisherId, op.offerId, facts.artifactIds)).package, now) };
      }
      case 'lead-management-validation': {
        const findings: Finding[] = this.#deps.leadCheck
          ? await this.#deps.leadCheck(op.publisherId, op.offerId, op.offerVersion)
          : [{ code: 'LeadCheckUnavailable', message: 'Lead destinations are not checked by this deployment.', level: 'warning' }];
        return { outcome: checkOutcome(findings, now) };
      }
      case 'displaycertify': {
        const facts = await this.#facts(op);
        const scan = await catalog.checkArtifacts(op.publisherId, op.offerId, facts.artifactIds);
        return { outcome: certificationOutcome(this.#deps.certificationMode, scan.malware, op.certification, now) };
      }
      case 'preview-creation': {
        const facts = await this.#facts(op);
        // The preview audience may now see and buy version N (decision 0605); a newer version makes this one moot.
        const opened = await catalog.preview(op.publisherId, op.offerId, op.offerVersion);
        const messages: StepOutcome['messages'] =
          opened === 'preview' ? [] : [{ messageHtml: 'A newer version of the offer was frozen or went live: this preview is not offered.', level: 'warning', timestamp: now, code: 'PreviewSuperseded' }];
        return { outcome: { result: 'passed', messages }, extra: { previewAudience: facts.previewAudience } };
      }
      case 'final-publish': {
        const result = await catalog.goLive(op.publisherId, op.offerId, op.offerVersion);
        return {
          outcome:
            result === 'live'
              ? { result: 'passed', messages: [] }
              : { result: 'blocked', messages: [{ messageHtml: 'A newer version of the offer is already live.', level: 'error', timestamp: now, code: 'NewerVersionLive' }] },
        };
      }
      case 'stop-distribution': {
        const result = await catalog.stopDistribution(op.publisherId, op.offerId, `stopDistribution:${op.id}`);
        return {
          outcome:
            result === 'stopped'
              ? { result: 'passed', messages: [] }
              : { result: 'blocked', messages: [{ messageHtml: 'The offer is not live.', level: 'error', timestamp: now, code: 'OfferNotLive' }] },
        };
      }
      case 'live':
      case 'publisher-signoff':
        return { outcome: { result: 'passed', messages: [] } };
    }
  }

  async #notify(op: Operation, event: Parameters<typeof notificationOf>[1]): Promise<void> {
    const contact = (await this.#deps.catalog.version(op.publisherId, op.offerId, op.offerVersion))?.contactEmail;
    await this.#deps.store.addNotification(notificationOf(op, event, contact, this.#deps.writer.now()));
  }
}
