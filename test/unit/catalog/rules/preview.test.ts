import { describe, expect, it } from 'vitest';
import {
  openPreview,
  pendingPreview,
  readableVersion,
  withdrawsPreview,
  type PreviewFacts,
} from '../../../../shared/catalog/rules/preview';

/** An offer row: draft at `draft` (so the latest frozen version is draft - 1), live at `live`. */
const row = (draft: number, live: number, previewVersion?: number, previewWithdrawn?: number): PreviewFacts => ({
  draftVersion: draft,
  liveVersion: live,
  ...(previewVersion !== undefined ? { previewVersion } : {}),
  ...(previewWithdrawn !== undefined ? { previewWithdrawn } : {}),
});

describe('the preview slot (decision 0605)', () => {
  it.each([
    ['never previewed', row(2, 0), undefined],
    ['an old row without the fields, live', row(3, 2), undefined],
    ['the latest frozen version, opened, nothing live', row(2, 0, 1), 1],
    ['an update in preview next to the live version', row(3, 1, 2), 2],
    ['gone live', row(3, 2, 2), undefined],
    ['a newer version live (stop distribution, the operator shortcut)', row(4, 3, 2), undefined],
    ['superseded by a newer freeze (a new publish)', row(4, 1, 2), undefined],
    ['withdrawn (its publish was canceled)', row(3, 1, 2, 2), undefined],
    ['an older withdrawal does not hide a newer preview', row(4, 1, 3, 2), 3],
    ['a withdrawal of a newer version hides it too', row(4, 1, 3, 4), 3],
  ])('%s', (_name, facts, expected) => {
    expect(pendingPreview(facts)).toBe(expected);
  });

  it('a withdrawal counts only for the version it names', () => {
    expect(pendingPreview(row(4, 1, 3, 3))).toBeUndefined();
    expect(pendingPreview(row(4, 1, 3, 1))).toBe(3);
  });
});

describe('opening the preview of a version', () => {
  it.each([
    ['the latest frozen version, nothing open', row(2, 0), 1, 'write'],
    ['after an older preview', row(3, 1, 1), 2, 'write'],
    ['a re-run finds it open', row(2, 0, 1), 1, 'done'],
    ['an older version than the latest frozen one', row(3, 0), 1, 'superseded'],
    ['a version not frozen yet', row(2, 0), 2, 'superseded'],
    ['already live', row(2, 1), 1, 'superseded'],
    ['a newer version live', row(3, 2), 1, 'superseded'],
    ['withdrawn meanwhile (canceled)', row(2, 0, 1, 1), 1, 'superseded'],
    ['a newer withdrawal', row(2, 0, 0, 2), 1, 'superseded'],
    ['an older withdrawal does not matter', row(3, 0, 1, 1), 2, 'write'],
    ['a newer preview is open (never moves back)', row(2, 0, 3), 1, 'superseded'],
  ])('%s', (_name, facts, version, expected) => {
    expect(openPreview(facts, version)).toBe(expected);
  });
});

describe('withdrawing the preview of a version', () => {
  it.each([
    ['the open one', row(2, 0, 1), 1, true],
    ['already withdrawn', row(2, 0, 1, 1), 1, false],
    ['open again after an older withdrawal', row(3, 0, 2, 1), 2, true],
    ['another version is open', row(3, 0, 2), 1, false],
    ['never opened', row(2, 0), 1, false],
    ['nothing open and nothing asked', row(1, 0), 0, false],
  ])('%s', (_name, facts, version, expected) => {
    expect(withdrawsPreview(facts, version)).toBe(expected);
  });
});

describe('which frozen versions other capabilities read', () => {
  it.each([
    ['never live or previewed', row(2, 0), 1, false],
    ['live', row(2, 1), 1, true],
    ['older than live', row(3, 2), 1, true],
    ['frozen by a publish, not previewed', row(3, 1), 2, false],
    ['in preview', row(3, 1, 2), 2, true],
    ['previewed, then withdrawn: its test subscriptions still refer to it', row(3, 1, 2, 2), 2, true],
    ['previewed, then superseded', row(4, 1, 2), 2, true],
    ['above the preview', row(4, 1, 2), 3, false],
    ['zero', row(2, 1), 0, false],
    ['negative', row(2, 1), -1, false],
    ['not whole', row(3, 2), 1.5, false],
  ])('%s', (_name, facts, version, expected) => {
    expect(readableVersion(facts, version)).toBe(expected);
  });
});
