/**
 * The cleanup's report as operators read it (decision 0707): counts of everything it did, and the first
 * REPORT_IDS ids of each list with the number left out, so a cleanup of any size stores a report of a bounded size
 * (a run over 1,000 expired drives used to fail on the Table's 32,768-character property limit).
 */

/** Ids kept per list. */
export const REPORT_IDS = 100;
/** Errors kept, and the characters kept of each. */
export const REPORT_ERRORS = 20;
export const REPORT_ERROR_CHARS = 500;

export const REPORT_LISTS = ['expiredDrives', 'failedDrives', 'stuckInstances', 'orphanGroups'] as const;
export type ReportList = (typeof REPORT_LISTS)[number];

export interface CleanupTally {
  ranAt: string;
  pools: number;
  expiredDrives: string[];
  failedDrives: string[];
  stuckInstances: string[];
  orphanGroups: string[];
  leadsCaptured: number;
  created: number;
  drained: number;
  progressed: number;
  /** Ended drives and deleted instances removed after the history kept (decision 0709). */
  purged: number;
  errors: string[];
}

export type CleanupReport = CleanupTally & {
  /** The full count of each list and of the errors (the lists hold at most REPORT_IDS, the errors REPORT_ERRORS). */
  counts: Record<ReportList | 'errors', number>;
  /** How many ids and errors the lists leave out in all. */
  truncated: number;
};

/** The bounded report of a cleanup's full tally. */
export function reportOf(tally: CleanupTally): CleanupReport {
  const counts = {
    expiredDrives: tally.expiredDrives.length,
    failedDrives: tally.failedDrives.length,
    stuckInstances: tally.stuckInstances.length,
    orphanGroups: tally.orphanGroups.length,
    errors: tally.errors.length,
  };
  const truncated =
    REPORT_LISTS.reduce((sum, list) => sum + Math.max(0, counts[list] - REPORT_IDS), 0) + Math.max(0, counts.errors - REPORT_ERRORS);
  return {
    ...tally,
    expiredDrives: tally.expiredDrives.slice(0, REPORT_IDS),
    failedDrives: tally.failedDrives.slice(0, REPORT_IDS),
    stuckInstances: tally.stuckInstances.slice(0, REPORT_IDS),
    orphanGroups: tally.orphanGroups.slice(0, REPORT_IDS),
    errors: tally.errors.slice(0, REPORT_ERRORS).map((e) => (e.length > REPORT_ERROR_CHARS ? `${e.slice(0, REPORT_ERROR_CHARS - 1)}…` : e)),
    counts,
    truncated,
  };
}
