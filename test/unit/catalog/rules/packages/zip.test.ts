/**
 * Zip integrity of uploaded packages (specs/publish.md 1.7, 2.11.1; 4.E 48–56): what a publisher uploading a
 * package is told, archive by archive. Archives are built by test/fixtures/zip.ts and then damaged on purpose.
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bufferSource, type ByteSource } from '../../../../../shared/catalog/rules/packages/bytes';
import { checkZip, type ZipOptions } from '../../../../../shared/catalog/rules/packages/zip';
import { buildZip, type ZipEntrySpec } from '../../../../fixtures/zip';

const OPTIONS: ZipOptions = { requiredRootFiles: [], jsonFiles: [], maxEntryBytes: 1000, maxTotalBytes: 2500 };
const check = (bytes: Buffer, options: Partial<ZipOptions> = {}, chunkSize?: number) =>
  checkZip(bufferSource(bytes, chunkSize), { ...OPTIONS, ...options });
const corrupt = (message: string, target?: string) => [{ code: 'ZipCorrupted', ...(target ? { target } : {}), message }];

const SIG = { local: 0x04034b50, central: 0x02014b50, eocd: 0x06054b50, zip64: 0x06064b50, locator: 0x07064b50 };
/** Offset of the n-th (0-based) record with the signature; the EOCD is looked for from the end. */
function at(zip: Buffer, signature: number, n = 0): number {
  const sig = Buffer.alloc(4);
  sig.writeUInt32LE(signature);
  if (signature === SIG.eocd) return zip.lastIndexOf(sig);
  let p = -1;
  for (let i = 0; i <= n; i++) p = zip.indexOf(sig, p + 1);
  return p;
}
const patched = (zip: Buffer, edit: (copy: Buffer) => void) => {
  const copy = Buffer.from(zip);
  edit(copy);
  return copy;
};
const a = (name: string, data: string | Buffer = 'hello', extra: Partial<ZipEntrySpec> = {}): ZipEntrySpec => ({ name, data, ...extra });

describe('a sound archive', () => {
  it.each([
    ['deflated entries', buildZip([a('a.txt'), a('dir/b.txt', 'world')])],
    ['stored entries', buildZip([a('a.txt', 'hello', { method: 0 }), a('b.txt', 'world', { method: 0 })])],
    ['an empty archive (22 bytes, nothing in it)', buildZip([])],
    ['an empty entry', buildZip([a('empty.txt', '', { method: 0 })])],
    ['Zip64 end records', buildZip([a('a.txt')], { zip64: true })],
    ['an archive comment', buildZip([a('a.txt')], { comment: 'made by the build' })],
    ['a comment that itself contains PK\\5\\6', buildZip([a('a.txt')], { comment: 'PK\u0005\u0006 not a record' })],
    ['the longest archive comment (65,535 bytes)', buildZip([a('a.txt')], { comment: 'c'.repeat(0xffff) })],
    ['Zip64 end records and the longest comment', buildZip([a('a.txt')], { zip64: true, comment: 'c'.repeat(0xffff) })],
    ['a last entry with an empty name', buildZip([a('a.txt'), a('', 'data from stdin')])],
  ])('with %s is accepted', async (_case, zip) => {
    expect(await check(zip)).toEqual([]);
  });

  it('is accepted whatever the chunks the upload is read in', async () => {
    const zip = buildZip([a('a.txt', 'x'.repeat(300)), a('b.bin', Buffer.alloc(400, 7), { method: 0 }), a('c.txt')]);
    for (const chunk of [1, 3, 7, 64, 1024]) expect(await check(zip, {}, chunk)).toEqual([]);
  });

  it('is accepted when the central directory lists the entries in another order than the file', async () => {
    const zip = buildZip([a('first.txt', 'one'), a('second.txt', 'two')]);
    const cd = at(zip, SIG.central, 0);
    const second = at(zip, SIG.central, 1);
    const end = at(zip, SIG.eocd);
    const swapped = Buffer.concat([zip.subarray(0, cd), zip.subarray(second, end), zip.subarray(cd, second), zip.subarray(end)]);
    expect(await check(swapped)).toEqual([]);
  });

  it('is accepted with bytes between entries that no entry claims', async () => {
    const zip = buildZip([a('a.txt', 'one', { method: 0 })]);
    const cd = at(zip, SIG.central);
    const end = at(zip, SIG.eocd);
    const gap = Buffer.from('padding');
    const padded = Buffer.concat([gap, zip.subarray(0, cd), zip.subarray(cd, end), zip.subarray(end)]);
    padded.writeUInt32LE(gap.length, gap.length + cd + 42); // the entry's local header moved by the gap
    padded.writeUInt32LE(cd + gap.length, padded.length - 22 + 16); // so did the central directory
    expect(await check(padded)).toEqual([]);
  });
});

