// Types of scripts/mutation-check.mjs for the TypeScript tests that import it.
export interface Counts {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
}
export declare function folderCounts(report: { files: Record<string, { mutants: { status: string }[] }> }): Record<string, Counts>;
export declare function score(counts: Counts): number;
export declare function check(counts: Record<string, Counts>, floors: Record<string, number>): string[];
