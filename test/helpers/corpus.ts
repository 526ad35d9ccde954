// The real-world corpus (fixtures/corpus, copied from the team's shared corpus with its README):
// tests read it from inside the repository, and a missing corpus fails loudly instead of skipping.
import { existsSync } from "node:fs";
import { join } from "node:path";

/** Absolute path of fixtures/corpus. Throws when the corpus is missing, so no test can skip over it. */
export const CORPUS = join(import.meta.dirname, "../../fixtures/corpus");
/** Absolute path of fixtures/corpus/snapshots (one `<pkg>/<version>.json` per published version). */
export const CORPUS_SNAPSHOTS = join(CORPUS, "snapshots");

if (!existsSync(join(CORPUS, "expected.json")) || !existsSync(CORPUS_SNAPSHOTS)) {
  throw new Error(`the real-world corpus is missing at ${CORPUS}: restore fixtures/corpus from git`);
}
