/** Content checks per artifact kind (specs/publish.md 1.7): zip integrity, PNG signature and size, PDF signature. */
import type { ByteSource } from './bytes';
import { MAX_ZIP_ENTRY_BYTES, type KindSpec } from '../../model/artifact-kinds';
import { checkZip, type ContentIssue } from './zip';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function checkPng(source: ByteSource, width?: [number, number], height?: [number, number]): Promise<ContentIssue[]> {
  const head = await source.read(0, 24);
  if (head.length < 24 || !head.subarray(0, 8).equals(PNG_SIGNATURE) || head.toString('latin1', 12, 16) !== 'IHDR') {
    return [{ code: 'InvalidImageFormat', message: 'is not a PNG image' }];
  }
  const w = head.readUInt32BE(16);
  const h = head.readUInt32BE(20);
  const within = (v: number, range?: [number, number]) => !range || (v >= range[0] && v <= range[1]);
  if (!within(w, width) || !within(h, height)) {
    const describe = (r?: [number, number]) => (!r ? 'any' : r[0] === r[1] ? `${r[0]}` : `${r[0]}-${r[1]}`);
    return [{ code: 'InvalidImageDimensions', message: `is ${w}×${h} pixels; this kind must be ${describe(width)}×${describe(height)}` }];
  }
  return [];
}

async function checkPdf(source: ByteSource): Promise<ContentIssue[]> {
  const head = await source.read(0, 5);
  return head.toString('latin1') === '%PDF-'
    ? []
    : [{ code: 'InvalidDocumentFormat', message: 'is not a PDF document (it must start with %PDF-)' }];
}

export async function inspect(spec: KindSpec, source: ByteSource): Promise<ContentIssue[]> {
  if (source.size === 0) return [{ code: 'EmptyFile', message: 'is empty' }];
  const check = spec.check;
  switch (check.kind) {
    case 'zip':
      return checkZip(source, {
        requiredRootFiles: check.requiredRootFiles,
        jsonFiles: check.jsonFiles,
        maxEntryBytes: MAX_ZIP_ENTRY_BYTES,
        maxTotalBytes: 4 * MAX_ZIP_ENTRY_BYTES,
      });
    case 'png':
      return checkPng(source, check.width, check.height);
    case 'pdf':
      return checkPdf(source);
    case 'nonEmpty':
      return [];
  }
}
