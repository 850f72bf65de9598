// Types of scripts/run-built.mjs for the TypeScript tests that import it.
export declare const STAMP: string;
export declare const NO_BUILD: string;
export declare function buildFolders(root: string): string[];
export declare function orphans(root: string): string[];
export declare function staleReason(root: string, stampFile?: string): string | undefined;
export declare function build(root: string): boolean;