describe('a file that is not a (whole) zip', () => {
  it.each([
    ['21 bytes', Buffer.alloc(21), 'is too short to be a zip file (no end-of-central-directory record)'],
    ['a text file', Buffer.from('x'.repeat(100)), 'has no end-of-central-directory record (not a zip file, or truncated)'],
    [
      'an archive with bytes after its end record',
      Buffer.concat([buildZip([a('a.txt')]), Buffer.from('trailing')]),
      'has no end-of-central-directory record (not a zip file, or truncated)',
    ],
    [
      'an archive cut off inside its comment',
      buildZip([a('a.txt')], { comment: 'a long archive comment' }).subarray(0, -5),
      'has no end-of-central-directory record (not a zip file, or truncated)',
    ],
  ])('%s is refused', async (_case, bytes, message) => {
    expect(await check(bytes)).toEqual(corrupt(message));
  });

  it('an archive that lost its first bytes has a central directory outside the file', async () => {
    const zip = buildZip([a('a.txt'), a('b.txt')]);
    expect(await check(zip.subarray(10))).toEqual(corrupt('has a central directory outside the file (truncated?)'));
  });
});

describe('the end-of-central-directory record', () => {
  const zip = buildZip([a('a.txt'), a('b.txt')]);
  const eocd = at(zip, SIG.eocd);
  it.each([
    ['this disk', 4],
    ['the disk of the central directory', 6],
  ])('an archive split over several disks (%s ≠ 0) is refused', async (_case, field) => {
    expect(await check(patched(zip, (z) => z.writeUInt16LE(1, eocd + field)))).toEqual(
      corrupt('spans several disks (split archives are not supported)'),
    );
  });

  it('an archive with fewer entries on this disk than in all is refused as split', async () => {
    expect(await check(patched(zip, (z) => z.writeUInt16LE(1, eocd + 8)))).toEqual(
      corrupt('spans several disks (split archives are not supported)'),
    );
  });

  it('a central directory claimed one byte longer than the file holds is refused', async () => {
    const size = zip.readUInt32LE(eocd + 12);
    expect(await check(patched(zip, (z) => z.writeUInt32LE(size + 1, eocd + 12)))).toEqual(
      corrupt('has a central directory outside the file (truncated?)'),
    );
  });

  it('a central directory that ends right at the end record is read', async () => {
    expect(at(zip, SIG.central) + zip.readUInt32LE(eocd + 12)).toBe(eocd);
    expect(await check(zip)).toEqual([]);
  });

  it('an entry count larger than the entries listed is a broken central directory', async () => {
    const three = patched(zip, (z) => {
      z.writeUInt16LE(3, eocd + 8);
      z.writeUInt16LE(3, eocd + 10);
    });
    expect(await check(three)).toEqual(corrupt('has a broken central directory (entry 3 of 3)'));
  });
});

