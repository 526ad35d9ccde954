import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Files that start no process or server, change nothing process-wide (environment, console,
 * globals) and leave nothing running: pure functions over data and files. They share their
 * workers' module cache (`isolate: false`): each file no longer starts a worker and imports
 * src/, ajv and the rule families again, about a third of a second of CPU per file. Every other
 * file, and any new one until it is added here, runs in a fresh worker of its own.
 */
const SHARED_MODULES = [
  "test/architecture.test.ts",
  "test/canonical/{canonical,same-as-canonicalize}.test.ts",
  "test/config/{config,import,interpolate,validators-generated}.test.ts",
  "test/core/regex.test.ts",
  "test/diff/{accepts,corpus,deep-unions,diff,no-clock,patterns,python,records,rules,sameness}.test.ts",
  "test/fetch/validate.test.ts",
  "test/guard/contract.test.ts",
  "test/hardening/{deep-diff,properties}.test.ts",
  "test/lockfile/lockfile.test.ts",
  "test/pipeline/stages.test.ts",
  "test/poisoning/{invisible-prefilter,memo,scan,surface}.test.ts",
  "test/policy/{policy,schema}.test.ts",
  "test/report/{html,junit-schema,lazy,reporters}.test.ts",
  "test/templates/{catalog-data,check,corpus,docs,front-matter,references,render}.test.ts",
];

const common = {
  // Tests start real servers and child processes: give them room on a shared 2-core machine.
  testTimeout: 60_000,
  hookTimeout: 60_000,
  // The CLI tests' `check --offline` runs cache results: in a directory of this run, not the user's.
  env: { MCP_CONTRACT_CACHE_DIR: join(tmpdir(), `mcp-contract-test-cache-${process.pid}`) },
};

export default defineConfig({
  test: {
    // Most files wait on child processes and servers, not the CPU: three workers on two cores
    // halve the wall time (224 s → 125 s measured idle); Vitest's default is cores − 1, one worker.
    maxWorkers: 3,
    globalSetup: ["test/global-setup.ts"],
    projects: [
      { test: { ...common, name: "shared-modules", include: SHARED_MODULES, isolate: false } },
      { test: { ...common, name: "isolated", include: ["test/**/*.test.ts"], exclude: SHARED_MODULES } },
    ],
  },
});
