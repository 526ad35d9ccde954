import { join } from "node:path";
import { defineConfig } from "vitest/config";
import { RUN_TMP } from "./test/run-tmp.js";
import { LongFirstSequencer } from "./test/sequencer.js";

/**
 * Files that change nothing process-wide (environment, cwd, console, globals, timers) and leave
 * nothing running: pure functions over data and files, the CLI run in process (`runCliInProcess`),
 * and fetches from servers that the file itself closes again (in its afterEach or afterAll; stdio
 * servers end with their fetch). They share their workers' module cache
 * (`isolate: false`): each file no longer starts a worker and imports src/, dist/, ajv and the
 * rule families again, about a third of a second of CPU per file. Every other file, and any new
 * one until it is added here, runs in a fresh worker of its own.
 */
const SHARED_MODULES = [
  "test/{architecture,docs,readme,rule-pages-accept,rule-pages-examples,sequencer}.test.ts",
  "test/bench/{generate,lock-path,offline-path}.test.ts",
  "test/cache/cache.test.ts",
  "test/canonical/{canonical,canonical-order,same-as-canonicalize}.test.ts",
  "test/cli/{accept-flow,ci-workflow,cli,code-cache,exit-codes,formats-golden,git-source,hot-path,in-process,init,offline-cache,offline-entries,offline-partial,offline-stamp,template-findings-key,templates-io,unconfigured-server}.test.ts",
  "test/config/{config,envfile-secrets,error-annotation,import,import-cli,interpolate,lazy-interpolation,rule-ids,simple-yaml,validated-cache,validators-generated}.test.ts",
  "test/core/{regex,suggest}.test.ts",
  "test/diff/{accepts,accepts-witness,corpus,deep-unions,descriptions,diff,new-rule,no-clock,patterns,presence,python,records,rules,sameness,self-diff,surface-check}.test.ts",
  "test/export/export.test.ts",
  "test/fetch/{cli-signals,definition-secrets,descendants,eras,eras-http,faults,fetch,file,meta-validators,node-fetch,oauth,oauth-login,process-group,proxy,retry-count,server-everything,tls,validate}.test.ts",
  "test/guard/{config-rules,contract,guard,hostile-pattern}.test.ts",
  "test/hardening/{adversarial,atomic-write,bad-input,bad-input-files,concurrent-lock,deep-diff,fault-matrix,header-secrets,properties,prototype-names,secret-echo,secrets,tampered}.test.ts",
  "test/library/{example,exports}.test.ts",
  "test/lockfile/{lockfile,migrate,segments,version2}.test.ts",
  "test/packaging/prepared.test.ts",
  "test/pipeline/{listing,listing-simple,lockfile-input,stages}.test.ts",
  "test/poisoning/{cli,instruction-pretest,invisible-prefilter,memo,scan,scan-prefilter,skeleton-ascii,surface,words}.test.ts",
  "test/policy/{policy,schema}.test.ts",
  "test/report/{html,junit-schema,large-golden,lazy,marks,merge,reporters,repository-paths,summary-counts,surface-formats,unjudged}.test.ts",
  "test/templates/{catalog-data,check,cli,corpus,docs,front-matter,parse,references,render,surface,surface-cli}.test.ts",
  "test/telemetry/traces.test.ts",
];

const common = {
  // Tests start real servers and child processes: give them room on a shared 2-core machine.
  testTimeout: 60_000,
  hookTimeout: 60_000,
  // Temporary files in a directory of this run, removed when it ends (a full run used to leave some
  // 400 directories in /tmp); the CLI tests' `check --offline` runs cache results there too, not in
  // the user's cache.
  env: { TMPDIR: RUN_TMP, MCP_CONTRACT_CACHE_DIR: join(RUN_TMP, "result-cache") },
};

export default defineConfig({
  test: {
    // Most files wait on child processes and servers, not the CPU: three workers on two cores
    // halve the wall time (224 s → 125 s measured idle); Vitest's default is cores − 1, one worker.
    maxWorkers: 3,
    // Vite's transforms of the test files and of src/ (TypeScript to JavaScript) kept on disk
    // between runs (node_modules/.experimental-vitest-cache), keyed on each file's content and
    // Vitest's version and config: a run after the first transforms only what changed (measured
    // on ten test files: 11.0-12.1 s of CPU without, 9.8-10.0 s with).
    experimental: { fsModuleCache: true },
    globalSetup: ["test/global-setup.ts"],
    // The known-long files start first, in a fresh clone too (test/sequencer.ts).
    sequence: { sequencer: LongFirstSequencer },
    projects: [
      { test: { ...common, name: "shared-modules", include: SHARED_MODULES, isolate: false } },
      { test: { ...common, name: "isolated", include: ["test/**/*.test.ts"], exclude: SHARED_MODULES } },
    ],
  },
});
