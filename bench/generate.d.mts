/** Types for bench/generate.mjs (the benchmark workload generator). */
export type Tool = { name: string } & Record<string, unknown>;
export interface Rng {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(list: readonly T[]): T;
  chance(p: number): boolean;
}
export declare const DEFAULT_SEED: number;
export declare const CHANGE_KINDS: readonly string[];
export declare const BREAKING_KINDS: ReadonlySet<string>;
export declare function createRng(seed?: number): Rng;
export declare function generateTool(rng: Rng, name: string): Tool;
export declare function generateTools(count: number, seed?: number): Tool[];
export declare function sortedJson(value: unknown): string;
export declare function lockfileFor(servers: Record<string, Tool[]>): {
  lockfileVersion: 1;
  servers: Record<string, { hash: string; tools: Record<string, { hash: string; definition: Tool }> }>;
};
export declare function generateReferenceRepo(options?: {
  servers?: number;
  tools?: number;
  templates?: number;
  seed?: number;
}): Record<string, string>;
export declare function writeFiles(dir: string, files: Record<string, string>): Promise<void>;
export declare function mutateTool(tool: Tool, kind: string, rng: Rng): Tool;
export declare function generateDiffWorkload(options?: {
  tools?: number;
  changedFraction?: number;
  seed?: number;
}): {
  before: Record<string, Tool>;
  after: Record<string, Tool>;
  changed: Array<{ name: string; kind: string }>;
};
export declare function generateBigToolList(megabytes?: number, seed?: number): Tool[];
export declare function recursiveSchemaPair(): { before: Tool; after: Tool };
export declare function mutuallyRecursiveUnionPair(n?: number): { before: Tool; after: Tool };
