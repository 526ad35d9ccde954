/** The files a build reads besides src/, relative to the package root. */
export const BUILD_FILES: readonly string[];
/** The digest of the build's inputs in the package at `root` now. */
export function sourcesDigest(root: string): string;
/** The digest of every file in dist/ of the package at `root` now. */
export function distDigest(root: string): string;
/** Whether dist/ is exactly what the recorded build left, from the same inputs as now. */
export function preparedHolds(root: string): boolean;
/** Records the build just made in the package at `root` from the inputs whose digest was `sources` before it began. */
export function recordPrepared(root: string, sources: string): void;