describe('Zip64 end records', () => {
  const zip = buildZip([a('a.txt'), a('b.txt')], { zip64: true });
  const eocd = at(zip, SIG.eocd);
  const record = at(zip, SIG.zip64);
  const real = { entries: 2, size: zip.readUInt32LE(record + 40), offset: zip.readUInt32LE(record + 48) };

  it.each([
    ['only the entry count', { size: real.size, offset: real.offset }],
    ['only the size', { entries: real.entries, offset: real.offset }],
    ['only the offset', { entries: real.entries, size: real.size }],
  ])('are followed when %s is saturated', async (_case, fields: { entries?: number; size?: number; offset?: number }) => {
    const one = patched(zip, (z) => {
      if (fields.entries !== undefined) {
        z.writeUInt16LE(fields.entries, eocd + 8);
        z.writeUInt16LE(fields.entries, eocd + 10);
      }
      if (fields.size !== undefined) z.writeUInt32LE(fields.size, eocd + 12);
      if (fields.offset !== undefined) z.writeUInt32LE(fields.offset, eocd + 16);
    });
    // The Zip64 record is what is read: a wrong size there shows it.
    expect(await check(one)).toEqual([]);
    expect(await check(patched(one, (z) => z.writeBigUInt64LE(BigInt(real.size + 1), record + 40)))).toEqual(
      corrupt('has a central directory outside the file (truncated?)'),
    );
  });

  it('an end record announcing Zip64 without a locator before it is refused', async () => {
    expect(await check(patched(zip, (z) => z.writeUInt32LE(0, eocd - 20)))).toEqual(corrupt('announces Zip64 but has no Zip64 locator'));
  });

  it('an end record announcing Zip64 at the very start of the file is refused', async () => {
    const alone = Buffer.from(zip.subarray(eocd));
    expect(await check(alone)).toEqual(corrupt('announces Zip64 but has no Zip64 locator'));
  });

  it('a Zip64 archive cut down to its locator and end record is refused', async () => {
    expect(await check(Buffer.from(zip.subarray(eocd - 20)))).toEqual(corrupt('has a broken Zip64 end-of-central-directory record'));
  });

  it.each([
    ['a wrong signature', (z: Buffer) => z.writeUInt32LE(0, record)],
    ['a locator pointing past the end of the file', (z: Buffer) => z.writeBigUInt64LE(BigInt(z.length - 40), eocd - 20 + 8)],
  ])('a Zip64 record with %s is refused', async (_case, edit) => {
    expect(await check(patched(zip, edit))).toEqual(corrupt('has a broken Zip64 end-of-central-directory record'));
  });

  it('a Zip64 record with different entry counts on this disk and in all is refused as split', async () => {
    expect(await check(patched(zip, (z) => z.writeBigUInt64LE(1n, record + 24)))).toEqual(
      corrupt('spans several disks (split archives are not supported)'),
    );
  });

  it('a Zip64 value beyond 2^53 is refused', async () => {
    expect(await check(patched(zip, (z) => z.writeBigUInt64LE(2n ** 53n, record + 48)))).toEqual(
      corrupt('has a Zip64 size or offset beyond what this service reads'),
    );
    expect(await check(patched(zip, (z) => z.writeBigUInt64LE(2n ** 53n - 1n, record + 48)))).toEqual(
      corrupt('has a central directory outside the file (truncated?)'),
    );
  });

  it('more than 100,000 entries are refused before any is read', async () => {
    const many = patched(zip, (z) => {
      z.writeBigUInt64LE(100_001n, record + 24);
      z.writeBigUInt64LE(100_001n, record + 32);
    });
    expect(await check(many)).toEqual(corrupt('has more than 100000 entries'));
    const limit = patched(zip, (z) => {
      z.writeBigUInt64LE(100_000n, record + 24);
      z.writeBigUInt64LE(100_000n, record + 32);
    });
    expect(await check(limit)).toEqual(corrupt('has a broken central directory (entry 3 of 100000)'));
  });
});

/** A source of `size` zero bytes except for `pieces`, so huge archives cost nothing. */
function sparse(size: number, pieces: { at: number; bytes: Buffer }[]): ByteSource {
  const read = async (offset: number, length: number) => {
    const out = Buffer.alloc(Math.max(0, Math.min(size, offset + length) - offset));
    for (const piece of pieces) {
      const from = Math.max(offset, piece.at);
      const to = Math.min(offset + out.length, piece.at + piece.bytes.length);
      if (from < to) piece.bytes.copy(out, from - offset, from - piece.at, to - piece.at);
    }
    return out;
  };
  return {
    size,
    read,
    async *stream(offset) {
      yield await read(offset, size - offset);
    },
  };
}

