/**
 * Artifact kinds that can be uploaded directly (specs/publish.md 1.7, 2.11.1): accepted content types and file
 * extensions, size limits, and which content check applies. Kinds of 1.7 not listed here (Power BI files,
 * spreadsheets, CSV audiences, Word documents) come with the capabilities that use them.
 */

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export type Check =
  | { kind: 'zip'; requiredRootFiles: readonly string[]; jsonFiles: readonly string[] }
  | { kind: 'png'; width?: [number, number]; height?: [number, number] }
  | { kind: 'pdf' }
  | { kind: 'nonEmpty' };

export interface KindSpec {
  contentTypes: readonly string[];
  extensions: readonly string[];
  maxBytes: number;
  /** The 422 error code when the bytes fail the check. */
  failure: 'InvalidPackage' | 'InvalidImage' | 'InvalidDocument';
  check: Check;
}

const zipTypes = ['application/zip', 'application/x-zip-compressed'] as const;
const png = (width?: [number, number], height?: [number, number]): KindSpec => ({
  contentTypes: ['image/png'],
  extensions: ['.png'],
  maxBytes: 10 * MiB,
  failure: 'InvalidImage',
  check: { kind: 'png', ...(width ? { width } : {}), ...(height ? { height } : {}) },
});
const pdf: KindSpec = {
  contentTypes: ['application/pdf'],
  extensions: ['.pdf'],
  maxBytes: 100 * MiB,
  failure: 'InvalidDocument',
  check: { kind: 'pdf' },
};
const zip = (requiredRootFiles: readonly string[] = []): KindSpec => ({
  contentTypes: zipTypes,
  extensions: ['.zip'],
  // "1 Gb" compressed [L6648]; CHOSEN 2^30 bytes (spec A24). The MAX_ARTIFACT_BYTES setting caps direct uploads below it.
  maxBytes: GiB,
  failure: 'InvalidPackage',
  check: { kind: 'zip', requiredRootFiles, jsonFiles: requiredRootFiles.filter((f) => f.endsWith('.json')) },
});
const app: KindSpec = {
  contentTypes: ['application/octet-stream'],
  extensions: ['.app'],
  maxBytes: GiB,
  failure: 'InvalidPackage',
  check: { kind: 'nonEmpty' },
};

export const ARTIFACT_KINDS = {
  // Azure application package: the root holds mainTemplate.json and createUiDefinition.json [L6641]–[L6644].
  azureAppPackage: zip(['mainTemplate.json', 'createUiDefinition.json']),
  crmPackage: zip(),
  functionalValidation: zip(),
  bcExtensionPackage: app,
  bcLibraryExtensionPackage: app,
  bcAppTestsAutomation: app,
  logoLarge: png([216, 350], [216, 350]),
  logoMedium: png([90, 90], [90, 90]),
  logoSmall: png([48, 48], [48, 48]),
  logoWide: png(),
  logoHero: png(),
  screenshot: png([1280, 1280], [720, 720]),
  videoThumbnail: png([1280, 1280], [720, 720]),
  document: pdf,
  keyUsageScenario: pdf,
} as const satisfies Record<string, KindSpec>;

export type ArtifactKind = keyof typeof ARTIFACT_KINDS;
export const ARTIFACT_KIND_NAMES = Object.keys(ARTIFACT_KINDS) as ArtifactKind[];

/** The largest entry a package may hold uncompressed: "1 Gb" [L6649], CHOSEN 2^30 bytes. */
export const MAX_ZIP_ENTRY_BYTES = GiB;

export function mediaTypeOf(header: string | null): string | undefined {
  const value = header?.split(';')[0]?.trim().toLowerCase();
  return value ? value : undefined;
}
