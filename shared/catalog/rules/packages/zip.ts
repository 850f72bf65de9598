/**
 * Zip integrity checks for packages (specs/publish.md 1.7, 2.11.1; 4.E 48–56), without any zip library: the
 * end-of-central-directory record (and its Zip64 form), every central directory entry, then one sequential pass
 * that checks each local header against its central entry and inflates each entry to verify its size and CRC-32.
 * Entry sizes are capped before anything is inflated, and inflation stops at the declared size, so a zip bomb
 * costs no more than its declared sizes allow.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw } from 'node:zlib';
import type { ByteSource } from './bytes';
import { StreamReader } from './bytes';

export interface ContentIssue {
  code: string;
  /** The entry (or file) the issue is about; the request's `fileName` when absent. */
  target?: string;
  message: string;
}

export interface ZipOptions {
  requiredRootFiles: readonly string[];
  /** Entries that must parse as JSON (checked while they are inflated). */
  jsonFiles: readonly string[];
  maxEntryBytes: number;
  /** Sum of all uncompressed sizes, so many large entries cannot multiply the work (INF). */
  maxTotalBytes?: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;
const MAX_ENTRIES = 100_000;
const MAX_CENTRAL_DIRECTORY = 64 * 1024 * 1024;
const MAX_JSON_BYTES = 16 * 1024 * 1024;

interface Entry {
  name: string;
  nameBytes: Buffer;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

class Corrupt extends Error {
  constructor(
    message: string,
    readonly target?: string,
  ) {
    super(message);
  }
}

function u64(buf: Buffer, at: number): number {
  const value = buf.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Corrupt('has a Zip64 size or offset beyond what this service reads');
  return Number(value);
}

async function centralDirectoryLocation(source: ByteSource): Promise<{ offset: number; size: number; entries: number; end: number }> {
  if (source.size < 22) throw new Corrupt('is too short to be a zip file (no end-of-central-directory record)');
  const tailLength = Math.min(source.size, 22 + MAX_COMMENT + 20);
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new Corrupt('has no end-of-central-directory record (not a zip file, or truncated)');
  const eocdOffset = tailStart + at;
  const disk = tail.readUInt16LE(at + 4);
  const cdDisk = tail.readUInt16LE(at + 6);
  let entriesOnDisk = tail.readUInt16LE(at + 8);
  let entries = tail.readUInt16LE(at + 10);
  let size = tail.readUInt32LE(at + 12);
  let offset = tail.readUInt32LE(at + 16);
  let end = eocdOffset;
  if (entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = at - 20;
    if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR) throw new Corrupt('announces Zip64 but has no Zip64 locator');
    const recordOffset = u64(tail, locator + 8);
    const record = await source.read(recordOffset, 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD)
      throw new Corrupt('has a broken Zip64 end-of-central-directory record');
    entriesOnDisk = u64(record, 24);
    entries = u64(record, 32);
    size = u64(record, 40);
    offset = u64(record, 48);
    end = recordOffset;
  } else if (disk !== 0 || cdDisk !== 0) {
    throw new Corrupt('spans several disks (split archives are not supported)');
  }
  if (entriesOnDisk !== entries) throw new Corrupt('spans several disks (split archives are not supported)');
  if (offset + size > end) throw new Corrupt('has a central directory outside the file (truncated?)');
  if (entries > MAX_ENTRIES) throw new Corrupt(`has more than ${MAX_ENTRIES} entries`);
  if (size > MAX_CENTRAL_DIRECTORY) throw new Corrupt('has a central directory larger than this service reads');
  return { offset, size, entries, end };
}

function parseCentralDirectory(cd: Buffer, count: number): Entry[] {
  const entries: Entry[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL)
      throw new Corrupt(`has a broken central directory (entry ${n + 1} of ${count})`);
    const flags = cd.readUInt16LE(p + 8);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    if (p + 46 + nameLength + extraLength + commentLength > cd.length)
      throw new Corrupt(`has a broken central directory (entry ${n + 1} of ${count})`);
    const nameBytes = cd.subarray(p + 46, p + 46 + nameLength);
    let size = cd.readUInt32LE(p + 24);
    let compressedSize = cd.readUInt32LE(p + 20);
    let localOffset = cd.readUInt32LE(p + 42);
    // Zip64 extended information (header 0x0001) holds the values whose 32-bit fields are saturated.
    const extra = cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
    for (let e = 0; e + 4 <= extra.length;) {
      const id = extra.readUInt16LE(e);
      const length = extra.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const next = () => {
          if (q + 8 > e + 4 + length) throw new Corrupt('has a broken Zip64 extra field');
          const v = u64(extra, q);
          q += 8;
          return v;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localOffset === 0xffffffff) localOffset = next();
      }
      e += 4 + length;
    }
    entries.push({
      name: nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1'),
      nameBytes,
      flags,
      method: cd.readUInt16LE(p + 10),
      crc: cd.readUInt32LE(p + 16),
      compressedSize,
      size,
      localOffset,
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function unsafe(name: string): boolean {
  return name.startsWith('/') || name.includes('\\') || name.includes('\0') || /^[A-Za-z]:/.test(name) || name.split('/').includes('..');
}

function entryIssues(entries: Entry[], options: ZipOptions): ContentIssue[] {
  const issues: ContentIssue[] = [];
  const seen = new Set<string>();
  let total = 0;
  for (const entry of entries) {
    if (unsafe(entry.name))
      issues.push({
        code: 'UnsafeZipEntry',
        target: entry.name,
        message: 'must be a relative path without ".." segments, drive letters or backslashes',
      });
    if (seen.has(entry.name)) issues.push({ code: 'ZipCorrupted', target: entry.name, message: 'appears twice in the central directory' });
    seen.add(entry.name);
    if (entry.flags & 0x1) issues.push({ code: 'UnsupportedZipEntry', target: entry.name, message: 'is encrypted' });
    if (entry.method !== 0 && entry.method !== 8)
      issues.push({
        code: 'UnsupportedZipEntry',
        target: entry.name,
        message: `uses compression method ${entry.method}; only stored (0) and deflate (8) are accepted`,
      });
    if (entry.size > options.maxEntryBytes)
      issues.push({
        code: 'ZipEntryTooLarge',
        target: entry.name,
        message: `is ${entry.size} bytes uncompressed; the limit is ${options.maxEntryBytes}`,
      });
    total += entry.size;
  }
  // Stryker disable next-line ConditionalExpression: `total > undefined` is false too; the check only says the total limit is optional
  if (options.maxTotalBytes !== undefined && total > options.maxTotalBytes) {
    issues.push({ code: 'ZipEntryTooLarge', message: `holds ${total} bytes uncompressed in all; the limit is ${options.maxTotalBytes}` });
  }
  for (const required of options.requiredRootFiles) {
    if (!seen.has(required))
      issues.push({ code: 'PackageMissingRequiredFile', target: required, message: 'must be in the root of the package (exact name)' });
  }
  return issues;
}

/** Inflates (or passes through) one entry's data, checking size and CRC; returns the bytes when asked to keep them. */
async function verifyData(reader: StreamReader, entry: Entry, keep: boolean): Promise<Buffer | undefined> {
  let crc = 0;
  let count = 0;
  const kept: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      count += chunk.length;
      if (count > entry.size) return callback(new Corrupt('inflates to more bytes than its declared size', entry.name));
      crc = crc32(chunk, crc);
      // Stryker disable next-line ConditionalExpression,LogicalOperator: keeping more bytes changes only memory use, since a JSON entry over the cap is refused on its declared size and never parsed
      if (keep && count <= MAX_JSON_BYTES) kept.push(chunk);
      callback();
    },
  });
  const data = Readable.from(reader.take(entry.compressedSize));
  try {
    if (entry.method === 8) await pipeline(data, createInflateRaw(), sink);
    else await pipeline(data, sink);
  } catch (error) {
    if (error instanceof Corrupt) throw error;
    throw new Corrupt('has data that does not inflate (corrupted or truncated)', entry.name);
  }
  if (count !== entry.size) throw new Corrupt(`has ${count} bytes where the central directory says ${entry.size}`, entry.name);
  if (crc >>> 0 !== entry.crc) throw new Corrupt('fails its CRC-32 check', entry.name);
  return keep ? Buffer.concat(kept) : undefined;
}