describe('a central directory larger than this service reads', () => {
  const MiB = 1024 * 1024;
  const endRecord = (cdSize: number, cdOffset: number) => {
    const end = Buffer.alloc(22);
    end.writeUInt32LE(SIG.eocd, 0);
    end.writeUInt32LE(cdSize, 12);
    end.writeUInt32LE(cdOffset, 16);
    return end;
  };
  it.each([
    ['64 MiB + 1 byte is refused', 64 * MiB + 1, corrupt('has a central directory larger than this service reads')],
    ['64 MiB (of no entries) is read', 64 * MiB, []],
  ])('%s', async (_case, cdSize, expected) => {
    const size = cdSize + 22;
    const issues = await checkZip(sparse(size, [{ at: cdSize, bytes: endRecord(cdSize, 0) }]), OPTIONS);
    expect(issues).toEqual(expected);
  });
});

describe('central directory entries', () => {
  const zip = buildZip([a('a.txt'), a('b.txt')]);
  const second = at(zip, SIG.central, 1);

  it('an entry without its signature is a broken central directory, counted from 1', async () => {
    expect(await check(patched(zip, (z) => z.writeUInt32LE(0, second)))).toEqual(corrupt('has a broken central directory (entry 2 of 2)'));
  });

  it.each([
    ['name', 28],
    ['extra field', 30],
    ['comment', 32],
  ])('an entry whose %s runs one byte past the central directory is refused', async (_case, field) => {
    const last = patched(zip, (z) => z.writeUInt16LE(z.readUInt16LE(second + field) + 1, second + field));
    expect(await check(last)).toEqual(corrupt('has a broken central directory (entry 2 of 2)'));
  });

  it('an entry header cut off by the end of the central directory is refused', async () => {
    // The end record says the directory ends 10 bytes into the second entry's 46-byte header.
    const eocd = at(zip, SIG.eocd);
    const cut = patched(zip, (z) => z.writeUInt32LE(second + 10 - at(zip, SIG.central), eocd + 12));
    expect(await check(cut)).toEqual(corrupt('has a broken central directory (entry 2 of 2)'));
  });

  it('an entry comment and extra field are stepped over to reach the next entry', async () => {
    // Rebuild the first central entry with a 5-byte unknown extra field and a 7-byte comment.
    const first = at(zip, SIG.central, 0);
    const header = Buffer.from(zip.subarray(first, first + 46));
    header.writeUInt16LE(8, 30);
    header.writeUInt16LE(7, 32);
    const extra = Buffer.from([0x99, 0x99, 4, 0, 1, 2, 3, 4]);
    const entry = Buffer.concat([header, Buffer.from('a.txt'), extra, Buffer.from('comment')]);
    const rest = zip.subarray(second, at(zip, SIG.eocd));
    const end = Buffer.from(zip.subarray(at(zip, SIG.eocd)));
    end.writeUInt32LE(entry.length + rest.length, 12);
    expect(await check(Buffer.concat([zip.subarray(0, first), entry, rest, end]))).toEqual([]);
  });

  it('names are read as UTF-8 only when the entry says so (flag 0x800), else as code page 437/latin1', async () => {
    const name = 'résumé.txt';
    const utf8 = buildZip([a(name, '{}'), a(name, '{}')]);
    expect(await check(utf8)).toEqual([{ code: 'ZipCorrupted', target: name, message: 'appears twice in the central directory' }]);
    const legacy = patched(utf8, (z) => {
      for (const n of [0, 1]) z.writeUInt16LE(0, at(z, SIG.central, n) + 8);
    });
    const latin1 = Buffer.from(name, 'utf8').toString('latin1');
    expect(await check(legacy)).toEqual([{ code: 'ZipCorrupted', target: latin1, message: 'appears twice in the central directory' }]);
  });
});

