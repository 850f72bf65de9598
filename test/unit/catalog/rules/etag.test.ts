import type * as Crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
/** The sub-millisecond ticks of a new ETag are random; a case may fix them. */
const ticks = vi.hoisted(() => ({ next: undefined as number | undefined }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof Crypto>();
  return { ...actual, randomInt: (max: number) => ticks.next ?? actual.randomInt(max) };
});

import { formatTicks, ifMatchAllows, nextETag, parseIfMatch, timestamp } from '../../../../shared/catalog/rules/etag';

describe('draft ETags (spec 2.0, [L23261])', () => {
  it('have the seed format and carry the change time with 7 fractional digits', () => {
    const { etag, changedTime } = nextETag(new Date('2017-06-07T06:15:40.477Z'));
    expect(changedTime).toMatch(/^2017-06-07T06:15:40\.477\d{4}Z$/);
    expect(etag).toBe(`W/"datetime'${encodeURIComponent(changedTime)}'"`);
    expect(etag).toMatch(/^W\/"datetime'2017-06-07T06%3A15%3A40\.477\d{4}Z'"$/);
  });

  it('never repeat or go back for an offer, even when the clock does', () => {
    const first = nextETag(new Date('2030-01-01T00:00:00Z'));
    const earlier = nextETag(new Date('2020-01-01T00:00:00Z'), first.etag);
    expect(earlier.etag).not.toBe(first.etag);
    expect(earlier.changedTime > first.changedTime).toBe(true);
    let previous = earlier.etag;
    const seen = new Set([first.etag, previous]);
    for (let i = 0; i < 50; i++) {
      previous = nextETag(new Date('2030-01-01T00:00:00Z'), previous).etag;
      expect(seen.has(previous)).toBe(false);
      seen.add(previous);
    }
  });

  const etagAt = (time: string) => `W/"datetime'${encodeURIComponent(time)}'"`;

  it.each([
    ['a later clock', '2020-01-01T00:00:00.0001234Z', '2030-01-01T00:00:00.000Z', /^2030-01-01T00:00:00\.000\d{4}Z$/],
    ['a clock that went back', '2030-01-01T00:00:00.0001234Z', '2020-01-01T00:00:00.000Z', /^2030-01-01T00:00:00\.0001235Z$/],
    ['a clock one millisecond behind', '2030-01-01T00:00:00.0011234Z', '2030-01-01T00:00:00.000Z', /^2030-01-01T00:00:00\.0011235Z$/],
    [
      'the last tick of the same millisecond',
      '2030-01-01T00:00:00.0009999Z',
      '2030-01-01T00:00:00.000Z',
      /^2030-01-01T00:00:00\.0010000Z$/,
    ],
    ['an unreadable previous ETag', 'garbage', '2020-01-01T00:00:00.000Z', /^2020-01-01T00:00:00\.000\d{4}Z$/],
    [
      'a previous ETag with 3 fractional digits',
      '2030-01-01T00:00:00.000Z',
      '2020-01-01T00:00:00.000Z',
      /^2020-01-01T00:00:00\.000\d{4}Z$/,
    ],
    [
      'a previous ETag with text after the time',
      '2030-01-01T00:00:00.0001234Zulu',
      '2020-01-01T00:00:00.000Z',
      /^2020-01-01T00:00:00\.000\d{4}Z$/,
    ],
    ['a previous ETag with no date in it', 'yesterday.0001234Z', '2020-01-01T00:00:00.000Z', /^2020-01-01T00:00:00\.000\d{4}Z$/],
  ])('after %s the change time is %s', (_case, previousTime, now, expected) => {
    const { changedTime, etag } = nextETag(new Date(now), etagAt(previousTime));
    expect(changedTime).toMatch(expected);
    expect(etag).toBe(etagAt(changedTime));
  });

  it('ignore a previous value that is not a draft ETag', () => {
    expect(nextETag(new Date('2020-01-01T00:00:00Z'), '"2030-01-01T00:00:00.0001234Z"').changedTime).toMatch(/^2020-/);
  });

  it('a timestamp without sub-millisecond ticks has four zero digits', () => {
    expect(timestamp(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05.6780000Z');
  });

  describe('two writes in one millisecond ([L22818]: a changed draft never shows an old ETag)', () => {
    afterEach(() => {
      ticks.next = undefined;
    });
    const previous = etagAt('2030-01-01T00:00:00.0000005Z');

    it.each([
      ['later ticks than the previous write keep them', '2030-01-01T00:00:00.000Z', 7, '2030-01-01T00:00:00.0000007Z'],
      ['the same tick as the previous write moves one tick on', '2030-01-01T00:00:00.000Z', 5, '2030-01-01T00:00:00.0000006Z'],
      ['earlier ticks than the previous write move one tick past it', '2030-01-01T00:00:00.000Z', 2, '2030-01-01T00:00:00.0000006Z'],
      ['a later millisecond keeps its time with fewer ticks', '2030-01-01T00:00:00.001Z', 0, '2030-01-01T00:00:00.0010000Z'],
    ])('%s', (_case, now, random, expected) => {
      ticks.next = random;
      expect(nextETag(new Date(now), previous).changedTime).toBe(expected);
    });
  });

  it('formats ticks', () => {
    expect(formatTicks({ ms: Date.parse('2018-03-28T22:27:13.836Z'), sub: 3879 })).toBe('2018-03-28T22:27:13.8363879Z');
    expect(formatTicks({ ms: Date.parse('2018-03-28T22:27:13.836Z'), sub: 7 })).toBe('2018-03-28T22:27:13.8360007Z');
  });
});

describe('If-Match', () => {
  const current = `W/"datetime'2017-06-07T06%3A15%3A40.4771399Z'"`;
  it.each([
    [null, 'absent', true],
    [undefined, 'absent', true],
    ['', 'absent', true],
    ['   ', 'absent', true],
    [`${current}, *`, 'any', true],
    [' , ', 'list', false],
    [`w/"datetime'2017-06-07T06%3A15%3A40.4771399Z'"`, 'list', true],
    ['*', 'any', true],
    [current, 'list', true],
    [current.slice(2), 'list', true],
    [`"other", ${current}`, 'list', true],
    [`W/"datetime'2017-06-07T06%3A15%3A40.4771398Z'"`, 'list', false],
    ['"garbage"', 'list', false],
  ])('%j → %s, allows the current draft: %s', (header, kind, allowed) => {
    const parsed = parseIfMatch(header);
    expect(parsed.kind).toBe(kind);
    expect(ifMatchAllows(parsed, current)).toBe(allowed);
  });
});
