import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Files that start no server, change nothing process-wide (environment, console, globals) and
 * leave nothing running: pure functions over data and files, and the CLI run in process
 * (`runCliInProcess`) on configs and lockfiles. They share their workers' module cache
 * (`isolate: false`): each file no longer starts a worker and imports src/, dist/, ajv and the
 * rule families again, about a third of a second of CPU per file. Every other file, and any new
 * one until it is added here, runs in a fresh worker of its own.
 */
const SHARED_MODULES = [
  "test/{architecture,docs,readme,rule-pages-accept}.test.ts",
  "test/canonical/{canonical,same-as-canonicalize}.test.ts",
  "test/cli/{exit-codes,formats-golden,init,templates-io}.test.ts",
  "test/config/{config,import,interpolate,lazy-interpolation,rule-ids,validated-cache,validators-generated}.test.ts",
  "test/core/regex.test.ts",
  "test/diff/{accepts,accepts-witness,corpus,deep-unions,diff,no-clock,patterns,presence,python,records,rules,sameness}.test.ts",
  "test/export/export.test.ts",
  "test/fetch/{meta-validators,validate}.test.ts",
  "test/guard/contract.test.ts",
  "test/hardening/{bad-input,bad-input-files,deep-diff,properties,prototype-names,tampered}.test.ts",
  "test/lockfile/{lockfile,migrate,segments}.test.ts",
  "test/packaging/prepared.test.ts",
  "test/pipeline/{listing,lockfile-input,stages}.test.ts",
  "test/poisoning/{cli,instruction-pretest,invisible-prefilter,memo,scan,surface,words}.test.ts",
  "test/policy/{policy,schema}.test.ts",
  "test/report/{html,junit-schema,large-golden,lazy,marks,merge,reporters,repository-paths,summary-counts,unjudged}.test.ts",
  "test/templates/{catalog-data,check,corpus,docs,front-matter,parse,references,render}.test.ts",
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