/** An archive of one stored entry whose central entry carries Zip64 extra fields for `fields` (saturated in the header). */
function zip64Entry(fields: ('size' | 'compressedSize' | 'localOffset')[], options: { before?: Buffer; shortBy?: number } = {}) {
  const zip = buildZip([a('a.txt', 'hello', { method: 0 })]);
  const cd = at(zip, SIG.central);
  const header = Buffer.from(zip.subarray(cd, cd + 46));
  const values = { size: 5, compressedSize: 5, localOffset: 0 };
  const offsets = { size: 24, compressedSize: 20, localOffset: 42 };
  const body = Buffer.alloc(8 * fields.length);
  // The order of the Zip64 field is fixed: size, compressed size, local header offset.
  (['size', 'compressedSize', 'localOffset'] as const)
    .filter((f) => fields.includes(f))
    .forEach((f, i) => {
      header.writeUInt32LE(0xffffffff, offsets[f]);
      body.writeBigUInt64LE(BigInt(values[f]), 8 * i);
    });
  const shortened = body.subarray(0, body.length - (options.shortBy ?? 0));
  const field = Buffer.alloc(4);
  field.writeUInt16LE(0x0001, 0);
  field.writeUInt16LE(shortened.length, 2);
  const extra = Buffer.concat([options.before ?? Buffer.alloc(0), field, shortened]);
  header.writeUInt16LE(extra.length, 30);
  const entry = Buffer.concat([header, Buffer.from('a.txt'), extra]);
  const end = Buffer.from(zip.subarray(at(zip, SIG.eocd)));
  end.writeUInt32LE(entry.length, 12);
  return Buffer.concat([zip.subarray(0, cd), entry, end]);
}

describe('Zip64 extra fields of an entry', () => {
  it.each([
    ['the size', ['size'] as const],
    ['the compressed size', ['compressedSize'] as const],
    ['the local header offset', ['localOffset'] as const],
    ['all three', ['size', 'compressedSize', 'localOffset'] as const],
    ['size and offset', ['size', 'localOffset'] as const],
  ])('give %s when the 32-bit field is saturated', async (_case, fields) => {
    expect(await check(zip64Entry([...fields]))).toEqual([]);
  });

  it('that are empty while a field is saturated are refused', async () => {
    expect(await check(zip64Entry(['size'], { shortBy: 8 }))).toEqual(corrupt('has a broken Zip64 extra field'));
  });

  it('are found after another extra field', async () => {
    expect(await check(zip64Entry(['size', 'localOffset'], { before: Buffer.from([0x55, 0x54, 2, 0, 9, 9]) }))).toEqual([]);
  });

  it('that are too short for the saturated fields are refused', async () => {
    expect(await check(zip64Entry(['size', 'localOffset'], { shortBy: 1 }))).toEqual(corrupt('has a broken Zip64 extra field'));
  });

  it('with a size beyond 2^53 are refused', async () => {
    const zip = zip64Entry(['size']);
    const value = zip.indexOf(Buffer.from([1, 0, 8, 0])) + 4;
    expect(await check(patched(zip, (z) => z.writeBigUInt64LE(2n ** 60n, value)))).toEqual(
      corrupt('has a Zip64 size or offset beyond what this service reads'),
    );
  });
});

describe('entry names (4.E 55): a package must unpack inside its folder', () => {
  it.each([
    ['../evil.json', true],
    ['templates/../../evil.json', true],
    ['..', true],
    ['/etc/passwd', true],
    ['C:/Windows/win.ini', true],
    ['c:evil.txt', true],
    ['dir\\file.txt', true],
    ['nul\0.txt', true],
    ['..hidden/file.txt', false],
    ['file..txt', false],
    ['dir/a:b.txt', false],
    ['1:2.txt', false],
    ['nested/dir/file.txt', false],
  ])('%j is refused: %s', async (name, refused) => {
    const issues = await check(buildZip([a(name)]));
    expect(issues).toEqual(
      refused
        ? [{ code: 'UnsafeZipEntry', target: name, message: 'must be a relative path without ".." segments, drive letters or backslashes' }]
        : [],
    );
  });
});

