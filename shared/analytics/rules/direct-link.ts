/**
 * The terms of a report file's direct link (decision 0907): a read-only SAS straight to the blob, so a download
 * does not pass through the app. Storage checks a SAS against real time, not the project clock, so the terms are
 * computed from the wall clock: valid from a few minutes ago (storage's clock may lag this host's) for the link's
 * lifetime. In Azure the link is https only; Azurite on loopback speaks http.
 */
import type { DirectLinkTerms } from '../model';

/** How far back a link's validity starts: storage's clock may be behind this host's by a few minutes. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** The name a downloaded report file is saved under: the blob's last segment (`<executionId>.csv`). */
export function downloadFileName(blobName: string): string {
  return blobName.slice(blobName.lastIndexOf('/') + 1);
}

export function directLinkTerms(input: { wallNow: Date; ttlMs: number; blobName: string; httpsOnly: boolean }): DirectLinkTerms {
  const now = input.wallNow.getTime();
  return {
    startsOn: new Date(now - CLOCK_SKEW_MS),
    expiresOn: new Date(now + input.ttlMs),
    permissions: 'r',
    protocol: input.httpsOnly ? 'https' : 'https,http',
    contentDisposition: `attachment; filename="${downloadFileName(input.blobName)}"`,
  };
}
