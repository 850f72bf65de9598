import { describe, expect, it } from 'vitest';
import { bufferSource } from '../../../../../shared/catalog/rules/packages/bytes';
import { inspect } from '../../../../../shared/catalog/rules/packages/inspect';
import { ARTIFACT_KINDS, GiB } from '../../../../../shared/catalog/model/artifact-kinds';
import { azureAppPackage, buildZip, pngOf } from '../../../../fixtures/zip';

const codes = async (kind: keyof typeof ARTIFACT_KINDS, bytes: Buffer, chunkSize?: number) =>
  (await inspect(ARTIFACT_KINDS[kind], bufferSource(bytes, chunkSize))).map((i) => [i.code, i.target ?? null]);

const template = (name: string) => ({ name, data: '{"ok":true}' });

describe('azure application packages (spec 4.E)', () => {
  it('accepts a package with mainTemplate.json and createUiDefinition.json in the root, in any chunking', async () => {
    expect(await codes('azureAppPackage', azureAppPackage())).toEqual([]);
    expect(await codes('azureAppPackage', azureAppPackage([{ name: 'nested/script.sh', data: 'echo hi', method: 0 }]), 7)).toEqual([]);
  });

  it('accepts Zip64 end records and a trailing archive comment', async () => {
    expect(
      await codes('azureAppPackage', buildZip([template('mainTemplate.json'), template('createUiDefinition.json')], { zip64: true })),
    ).toEqual([]);
    expect(
      await codes(
        'azureAppPackage',
        buildZip([template('mainTemplate.json'), template('createUiDefinition.json')], { comment: 'built by test' }),
      ),
    ).toEqual([]);
  });

  it.each([
    ['random bytes (4.E 48)', Buffer.from('this is not a zip file at all, just text that goes on for a while'), [['ZipCorrupted', null]]],
    [
      'a valid package truncated by 100 bytes (4.E 49)',
      azureAppPackage().subarray(0, azureAppPackage().length - 100),
      [['ZipCorrupted', null]],
    ],
    [
      'a package without createUiDefinition.json (4.E 50)',
      buildZip([template('mainTemplate.json')]),
      [['PackageMissingRequiredFile', 'createUiDefinition.json']],
    ],
    [
      'both files under app/ instead of the root (4.E 51)',
      buildZip([template('app/mainTemplate.json'), template('app/createUiDefinition.json')]),
      [
        ['PackageMissingRequiredFile', 'mainTemplate.json'],
        ['PackageMissingRequiredFile', 'createUiDefinition.json'],
      ],
    ],
    [
      'an entry declaring 1 GiB + 1 byte uncompressed (4.E 52)',
      azureAppPackage([{ name: 'big.bin', data: Buffer.alloc(16), declaredSize: GiB + 1 }]),
      [['ZipEntryTooLarge', 'big.bin']],
    ],
    ['an entry named ../evil.json (4.E 55)', azureAppPackage([{ name: '../evil.json', data: '{}' }]), [['UnsafeZipEntry', '../evil.json']]],
    ['an absolute entry name', azureAppPackage([{ name: '/etc/passwd', data: 'x' }]), [['UnsafeZipEntry', '/etc/passwd']]],
    [
      'a mainTemplate.json that is not JSON (4.E 56)',
      buildZip([{ name: 'mainTemplate.json', data: '{not json' }, template('createUiDefinition.json')]),
      [['InvalidTemplateJson', 'mainTemplate.json']],
    ],
    [
      'an entry whose CRC-32 does not match',
      azureAppPackage([{ name: 'x.txt', data: 'hello', declaredCrc: 1234 }]),
      [['ZipCorrupted', 'x.txt']],
    ],
    [
      'an entry that inflates past its declared size (a bomb)',
      azureAppPackage([{ name: 'bomb', data: Buffer.alloc(1_000_000), declaredSize: 1000 }]),
      [['ZipCorrupted', 'bomb']],
    ],
    ['the same entry twice', azureAppPackage([template('dup.json'), template('dup.json')]), [['ZipCorrupted', 'dup.json']]],
  ])('refuses %s', async (_case, bytes, expected) => {
    expect(await codes('azureAppPackage', bytes)).toEqual(expected);
  });

  it('refuses a body whose compressed data is cut off inside the archive', async () => {
    const good = azureAppPackage([{ name: 'data.bin', data: Buffer.alloc(5000, 7), method: 0 }]);
    const broken = Buffer.from(good);
    // Overwrite the local header signature of the third entry: the central directory still points at it.
    const at = broken.indexOf(Buffer.from('data.bin')) - 30;
    broken.writeUInt32LE(0, at);
    expect(await codes('azureAppPackage', broken)).toEqual([['ZipCorrupted', 'data.bin']]);
  });

  it('refuses an empty upload (4.E 60)', async () => {
    expect(await codes('azureAppPackage', Buffer.alloc(0))).toEqual([['EmptyFile', null]]);
  });

  it('keeps to stored and deflate entries', async () => {
    const zip = azureAppPackage([{ name: 'a.txt', data: 'abc', method: 0 }]);
    const at = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const lying = Buffer.from(zip);
    lying.writeUInt16LE(12, at + 10); // bzip2 in the central directory
    expect((await codes('azureAppPackage', lying))[0]).toEqual(['UnsupportedZipEntry', 'mainTemplate.json']);
  });
});