describe('what a package may hold', () => {
  it('an encrypted entry is refused', async () => {
    const zip = buildZip([a('secret.txt')]);
    const encrypted = patched(zip, (z) => z.writeUInt16LE(0x801, at(z, SIG.central) + 8));
    expect(await check(encrypted)).toEqual([{ code: 'UnsupportedZipEntry', target: 'secret.txt', message: 'is encrypted' }]);
  });

  it.each([
    [12, 'bzip2'],
    [14, 'LZMA'],
    [93, 'Zstandard'],
  ])('an entry compressed with method %i (%s) is refused', async (method) => {
    const zip = buildZip([a('data.bin')]);
    const other = patched(zip, (z) => z.writeUInt16LE(method, at(z, SIG.central) + 10));
    expect(await check(other)).toEqual([
      {
        code: 'UnsupportedZipEntry',
        target: 'data.bin',
        message: `uses compression method ${method}; only stored (0) and deflate (8) are accepted`,
      },
    ]);
  });

  it.each([
    ['exactly the entry limit', 1000, []],
    [
      'one byte over the entry limit',
      1001,
      [{ code: 'ZipEntryTooLarge', target: 'big.bin', message: 'is 1001 bytes uncompressed; the limit is 1000' }],
    ],
  ])('an entry of %s', async (_case, size, expected) => {
    expect(await check(buildZip([a('big.bin', Buffer.alloc(size, 1))]))).toEqual(expected);
  });

  it.each([
    ['exactly the total limit', [1000, 1000, 500], []],
    [
      'one byte over the total limit',
      [1000, 1000, 501],
      [{ code: 'ZipEntryTooLarge', message: 'holds 2501 bytes uncompressed in all; the limit is 2500' }],
    ],
  ])('entries adding up to %s', async (_case, sizes, expected) => {
    expect(await check(buildZip(sizes.map((size, i) => a(`part${i}.bin`, Buffer.alloc(size, i)))))).toEqual(expected);
  });

  it('without a total limit, only each entry is limited', async () => {
    const zip = buildZip([a('a.bin', Buffer.alloc(1000)), a('b.bin', Buffer.alloc(1000)), a('c.bin', Buffer.alloc(1000))]);
    expect(await check(zip, { maxTotalBytes: undefined })).toEqual([]);
  });

  it('each missing required file is named, and the JSON files present are still checked', async () => {
    const zip = buildZip([a('mainTemplate.json', '{not json'), a('app/createUiDefinition.json', '{}')]);
    const options = {
      requiredRootFiles: ['mainTemplate.json', 'createUiDefinition.json', 'viewDefinition.json'],
      jsonFiles: ['mainTemplate.json'],
    };
    expect(await check(zip, options)).toEqual([
      { code: 'PackageMissingRequiredFile', target: 'createUiDefinition.json', message: 'must be in the root of the package (exact name)' },
      { code: 'PackageMissingRequiredFile', target: 'viewDefinition.json', message: 'must be in the root of the package (exact name)' },
      { code: 'InvalidTemplateJson', target: 'mainTemplate.json', message: 'is not valid JSON' },
    ]);
  });

  it('a package missing a required file whose data is also corrupted is refused as corrupted', async () => {
    const zip = buildZip([a('x.txt', 'hello', { declaredCrc: 1 })]);
    expect(await check(zip, { requiredRootFiles: ['mainTemplate.json'] })).toEqual(corrupt('fails its CRC-32 check', 'x.txt'));
  });

  it('an archive already refused for its names is not inflated', async () => {
    const zip = buildZip([a('../evil.txt'), a('x.txt', 'hello', { declaredCrc: 1 })]);
    expect((await check(zip)).map((i) => i.code)).toEqual(['UnsafeZipEntry']);
  });
});

