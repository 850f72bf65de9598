/**
 * The preview slot (specs/publish.md 1.3, 3.2 step 13, 3.7; decision 0605): the version the latest freeze produced,
 * once its pipeline's preview step opened it, until it goes live, a newer version is frozen, or its publish is
 * canceled. The offer row keeps two forward-only numbers: `previewVersion` (the newest version a preview step
 * opened) and `previewWithdrawn` (the newest one a canceled or failed publish withdrew); everything else is derived
 * here from them and the row's live and draft versions, so no writer has to clear anything when a version goes live
 * or a newer one is frozen.
 */
import type { OfferRecord } from '../model/offer';

export type PreviewFacts = Pick<OfferRecord, 'draftVersion' | 'liveVersion' | 'previewVersion' | 'previewWithdrawn'>;

/** The version in the preview slot, or undefined when there is none (never previewed, live, superseded, withdrawn). */
export function pendingPreview(r: PreviewFacts): number | undefined {
  const version = r.previewVersion ?? 0;
  const latestFrozen = r.draftVersion - 1;
  return version > r.liveVersion && version === latestFrozen && (r.previewWithdrawn ?? 0) !== version ? version : undefined;
}

/**
 * What the preview step of `version` does to the row: `write` opens the preview, `done` finds it open already (a
 * re-run), `superseded` leaves the row as it is (a newer version is frozen or live, or the preview was withdrawn).
 */
export function openPreview(r: PreviewFacts, version: number): 'write' | 'done' | 'superseded' {
  if (version !== r.draftVersion - 1 || version <= r.liveVersion || (r.previewWithdrawn ?? 0) >= version) return 'superseded';
  const current = r.previewVersion ?? 0;
  if (current === version) return 'done';
  return current < version ? 'write' : 'superseded';
}

/** Whether withdrawing the preview of `version` changes the row: only while that version is the one opened. */
export function withdrawsPreview(r: PreviewFacts, version: number): boolean {
  return (r.previewVersion ?? 0) === version && (r.previewWithdrawn ?? 0) < version;
}

/**
 * Whether other capabilities may read frozen `version` (`OfferCatalog.getOfferVersion`): a version that was live or
 * opened for preview (a preview purchase refers to it for good, also after the preview ended); a version frozen by a
 * publish that never reached preview stays unread.
 */
export function readableVersion(r: PreviewFacts, version: number): boolean {
  return Number.isInteger(version) && version >= 1 && version <= Math.max(r.liveVersion, r.previewVersion ?? 0);
}
