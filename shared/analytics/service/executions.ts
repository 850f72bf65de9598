/**
 * The Get report executions API (seed 004 ~20760–20830) and the download behind its links (decision 0905).
 * Defaults as documented: `executionStatus=Completed` and `getLatestExecution=true` (so before the first completed
 * run the answer is 404); `getLatestExecution=false` gives the last 90 days. `reportId`, `executionId` and
 * `executionStatus` take several values separated by `;`. A completed execution's link is minted per answer and
 * expires after the configured time; the download route checks the seal and the expiry on the project clock.
 * With direct links (decision 0907) a completed execution's link is instead a read-only SAS straight to its file in
 * Blob storage, which storage checks against real time: it lives the same time, counted from the wall clock.
 */
import type { Clock } from '../../clock';
import { ForbiddenError, NotFoundError } from '../../errors';
import type { ExecutionRecord, ExecutionStatus } from '../model';
import type { DirectLinks, ExecutionStore, LinkSigner, ReportFiles, ReportStore } from '../ports';
import { directLinkTerms, downloadFileName } from '../rules/direct-link';
import { iso } from '../rules/recurrence';
import type { Caller } from './query-management';
import { fileNameOf } from './scheduler';

export interface ExecutionFilters {
  reportIds: string[];
  executionIds?: string[];
  statuses?: ExecutionStatus[];
  latestOnly?: boolean;
}

export interface ExecutionWithLink {
  execution: ExecutionRecord;
  /** For completed executions: the download route's token, or a direct URL to the file (decision 0907); and when it expires. */
  link?: { token: string; expiresAt: string } | { url: string; expiresAt: string };
}

/** Links straight to the files in Blob storage instead of the download route (decision 0907). */
export interface DirectLinkMode {
  links: DirectLinks;
  /** Real time: storage checks a SAS against it, whatever the project clock says. */
  wallClock: () => Date;
  httpsOnly: boolean;
}

const NINETY_DAYS_MS = 90 * 86_400_000;

export const NO_EXECUTIONS =
  "There are no executions that have occurred for the given filter conditions. Please recheck the reportId or executionId and retry the API after the report's scheduled execution time";

export class Executions {
  readonly #reports: ReportStore;
  readonly #executions: ExecutionStore;
  readonly #files: ReportFiles;
  readonly #links: LinkSigner;
  readonly #clock: Clock;
  readonly #linkTtlMs: number;
  readonly #direct: DirectLinkMode | undefined;

  constructor(deps: {
    reports: ReportStore;
    executions: ExecutionStore;
    files: ReportFiles;
    links: LinkSigner;
    clock: Clock;
    linkTtlMs: number;
    /** Absent: links go through the download route. */
    direct?: DirectLinkMode;
  }) {
    this.#reports = deps.reports;
    this.#executions = deps.executions;
    this.#files = deps.files;
    this.#links = deps.links;
    this.#clock = deps.clock;
    this.#linkTtlMs = deps.linkTtlMs;
    this.#direct = deps.direct;
  }

  async list(caller: Caller, filters: ExecutionFilters): Promise<ExecutionWithLink[]> {
    const now = this.#clock.now();
    const statuses = filters.statuses ?? ['Completed'];
    const wantedIds = filters.executionIds?.map((id) => id.toLowerCase());
    const out: ExecutionRecord[] = [];
    for (const reportId of filters.reportIds.map((id) => id.toLowerCase())) {
      const report = await this.#reports.get(caller.publisherId, reportId);
      if (!report) throw new NotFoundError('No item found with given filters.', 'ReportNotFound');
      const matching = (await this.#executions.list(reportId))
        .filter((e) => statuses.includes(e.status) && (wantedIds === undefined || wantedIds.includes(e.executionId)))
        .sort((a, b) => b.scheduledAt.localeCompare(a.scheduledAt));
      if (filters.latestOnly !== false) out.push(...matching.slice(0, 1));
      else out.push(...matching.filter((e) => Date.parse(e.scheduledAt) >= now.getTime() - NINETY_DAYS_MS));
    }
    if (out.length === 0) throw new NotFoundError(NO_EXECUTIONS, 'NoExecutions');
    const expiresAt = iso(new Date(now.getTime() + this.#linkTtlMs));
    const direct = this.#direct;
    if (direct) {
      const wallNow = direct.wallClock();
      return Promise.all(
        out.map(async (execution) => {
          if (execution.status !== 'Completed') return { execution };
          const blobName = fileNameOf(execution);
          const terms = directLinkTerms({ wallNow, ttlMs: this.#linkTtlMs, blobName, httpsOnly: direct.httpsOnly });
          return { execution, link: { url: await direct.links.url(blobName, terms), expiresAt } };
        }),
      );
    }
    return out.map((execution) =>
      execution.status === 'Completed'
        ? {
            execution,
            link: {
              token: this.#links.sign({
                reportId: execution.reportId,
                executionId: execution.executionId,
                publisherId: execution.publisherId,
                expiresAt,
              }),
              expiresAt,
            },
          }
        : { execution },
    );
  }

  /** The report file behind a link: 403 for a forged or expired link, 404 when the execution or file is gone. */
  async download(token: string): Promise<{ stream: NodeJS.ReadableStream; contentType: string; length: number; fileName: string }> {
    const link = this.#links.open(token);
    if (!link) throw new ForbiddenError('The download link is not valid.');
    if (Date.parse(link.expiresAt) <= this.#clock.now().getTime())
      throw new ForbiddenError('The download link has expired; get a new one from the executions API.');
    const found = await this.#executions.get(link.reportId, link.executionId);
    if (!found || found.value.status !== 'Completed' || found.value.publisherId !== link.publisherId) {
      throw new NotFoundError('The report file is no longer available.', 'ReportFileNotFound');
    }
    const name = fileNameOf(found.value);
    const file = await this.#files.read(name);
    if (!file) throw new NotFoundError('The report file is no longer available.', 'ReportFileNotFound');
    return { ...file, fileName: downloadFileName(name) };
  }
}