describe('entry data', () => {
  it.each([
    ['a deflated entry whose CRC-32 does not match', a('x.txt', 'hello', { declaredCrc: 1 }), 'fails its CRC-32 check'],
    ['a stored entry whose CRC-32 does not match', a('x.txt', 'hello', { method: 0, declaredCrc: 1 }), 'fails its CRC-32 check'],
    [
      'a deflated entry longer than declared (a bomb)',
      a('x.txt', Buffer.alloc(900), { declaredSize: 100 }),
      'inflates to more bytes than its declared size',
    ],
    [
      'a stored entry longer than declared',
      a('x.txt', 'hello', { method: 0, declaredSize: 4 }),
      'inflates to more bytes than its declared size',
    ],
    ['a deflated entry shorter than declared', a('x.txt', 'hello', { declaredSize: 6 }), 'has 5 bytes where the central directory says 6'],
  ])('%s is refused', async (_case, entry, message) => {
    expect(await check(buildZip([entry]))).toEqual(corrupt(message, 'x.txt'));
  });

  it('a deflated entry whose data is not deflate is refused', async () => {
    const zip = buildZip([a('x.txt', 'hello there, this is text', { method: 0 })]);
    const lying = patched(zip, (z) => {
      z.writeUInt16LE(8, 8); // the local header
      z.writeUInt16LE(8, at(z, SIG.central) + 10);
    });
    expect(await check(lying)).toEqual(corrupt('has data that does not inflate (corrupted or truncated)', 'x.txt'));
  });

  it('a deflated entry cut short inside the archive is refused', async () => {
    const raw = Buffer.alloc(800);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919) % 251;
    const zip = buildZip([a('x.bin', raw)]);
    const compressed = deflateRawSync(raw).length;
    const cut = patched(zip, (z) => {
      z.writeUInt32LE(compressed - 10, at(z, SIG.central) + 20);
    });
    expect(await check(cut)).toEqual(corrupt('has data that does not inflate (corrupted or truncated)', 'x.bin'));
  });
});

describe('local headers against the central directory', () => {
  const zip = buildZip([a('a.txt', 'one'), a('b.txt', 'two')]);
  const localB = at(zip, SIG.local, 1);
  const centralB = at(zip, SIG.central, 1);

  it.each([
    ['has no local header where the central directory points', (z: Buffer) => z.writeUInt32LE(0, localB), 'has no valid local file header'],
    [
      'has another compression method in its local header',
      (z: Buffer) => z.writeUInt16LE(0, localB + 8),
      'has a local header that disagrees with the central directory',
    ],
    [
      'has another name in its local header',
      (z: Buffer) => z.write('c', localB + 30, 'latin1'),
      'has a local header that disagrees with the central directory',
    ],
    [
      'has a longer name in its local header',
      (z: Buffer) => z.writeUInt16LE(6, localB + 26),
      'has a local header that disagrees with the central directory',
    ],
    ['starts inside the previous entry', (z: Buffer) => z.writeUInt32LE(localB - 5, centralB + 42), 'overlaps the previous entry'],
    [
      'claims more compressed data than lies before the central directory',
      (z: Buffer) => z.writeUInt32LE(z.readUInt32LE(centralB + 20) + 1, centralB + 20),
      'has data that runs into the central directory',
    ],
  ])('an entry that %s is refused', async (_case, edit, message) => {
    expect(await check(patched(zip, edit))).toEqual(corrupt(message, 'b.txt'));
  });

  it('an entry whose compressed data ends right at the central directory is read', async () => {
    expect(at(zip, SIG.central) - localB).toBe(30 + 5 + zip.readUInt32LE(centralB + 20));
    expect(await check(zip)).toEqual([]);
  });

  it('an entry with a local extra field is read past it', async () => {
    const one = buildZip([a('a.txt', 'one', { method: 0 })]);
    const cd = at(one, SIG.central);
    const local = Buffer.from(one.subarray(0, 30 + 5));
    local.writeUInt16LE(4, 28);
    const withExtra = Buffer.concat([local, Buffer.from([0x99, 0x99, 0, 0]), one.subarray(35)]);
    withExtra.writeUInt32LE(cd + 4, withExtra.length - 22 + 16);
    expect(await check(withExtra)).toEqual([]);
  });

  it('an entry whose local extra field runs past the end of the file is truncated', async () => {
    const one = buildZip([a('a.txt', 'one', { method: 0 })]);
    // Point a second central entry at a local header that sits at the very end of the entries, its extra field huge.
    expect(await check(patched(one, (z) => z.writeUInt16LE(0xffff, 28)))).toEqual(corrupt('is truncated', 'a.txt'));
  });

  it('an entry whose local header lies past the end of the file is refused', async () => {
    const far = patched(zip, (z) => z.writeUInt32LE(z.length + 100, centralB + 42));
    expect(await check(far)).toEqual(corrupt('starts beyond the end of the file', 'b.txt'));
  });

  it('an entry whose local name runs past the end of the file is refused', async () => {
    const one = buildZip([a('a.txt', 'one', { method: 0 })]);
    expect(await check(patched(one, (z) => z.writeUInt16LE(0xffff, 26)))).toEqual(
      corrupt('has a local header that disagrees with the central directory', 'a.txt'),
    );
  });

  it('a first entry whose local header lies past the end of the file has no local header', async () => {
    const one = buildZip([a('a.txt', 'one', { method: 0 })]);
    const far = patched(one, (z) => z.writeUInt32LE(z.length + 100, at(z, SIG.central) + 42));
    expect(await check(far)).toEqual(corrupt('has no valid local file header', 'a.txt'));
  });
});

