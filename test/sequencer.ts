/**
 * The order test files start in (vitest.config.ts `sequence.sequencer`): the known-long files
 * first, then as Vitest orders them.
 *
 * Vitest starts the files it has timed before longest first, from its results cache
 * (node_modules/.vite/vitest). A fresh clone has no such cache, and Vitest then starts the largest
 * files first, by bytes: test/packaging/pack.test.ts (two npm installs, a clone's full build; the
 * longest file by far) is a small file, and so is test/hardening/deep-diff.test.ts, which then
 * started among the last and ran on alone at the end. Longest first is what packs the files onto
 * the workers best (a long file started late is a tail nobody shares), so the files below, the
 * longest ones of a full run (wall time per file, longest first), start first in every run, cached or
 * not; the rest keep Vitest's order (cached durations, else size). Projects stay as Vitest orders
 * them (isolated, then shared-modules) and contiguous: a shared-modules worker is kept for the
 * next file only when that file is of the same project.
 *
 * test/sequencer.test.ts checks that every file named here exists. A file missing from the list
 * costs nothing but its place; refresh the list from a run's JSON report
 * (`npx vitest run --reporter=json --outputFile=r.json`, files by `endTime - startTime`).
 */
import { relative, sep } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Measured in a full run of a clean clone at fcba381 (per file wall time, s, idle): longest first. */
export const LONG_FIRST: readonly string[] = [
  "test/packaging/pack.test.ts", // 81
  "test/cli/hot-path.test.ts", // 30
  "test/hardening/secrets.test.ts", // 25
  "test/telemetry/traces.test.ts", // 17
  "test/fetch/oauth-login.test.ts", // 16
  "test/cli/shipped-code-cache.test.ts", // 16
  "test/hardening/deep-diff.test.ts", // 12
  "test/cli/cli.test.ts", // 11
  "test/cli/in-process.test.ts", // 10
  "test/hardening/concurrent-lock.test.ts", // 10
  "test/cli/accept-flow.test.ts", // 9
  "test/fetch/faults.test.ts", // 9
  "test/fetch/cli-signals.test.ts", // 9
  "test/cli/code-cache.test.ts", // 7
  "test/cli/offline-head.test.ts", // 7
  "test/hardening/adversarial.test.ts", // 7
  "test/templates/scan.test.ts", // 6
  "test/hardening/fault-matrix.test.ts", // 6
  "test/cli/ci-workflow.test.ts", // 6
  "test/templates/cli.test.ts", // 5
  "test/guard/guard.test.ts", // 5
  "test/cli/offline-cache.test.ts", // 5
  "test/report/surface-formats.test.ts", // 5
  "test/cli/offline-stamp.test.ts", // 5
];

export class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const rank = (spec: TestSpecification): number => {
      const at = LONG_FIRST.indexOf(relative(root, spec.moduleId).split(sep).join("/"));
      return at === -1 ? LONG_FIRST.length : at;
    };
    const projectAt = new Map<string, number>();
    for (const spec of sorted)
      if (!projectAt.has(spec.project.name)) projectAt.set(spec.project.name, projectAt.size);
    const place = new Map(sorted.map((spec, i) => [spec, i]));
    return [...sorted].sort(
      (a, b) =>
        projectAt.get(a.project.name)! - projectAt.get(b.project.name)! ||
        rank(a) - rank(b) ||
        place.get(a)! - place.get(b)!,
    );
  }
}