async function sequentialPass(
  source: ByteSource,
  entries: Entry[],
  cdOffset: number,
  jsonFiles: readonly string[],
): Promise<ContentIssue[]> {
  const issues: ContentIssue[] = [];
  const ordered = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  const first = ordered[0];
  if (!first) return issues;
  const reader = new StreamReader(source.stream(first.localOffset), first.localOffset);
  for (const entry of ordered) {
    if (entry.localOffset < reader.position) throw new Corrupt('overlaps the previous entry', entry.name);
    if (!(await reader.skip(entry.localOffset - reader.position))) throw new Corrupt('starts beyond the end of the file', entry.name);
    const header = await reader.read(30);
    if (!header || header.readUInt32LE(0) !== LOCAL) throw new Corrupt('has no valid local file header', entry.name);
    if (header.readUInt16LE(8) !== entry.method)
      throw new Corrupt('has a local header that disagrees with the central directory', entry.name);
    const name = await reader.read(header.readUInt16LE(26));
    if (!name?.equals(entry.nameBytes)) throw new Corrupt('has a local header that disagrees with the central directory', entry.name);
    if (!(await reader.skip(header.readUInt16LE(28)))) throw new Corrupt('is truncated', entry.name);
    if (reader.position + entry.compressedSize > cdOffset) throw new Corrupt('has data that runs into the central directory', entry.name);
    const keep = jsonFiles.includes(entry.name);
    const bytes = await verifyData(reader, entry, keep);
    // Stryker disable next-line LogicalOperator: verifyData returns bytes exactly when asked to keep them, so || and && agree
    if (keep && bytes) {
      if (entry.size > MAX_JSON_BYTES) {
        issues.push({ code: 'InvalidTemplateJson', target: entry.name, message: `is larger than ${MAX_JSON_BYTES} bytes` });
      } else {
        try {
          JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
        } catch {
          issues.push({ code: 'InvalidTemplateJson', target: entry.name, message: 'is not valid JSON' });
        }
      }
    }
  }
  return issues;
}

/** All problems found in a zip, or [] for a sound one. */
export async function checkZip(source: ByteSource, options: ZipOptions): Promise<ContentIssue[]> {
  try {
    const location = await centralDirectoryLocation(source);
    const cd = await source.read(location.offset, location.size);
    if (cd.length !== location.size) throw new Corrupt('has a truncated central directory');
    const entries = parseCentralDirectory(cd, location.entries);
    const issues = entryIssues(entries, options);
    // Nothing is inflated from an archive that is already refused (unsafe names, oversized entries).
    if (issues.some((i) => i.code !== 'PackageMissingRequiredFile')) return issues;
    return [...issues, ...(await sequentialPass(source, entries, location.offset, options.jsonFiles))];
  } catch (error) {
    if (error instanceof Corrupt)
      return [{ code: 'ZipCorrupted', ...(error.target ? { target: error.target } : {}), message: error.message }];
    throw error;
  }
}