describe('JSON files of a package (4.E 56)', () => {
  const json = { jsonFiles: ['mainTemplate.json'] };
  it.each([
    ['valid JSON', '{"resources":[]}', []],
    ['JSON after a UTF-8 byte order mark', '\uFEFF{"resources":[]}', []],
    [
      'a byte order mark in the middle',
      '{"a":\uFEFF1}',
      [{ code: 'InvalidTemplateJson', target: 'mainTemplate.json', message: 'is not valid JSON' }],
    ],
    ['text that is not JSON', '{not json', [{ code: 'InvalidTemplateJson', target: 'mainTemplate.json', message: 'is not valid JSON' }]],
    ['an empty file', '', [{ code: 'InvalidTemplateJson', target: 'mainTemplate.json', message: 'is not valid JSON' }]],
  ])('%s', async (_case, data, expected) => {
    expect(await check(buildZip([a('mainTemplate.json', data)]), json)).toEqual(expected);
  });

  it('only the listed files must be JSON', async () => {
    expect(await check(buildZip([a('notes.json', '{not json')]), json)).toEqual([]);
  });

  it.each([
    ['16 MiB', 16 * 1024 * 1024, []],
    [
      '16 MiB + 1 byte',
      16 * 1024 * 1024 + 1,
      [{ code: 'InvalidTemplateJson', target: 'mainTemplate.json', message: 'is larger than 16777216 bytes' }],
    ],
  ])('a JSON file of %s', async (_case, size, expected) => {
    // The braces come last, so a file read only in part would not parse.
    const data = Buffer.alloc(size, 0x20);
    data.write('{}', size - 2);
    expect(
      await checkZip(bufferSource(buildZip([a('mainTemplate.json', data)])), {
        ...OPTIONS,
        ...json,
        maxEntryBytes: 32 * 1024 * 1024,
        maxTotalBytes: undefined,
      }),
    ).toEqual(expected);
  });
});

describe('an upload that changes while it is checked', () => {
  it('a central directory that reads shorter than the end record said is refused', async () => {
    const zip = buildZip([a('a.txt')]);
    const source = bufferSource(zip);
    const cd = at(zip, SIG.central);
    const shrinking: ByteSource = {
      ...source,
      read: async (offset, length) => (await source.read(offset, length)).subarray(0, offset === cd ? length - 1 : length),
    };
    expect(await checkZip(shrinking, OPTIONS)).toEqual(corrupt('has a truncated central directory'));
  });
});

describe('a storage failure while reading an upload', () => {
  it('is not blamed on the package: the check fails instead of calling the zip corrupted', async () => {
    const source = bufferSource(buildZip([a('a.txt')]));
    const failing: ByteSource = { ...source, read: () => Promise.reject(new Error('storage unavailable')) };
    await expect(checkZip(failing, OPTIONS)).rejects.toThrow('storage unavailable');
  });
});