describe('what the publisher is told about an image or document', () => {
  const issues = async (kind: keyof typeof ARTIFACT_KINDS, bytes: Buffer) => inspect(ARTIFACT_KINDS[kind], bufferSource(bytes));
  const png = pngOf(48, 48);

  it.each([
    ['a PNG cut off before its size (20 bytes)', png.subarray(0, 20)],
    ['a PNG without its signature', Buffer.concat([Buffer.from('NOTAPNG!'), png.subarray(8)])],
    ['a PNG whose first chunk is not IHDR', Buffer.from(png).fill('X', 12, 16)],
  ])('%s is not a PNG image', async (_case, bytes) => {
    expect(await issues('logoSmall', bytes)).toEqual([{ code: 'InvalidImageFormat', message: 'is not a PNG image' }]);
  });

  it.each([
    ['a small logo of the wrong width', 'logoSmall', pngOf(47, 48), 'is 47×48 pixels; this kind must be 48×48'],
    ['a small logo of the wrong height', 'logoSmall', pngOf(48, 49), 'is 48×49 pixels; this kind must be 48×48'],
    ['a large logo too small', 'logoLarge', pngOf(100, 300), 'is 100×300 pixels; this kind must be 216-350×216-350'],
    ['a screenshot too wide', 'screenshot', pngOf(1281, 720), 'is 1281×720 pixels; this kind must be 1280×720'],
  ] as const)('%s is told the size it must have', async (_case, kind, bytes, message) => {
    expect(await issues(kind, bytes)).toEqual([{ code: 'InvalidImageDimensions', message }]);
  });

  it('a kind limited in width only says any height is fine', async () => {
    const widthOnly = { ...ARTIFACT_KINDS.logoWide, check: { kind: 'png' as const, width: [100, 200] as [number, number] } };
    expect(await inspect(widthOnly, bufferSource(pngOf(300, 50)))).toEqual([
      { code: 'InvalidImageDimensions', message: 'is 300×50 pixels; this kind must be 100-200×any' },
    ]);
  });

  it('a wide logo may have any size', async () => {
    expect(await issues('logoWide', pngOf(1, 5000))).toEqual([]);
  });

  it('a document that is not a PDF is told it must start with %PDF-', async () => {
    expect(await issues('document', Buffer.from('%PDF'))).toEqual([
      { code: 'InvalidDocumentFormat', message: 'is not a PDF document (it must start with %PDF-)' },
    ]);
  });

  it('an empty file is told so, whatever its kind', async () => {
    expect(await issues('logoSmall', Buffer.alloc(0))).toEqual([{ code: 'EmptyFile', message: 'is empty' }]);
  });

  it('a Business Central .app file needs only to be non-empty', async () => {
    expect(await issues('bcExtensionPackage', Buffer.from('any bytes'))).toEqual([]);
    expect(await issues('bcExtensionPackage', Buffer.alloc(0))).toEqual([{ code: 'EmptyFile', message: 'is empty' }]);
  });
});

describe('images and documents', () => {
  it.each([
    ['screenshot', pngOf(1280, 720), []],
    ['screenshot', pngOf(1920, 1080), [['InvalidImageDimensions', null]]],
    ['logoLarge', pngOf(215, 215), [['InvalidImageDimensions', null]]],
    ['logoLarge', pngOf(216, 216), []],
    ['logoLarge', pngOf(350, 350), []],
    ['logoLarge', pngOf(351, 351), [['InvalidImageDimensions', null]]],
    ['logoSmall', Buffer.from('GIF89a not a png at all'), [['InvalidImageFormat', null]]],
    ['document', Buffer.from('%PDF-1.7\n...'), []],
    ['document', Buffer.from('<html>not a pdf</html>'), [['InvalidDocumentFormat', null]]],
  ] as const)('%s %#', async (kind, bytes, expected) => {
    expect(await codes(kind, bytes)).toEqual(expected);
  });
});
