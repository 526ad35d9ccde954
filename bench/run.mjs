// `npm run bench`: measures mcp-contract where users wait, each figure the median of several runs and
// each ratio taken side by side in the same run (shared machines are noisy; ratios are what count).
// Usage: node bench/run.mjs [--quick] [--only precommit,diff,hash,fetch,memory,stress,guard,scale] [--json FILE]
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startEverythingServers } from "./everything-servers.mjs";
import {
  BREAKING_KINDS,
  generateBigToolList,
  generateDiffWorkload,
  generateReferenceRepo,
  mutuallyRecursiveUnionPair,
  recursiveSchemaPair,
  sortedJson,
  unionChainSchema,
  writeFiles,
} from "./generate.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyArg = args[args.indexOf("--only") + 1];
const only = args.includes("--only") && onlyArg ? new Set(onlyArg.split(",")) : undefined;
const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
const wanted = (name) => !only || only.has(name);

// A fresh clone has no dist/: build it (as `npm run build` does), as the CLI and the library are what we measure.
if (!existsSync(join(root, "dist/cli/main.js")) || !existsSync(join(root, "dist/hot.bundle.cjs"))) {
  process.stderr.write("bench: dist/ missing, building first\n");
  for (const argv of [
    [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    [join(root, "scripts/bundle.mjs")],
    [join(root, "scripts/build-id.mjs")],
  ])
    execFileSync(process.execPath, argv, { cwd: root, stdio: "inherit" });
}
const lib = (path) => import(pathToFileURL(join(root, "dist", path)).href);
const { diffTools } = await lib("diff/index.js");
const { hashTool, hashServer, sha256 } = await lib("canonical/index.js");
const { fetchServers } = await lib("fetch/index.js");
const require = createRequire(import.meta.url);
const jsd = require("json-schema-diff");

const rows = [];
const log = (text) => process.stderr.write(`bench: ${text}\n`);

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
const now = () => performance.now();
async function time(fn) {
  const start = now();
  await fn();
  return now() - start;
}
const ms = (v) =>
  v >= 100 ? `${v.toFixed(0)} ms` : v >= 1 ? `${v.toFixed(1)} ms` : `${(v * 1000).toFixed(0)} µs`;
const ratio = (v) => `${v >= 10 ? v.toFixed(0) : v.toFixed(2)}×`;

/** One table row: what, our figure, the baseline, the ratio, the target and whether it is met. */
function row(name, figure, baseline, ratioText, target, met) {
  rows.push({
    name,
    figure,
    baseline,
    ratio: ratioText,
    target,
    met: met === undefined ? "" : met ? "yes" : "NO",
  });
}

function runNode(argv, options = {}) {
  const start = now();
  const result = spawnSync(process.execPath, argv, { encoding: "utf8", ...options });
  const elapsed = now() - start;
  if (result.status !== 0 && !options.allowFail) {
    throw new Error(`node ${argv.join(" ")} exited ${result.status}: ${result.stderr}`);
  }
  return { elapsed, result };
}

/**
 * `runNode` with the CPU time the child itself used (user + system, ms; bench/maxrss.cjs records it
 * on exit): on a loaded machine wall times grow with the load, CPU times much less.
 */
function runNodeCpu(argv, options = {}) {
  const cpuFile = join(tmpdir(), `mcp-contract-bench-cpu-${process.pid}.txt`);
  rmSync(cpuFile, { force: true });
  const env = { ...(options.env ?? process.env), MCP_CONTRACT_BENCH_CPU_FILE: cpuFile };
  const run = runNode(["--require", join(root, "bench/maxrss.cjs"), ...argv], { ...options, env });
  const cpu = Number(readFileSync(cpuFile, "utf8").trim());
  rmSync(cpuFile, { force: true });
  return { ...run, cpu };
}

// 1 + 5: the pre-commit path and its memory.
async function precommit() {
  const dir = await mkdtemp(join(tmpdir(), "mcp-contract-bench-"));
  try {
    await writeFiles(dir, generateReferenceRepo({ servers: 50, tools: 2000, templates: 200 }));
    // A committed repo, as at a pre-commit hook: the check asks git whether the lockfile changed.
    const git = (...argv) => execFileSync("git", argv, { cwd: dir, stdio: "ignore" });
    git("init", "-q");
    git("add", "-A");
    git("-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qm", "reference repo");
    // The result cache lives in the bench's own directory (as node_modules/.cache would in a project).
    const env = { ...process.env, MCP_CONTRACT_CACHE_DIR: join(dir, ".cache") };
    const bin = join(root, "bin/mcp-contract.js");
    const check = [bin, "check", "--offline"];
    // Row 1e's variants of the bin, beside the repository: the hot path unbundled (dist/hot.js and
    // the four files it imports, as tsc wrote them) and the full CLI alone (no hot path), each
    // falling back to the CLI as the bin runs it, from its bundle.
    const aux = join(dir, ".bench");
    await mkdir(aux);
    await mkdir(join(dir, ".cache"));
    const distUrl = (path) => JSON.stringify(pathToFileURL(join(root, "dist", path)).href);
    const binLike = (hot) =>
      `import module from "node:module";\nmodule.enableCompileCache?.();\nlet code;\n${hot ? `try { code = (await import(${distUrl("hot.js")})).runHot(new URL(${distUrl("")})); } catch {}\n` : ""}if (code === undefined) code = await (await import(${distUrl("bundle/main.js")})).main(process.argv.slice(2));\nprocess.exitCode = code;\n`;
    await writeFile(join(aux, "unbundled.mjs"), binLike(true));
    await writeFile(join(aux, "full.mjs"), binLike(false));
    // Stamps younger than a second are never recorded by the hot path: let the files age first.
    await new Promise((done) => setTimeout(done, 1100));
    // Warm-up fills the compile cache, the page cache and the result cache (the hot path's entry
    // too), as any second commit would find them.
    const first = runNode(check, { cwd: dir, env, allowFail: true });
    if (first.result.status !== 0 && first.result.status !== 1) {
      throw new Error(`check --offline failed (${first.result.status}): ${first.result.stderr}`);
    }
    runNode(["-e", "0"]);
    const runs = quick ? 5 : 15;
    /** Alternates `node -e 0` and the check (after `before(i)`), returning medians and the median ratio. */
    const sideBySide = async (argv, before = async () => {}) => {
      const bare = [];
      const ours = [];
      for (let i = 0; i < runs; i++) {
        await before(i);
        bare.push(runNode(["-e", "0"]).elapsed);
        ours.push(runNode(argv, { cwd: dir, env, allowFail: true }).elapsed);
      }
      return { ours: median(ours), bare: median(bare), ratio: median(ours.map((o, i) => o / bare[i])) };
    };
    const addRow = (name, r, target) =>
      row(
        name,
        ms(r.ours),
        `node -e 0: ${ms(r.bare)}`,
        ratio(r.ratio),
        target ? `≤ ${target}×` : "",
        target ? r.ratio <= target : undefined,
      );
    addRow("1. check --offline (50 servers, 2,000 tools, 200 templates)", await sideBySide(check), 1.5);
    if (wanted("precommit")) {
      // 1e: the same warm run through the bundled hot path (the bin), the unbundled one and the full
      // CLI alone, alternated with `node -e 0` in one loop.
      const variants = [
        check,
        [join(aux, "unbundled.mjs"), ...check.slice(1)],
        [join(aux, "full.mjs"), ...check.slice(1)],
      ];
      const times = variants.map(() => []);
      const bare = [];
      for (let i = 0; i < runs; i++) {
        bare.push(runNode(["-e", "0"]).elapsed);
        // Each round in another order: under load, a run's place after `node -e 0` shifts it by ±0.2×.
        for (let k = 0; k < variants.length; k++) {
          const v = (i + k) % variants.length;
          times[v].push(runNode(variants[v], { cwd: dir, env, allowFail: true }).elapsed);
        }
      }
      const [bundled, unbundled, fullCli] = times.map((t) => ({
        ms: median(t),
        ratio: median(t.map((o, i) => o / bare[i])),
      }));
      row(
        "1e. row 1 bundled / unbundled hot path / full CLI alone",
        `${ms(bundled.ms)} / ${ms(unbundled.ms)} / ${ms(fullCli.ms)}`,
        `node -e 0: ${ms(median(bare))}`,
        `${ratio(bundled.ratio)} / ${ratio(unbundled.ratio)} / ${ratio(fullCli.ratio)}`,
        "",
      );
    }
    if (wanted("precommit")) {
      // Targets of issue #20's item 2 (row 1's is item 1's).
      addRow("1b. same, --no-cache (every step computed)", await sideBySide([...check, "--no-cache"]), 4);
      // One template edited before each run: its references and the whole-check result are misses.
      const templatePath = (i) => join(dir, "prompts", `agent_${String(i).padStart(3, "0")}.hbs`);
      addRow(
        "1c. same, one template edited before each run",
        await sideBySide(check, async (i) => {
          const path = templatePath(i);
          await writeFile(
            path,
            `${await readFile(path, "utf8")}Edit ${i}: see {{tool "no_such_tool_${i}"}}.\n`,
          );
        }),
        2.5,
      );
      git("checkout", "--", "prompts");
      // One tool's description edited (as `lock` would write it) before each run: the lockfile now
      // differs from HEAD's, so the history diff runs too; 49 of 50 servers' scans come from the cache.
      const lockPath = join(dir, "mcp-contract.lock.json");
      const original = JSON.parse(await readFile(lockPath, "utf8"));
      addRow(
        "1d. same, one tool edited in the lockfile before each run",
        await sideBySide(check, async (i) => {
          const lock = structuredClone(original);
          const server = Object.keys(lock.servers)[i % 50];
          const entry = lock.servers[server];
          const toolName = Object.keys(entry.tools)[0];
          entry.tools[toolName].definition.description += ` Revised ${i}.`;
          entry.tools[toolName].hash = hashTool(entry.tools[toolName].definition);
          entry.hash = hashServer(Object.values(entry.tools).map((t) => t.hash));
          await writeFile(lockPath, sortedJson(lock));
        }),
        3,
      );
      git("checkout", "--", "mcp-contract.lock.json");
    }
    if (wanted("memory")) {
      const rssFile = join(dir, "rss.txt");
      const rssEnv = { ...env, MCP_CONTRACT_BENCH_RSS_FILE: rssFile };
      const preload = ["--require", join(root, "bench/maxrss.cjs")];
      const peak = async (argv) => {
        await rm(rssFile, { force: true });
        for (let i = 0; i < (quick ? 3 : 5); i++) {
          runNode([...preload, "-e", "0"], { env: rssEnv });
          runNode([...preload, ...argv], { cwd: dir, env: rssEnv, allowFail: true });
        }
        const kib = (await readFile(rssFile, "utf8")).trim().split("\n").map(Number);
        return {
          bare: median(kib.filter((_, i) => i % 2 === 0)) / 1024,
          ours: median(kib.filter((_, i) => i % 2 === 1)) / 1024,
        };
      };
      for (const [name, argv] of [
        ["5. peak RSS of check --offline", check],
        ["5b. peak RSS of check --offline --no-cache", [...check, "--no-cache"]],
      ]) {
        const r = await peak(argv);
        row(
          name,
          `${r.ours.toFixed(0)} MB`,
          `node -e 0: ${r.bare.toFixed(0)} MB`,
          ratio(r.ours / r.bare),
          "≤ 150 MB",
          r.ours <= 150,
        );
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function hasBreaking(changes) {
  return changes.some((c) => c.severity === "breaking");
}

// 2: the diff engine on 10,000 tools, and side by side with json-schema-diff on 100 changed pairs.
async function diff() {
  const { before, after, changed } = generateDiffWorkload({ tools: 10000, changedFraction: 0.1 });
  const runs = quick ? 1 : 3;
  const full = [];
  let changes = [];
  for (let i = 0; i < runs; i++) full.push(await time(() => (changes = diffTools("bench", before, after))));
  const perChanged = median(full) / changed.length;
  // Every breaking kind must be called breaking.
  const flagged = new Set(changes.filter((c) => c.severity === "breaking").map((c) => c.tool));
  const missedKinds = changed.filter((c) => BREAKING_KINDS.has(c.kind) && !flagged.has(c.name));
  row(
    `2a. diff 10,000 tools, ${changed.length} changed (${changes.length} findings)`,
    `${ms(median(full))} total`,
    "",
    `${ms(perChanged)} per changed tool`,
    "",
    undefined,
  );
  if (missedKinds.length > 0) {
    log(
      `generated breaking changes not flagged: ${missedKinds.map((c) => `${c.name}:${c.kind}`).join(", ")}`,
    );
  }

  const pairs = changed.slice(0, 100).map((c) => ({ ...c, a: before[c.name], b: after[c.name] }));
  const jsdRuns = quick ? 1 : 3;
  const ratios = [];
  const oursTimes = [];
  const jsdTimes = [];
  let misses = [];
  let jsdMissed = 0;
  for (let r = 0; r < jsdRuns; r++) {
    const verdicts = [];
    const t1 = await time(() => {
      for (const p of pairs) verdicts.push(diffTools("bench", { [p.name]: p.a }, { [p.name]: p.b }));
    });
    const jsdResults = [];
    const t2 = await time(async () => {
      for (const p of pairs) {
        jsdResults.push(
          await jsd.diffSchemas({ sourceSchema: p.a.inputSchema, destinationSchema: p.b.inputSchema }),
        );
      }
    });
    oursTimes.push(t1);
    jsdTimes.push(t2);
    ratios.push(t2 / t1);
    misses = pairs.filter((_, i) => jsdResults[i].removalsFound && !hasBreaking(verdicts[i]));
    jsdMissed = pairs.filter((p, i) => BREAKING_KINDS.has(p.kind) && !jsdResults[i].removalsFound).length;
  }
  const r = median(ratios);
  row(
    "2b. diff 100 changed tool pairs vs json-schema-diff",
    `${ms(median(oursTimes) / pairs.length)} per pair`,
    `json-schema-diff: ${ms(median(jsdTimes) / pairs.length)} per pair`,
    ratio(r),
    "≥ 100× faster",
    r >= 100,
  );
  row(
    "2c. json-schema-diff narrowings we call non-breaking",
    `${misses.length} of ${pairs.length} pairs`,
    `(json-schema-diff misses ${jsdMissed} of our breaking pairs)`,
    "",
    "0",
    misses.length === 0,
  );
  if (misses.length > 0)
    log(`missed vs json-schema-diff: ${misses.map((p) => `${p.name}:${p.kind}`).join(", ")}`);
}

// 3: canonical JSON + sha256 against JSON.stringify + sha256 of the same 50 MB.
async function hashing() {
  const tools = generateBigToolList(50);
  const bytes = Buffer.byteLength(JSON.stringify(tools));
  const runs = quick ? 3 : 5;
  const ours = [];
  const base = [];
  let serverHash = "";
  for (let i = 0; i < runs; i++) {
    base.push(await time(() => sha256(JSON.stringify(tools))));
    ours.push(await time(() => (serverHash = hashServer(tools.map(hashTool)))));
  }
  if (serverHash.length !== 64) throw new Error("hashServer returned no hash");
  const mbps = (t) => `${(bytes / 1024 / 1024 / (t / 1000)).toFixed(0)} MB/s`;
  const r = median(base.map((b, i) => b / ours[i]));
  row(
    `3. canonicalise + hash ${(bytes / 1024 / 1024).toFixed(0)} MB (${tools.length} tools)`,
    `${ms(median(ours))}, ${mbps(median(ours))}`,
    `JSON.stringify+sha256: ${ms(median(base))}, ${mbps(median(base))}`,
    `${r.toFixed(2)} of baseline throughput`,
    "≥ 0.5",
    r >= 0.5,
  );
}

function startServers(spec) {
  const child = spawn(process.execPath, [join(root, "bench/fetch-servers.mjs"), JSON.stringify(spec)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`fixture servers exited ${code}`)));
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) {
        child.removeAllListeners("exit");
        resolve({ urls: JSON.parse(out), close: () => new Promise((r) => child.on("exit", r).stdin.end()) });
      }
    });
  });
}

/** Rounds of row 4a (the 20 at once, then the slowest alone) run before any is measured. */
const FETCH_WARMUP_ROUNDS = 8;

// 4: 20 HTTP servers at once against the slowest alone; 5,000 tools over 50 pages.
async function fetching() {
  // Servers answer after 50-240 ms, as remote servers do; sizes vary from 20 to 115 tools.
  const specs = Array.from({ length: 20 }, (_, i) => ({ tools: 20 + 5 * i, delayMs: 50 + 10 * i }));
  const servers = await startServers({ servers: [...specs, { tools: 5000, pageSize: 100 }] });
  try {
    const config = (url) => ({ kind: "http", url, transport: "streamable-http", headers: {} });
    const all = Object.fromEntries(specs.map((_, i) => [`s${i}`, config(servers.urls[i])]));
    const slowest = { s19: all.s19 };
    const options = { timeoutMs: 60_000, concurrency: 20, maxPages: 1000, secrets: [] };
    const fetchAll = async (set) => {
      const outcomes = await fetchServers(set, options);
      const failed = outcomes.find((o) => !o.ok);
      if (failed) throw new Error(failed.error.message);
    };
    // Warmed up first, both sides: the fixture process runs every server's SDK code on one event
    // loop, and after a single warm-up round its CPU per round was still falling through the measured
    // rounds (it settles by the eighth), which weighs on the 20 at once (CPU-bound) far more than on
    // one alone (BENCHMARKS.md, 4a).
    for (let i = 0; i < FETCH_WARMUP_ROUNDS; i++) {
      await fetchAll(all);
      await fetchAll(slowest);
    }
    const runs = quick ? 3 : 7;
    const one = [];
    const twenty = [];
    for (let i = 0; i < runs; i++) {
      one.push(await time(() => fetchAll(slowest)));
      twenty.push(await time(() => fetchAll(all)));
    }
    const r = median(twenty.map((t, i) => t / one[i]));
    row(
      "4a. fetch 20 HTTP servers concurrently",
      ms(median(twenty)),
      `slowest alone: ${ms(median(one))}`,
      ratio(r),
      "≤ 1.3×",
      r <= 1.3,
    );
    const big = { big: config(servers.urls[20]) };
    let tools = 0;
    const pages = [];
    for (let i = 0; i < runs; i++) {
      pages.push(
        await time(async () => {
          const [outcome] = await fetchServers(big, options);
          if (!outcome.ok) throw new Error(outcome.error.message);
          tools = outcome.snapshot.tools.length;
        }),
      );
    }
    row(
      "4b. fetch 5,000 tools over 50 pages, one server",
      ms(median(pages)),
      `${tools} tools`,
      "",
      "",
      undefined,
    );
  } finally {
    await servers.close();
  }
  await everything();
}

/** A project directory whose config lists `urls` as Streamable HTTP servers s000, s001, …; returns it. */
async function projectOf(urls) {
  const dir = await mkdtemp(join(tmpdir(), "mcp-contract-bench-lock-"));
  const servers = urls
    .map((url, i) => `  s${String(i).padStart(3, "0")}:\n    url: ${url}\n    transport: streamable-http\n`)
    .join("");
  await writeFile(join(dir, "mcp-contract.yaml"), `servers:\n${servers}`);
  return dir;
}

/** `mcp-contract lock` as a user runs it (a whole process), from no lockfile: the fetch's whole cost. */
function lockRun(dir, extra = []) {
  return lockRunCpu(dir, extra).elapsed;
}

/** `lockRun` with the CPU time the lock process used. */
function lockRunCpu(dir, extra = []) {
  const lockfile = join(dir, "mcp-contract.lock.json");
  rmSync(lockfile, { force: true });
  const { elapsed, result, cpu } = runNodeCpu(
    [join(root, "bin/mcp-contract.js"), "lock", "--quiet", ...extra],
    { cwd: dir, allowFail: true },
  );
  if (result.status !== 0) throw new Error(`lock exited ${result.status}: ${result.stderr}`);
  return { elapsed, cpu };
}

// 4c-4d: `lock` of 20 real server-everything instances (Streamable HTTP, 127.0.0.1) against what
// anyone could write with the official SDK 1.x client (bench/bare-sdk-client.mjs: the same 20 at
// once with Promise.all, listing tools, prompts and resource templates as lock does by default),
// and against one of them alone. Whole processes, alternated.
async function everything() {
  const count = 20;
  const servers = await startEverythingServers(count);
  const dir = await projectOf(servers.urls);
  try {
    const bareArgv = [join(root, "bench/bare-sdk-client.mjs"), ...servers.urls];
    const bareRun = () => {
      const { elapsed, result, cpu } = runNodeCpu(bareArgv);
      const listed = JSON.parse(result.stdout);
      if (listed.length !== count || listed.some((s) => s.tools === 0))
        throw new Error("bare client listed nothing");
      return { elapsed, cpu };
    };
    // Warm-up: the servers' first session, the page cache.
    bareRun();
    lockRun(dir, ["--concurrency", String(count)]);
    const locked = JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8"));
    if (Object.keys(locked.servers).length !== count) throw new Error("lock did not lock every server");
    const runs = quick ? 3 : 7;
    const bare = [];
    const ours = [];
    const single = [];
    for (let i = 0; i < runs; i++) {
      bare.push(bareRun());
      ours.push(lockRunCpu(dir, ["--concurrency", String(count)]));
      single.push(lockRunCpu(dir, ["--server", `s${String(i % count).padStart(3, "0")}`]));
    }
    const wall = (list) => list.map((r) => r.elapsed);
    const cpu = (list) => list.map((r) => r.cpu);
    const vsBare = median(ours.map((o, i) => o.elapsed / bare[i].elapsed));
    const cpuVsBare = median(ours.map((o, i) => o.cpu / bare[i].cpu));
    const vsSingle = median(ours.map((o, i) => o.elapsed / single[i].elapsed));
    row(
      "4c. lock 20 server-everything over Streamable HTTP (--concurrency 20) vs bare SDK 1.x client",
      `${ms(median(wall(ours)))} (CPU ${ms(median(cpu(ours)))})`,
      `bare SDK client, Promise.all: ${ms(median(wall(bare)))} (CPU ${ms(median(cpu(bare)))})`,
      `${ratio(vsBare)} (CPU ${ratio(cpuVsBare)})`,
      "≤ 1.0×",
      vsBare <= 1.0,
    );
    row(
      "4d. same lock vs one of those servers locked alone",
      ms(median(wall(ours))),
      `one server: ${ms(median(wall(single)))} (CPU ${ms(median(cpu(single)))})`,
      ratio(vsSingle),
      "≤ 1.3×",
      vsSingle <= 1.3,
    );
  } finally {
    await servers.close();
    await rm(dir, { recursive: true, force: true });
  }
}

// 8a-8c: scale. `lock` of a fleet of 200 fixture servers (one process hosting 200 Streamable HTTP
// endpoints on 127.0.0.1) against 20 of them, per server, at concurrency 16; `merge` of 100 shard
// reports of 50 servers each; peak RSS of `check --offline --no-cache` on a 50 MB tool list.
async function scale() {
  const fleet = Array.from({ length: 200 }, (_, i) => ({ tools: 10 + (i % 20), delayMs: 20 + (i % 5) * 10 }));
  const servers = await startServers({ servers: fleet });
  const big = await projectOf(servers.urls);
  const small = await projectOf(servers.urls.slice(0, 20));
  try {
    const flags = ["--concurrency", "16"];
    lockRun(small, flags);
    lockRun(big, flags);
    const runs = quick ? 2 : 4;
    const ratios = [];
    const perBig = [];
    const perSmall = [];
    for (let i = 0; i < runs; i++) {
      const t20 = lockRun(small, flags) / 20;
      const t200 = lockRun(big, flags) / 200;
      perSmall.push(t20);
      perBig.push(t200);
      ratios.push(t200 / t20);
    }
    const r = median(ratios);
    row(
      "8a. lock 200 fixture servers (--concurrency 16), wall per server, vs 20 of them",
      `${ms(median(perBig))} per server (${ms(median(perBig) * 200)} in all)`,
      `20 servers: ${ms(median(perSmall))} per server`,
      ratio(r),
      "≤ 2×",
      r <= 2,
    );
  } finally {
    await servers.close();
    await rm(big, { recursive: true, force: true });
    await rm(small, { recursive: true, force: true });
  }
  await mergeShards();
  await bigToolListMemory();
}

async function mergeShards() {
  const { createReport, toReportJson } = await lib("core/report.js");
  const { applyPolicy } = await lib("policy/policy.js");
  const dir = await mkdtemp(join(tmpdir(), "mcp-contract-bench-merge-"));
  try {
    // One server's changes (40 tools, every fourth changed), renamed for each of 5,000 servers.
    const { before, after } = generateDiffWorkload({ tools: 40, changedFraction: 0.25 });
    const template = diffTools("server", before, after);
    const shards = 100;
    const perShard = 50;
    const files = [];
    let total = 0;
    for (let k = 0; k < shards; k++) {
      const names = Array.from(
        { length: perShard },
        (_, i) => `srv${String(k * perShard + i).padStart(4, "0")}`,
      );
      const changes = names.flatMap((server) => template.map((c) => ({ ...c, server })));
      total += changes.length;
      const reported = applyPolicy(changes, { rules: {}, acknowledgements: [], now: new Date(0) });
      const report = createReport({
        changes: reported,
        servers: names,
        shard: { index: k + 1, total: shards },
      });
      const file = join(dir, `shard-${k + 1}.json`);
      await writeFile(file, JSON.stringify(toReportJson(report)));
      files.push(file);
    }
    const out = join(dir, "merged.json");
    const mergeRun = () => {
      const { elapsed, result, cpu } = runNodeCpu(
        [join(root, "bin/mcp-contract.js"), "merge", ...files, "--format", "json", "--output", out],
        { allowFail: true },
      );
      if (result.status !== 0 && result.status !== 1)
        throw new Error(`merge exited ${result.status}: ${result.stderr}`);
      return { elapsed, cpu };
    };
    mergeRun();
    const merged = JSON.parse(readFileSync(out, "utf8"));
    if (merged.servers.length !== shards * perShard || merged.changes.length !== total)
      throw new Error(
        `merge lost servers or changes (${merged.servers.length}, ${merged.changes.length} of ${total})`,
      );
    const runsOf = [];
    for (let i = 0; i < (quick ? 3 : 5); i++) runsOf.push(mergeRun());
    const t = median(runsOf.map((r) => r.elapsed));
    row(
      `8b. merge 100 shard reports of 50 servers each (${total} changes)`,
      `${ms(t)} (CPU ${ms(median(runsOf.map((r) => r.cpu)))})`,
      "",
      "",
      "< 1 s",
      t < 1000,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function bigToolListMemory() {
  const { lockTools } = await lib("lockfile/build.js");
  const { serializeLockfile } = await lib("lockfile/io.js");
  const dir = await mkdtemp(join(tmpdir(), "mcp-contract-bench-rss-"));
  try {
    const tools = generateBigToolList(50);
    const listBytes = Buffer.byteLength(JSON.stringify(tools));
    await writeFile(join(dir, "mcp-contract.lock.json"), serializeLockfile(lockTools("big", tools)));
    await writeFile(join(dir, "mcp-contract.yaml"), "servers:\n  big:\n    command: node\n");
    const rssFile = join(dir, "rss.txt");
    const env = {
      ...process.env,
      MCP_CONTRACT_BENCH_RSS_FILE: rssFile,
      MCP_CONTRACT_CACHE_DIR: join(dir, ".cache"),
    };
    const preload = ["--require", join(root, "bench/maxrss.cjs")];
    for (let i = 0; i < (quick ? 2 : 3); i++) {
      runNode([...preload, "-e", "0"], { env });
      runNode([...preload, join(root, "bin/mcp-contract.js"), "check", "--offline", "--no-cache"], {
        cwd: dir,
        env,
        allowFail: true,
      });
    }
    const kib = readFileSync(rssFile, "utf8").trim().split("\n").map(Number);
    const bare = median(kib.filter((_, i) => i % 2 === 0)) / 1024;
    const ours = median(kib.filter((_, i) => i % 2 === 1)) / 1024;
    row(
      `8c. peak RSS of check --offline --no-cache, one server of ${tools.length} tools (${(listBytes / 1024 / 1024).toFixed(0)} MB tool list)`,
      `${ours.toFixed(0)} MB`,
      `node -e 0: ${bare.toFixed(0)} MB`,
      ratio(ours / bare),
      "≤ 400 MB",
      ours <= 400,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const JSD_LIMIT_MS = 60_000;

/** json-schema-diff in a child with a time limit: { elapsedMs, removalsFound } or undefined. */
async function jsdInChild(source, destination) {
  const dir = await mkdtemp(join(tmpdir(), "mcp-contract-bench-jsd-"));
  try {
    await writeFile(join(dir, "a.json"), JSON.stringify(source));
    await writeFile(join(dir, "b.json"), JSON.stringify(destination));
    const { result } = runNode(
      [join(root, "bench/jsd-child.mjs"), join(dir, "a.json"), join(dir, "b.json")],
      {
        allowFail: true,
        timeout: JSD_LIMIT_MS,
      },
    );
    if (result.status !== 0) {
      log(
        `json-schema-diff: ${result.signal ? `killed after ${JSD_LIMIT_MS / 1000} s` : (result.stderr.split("\n").find((l) => /Error/.test(l)) ?? "failed").trim()}`,
      );
      return undefined;
    }
    return JSON.parse(result.stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// 6: time to verdict on recursive schemas and on json-schema-diff's own stress fixtures.
async function stress() {
  const runs = quick ? 3 : 7;
  const cases = [
    ["recursive tree schema", recursiveSchemaPair()],
    ["12 mutually recursive unions", mutuallyRecursiveUnionPair(12)],
  ];
  const fixtures = join(dirname(require.resolve("json-schema-diff/package.json")), "test/e2e/fixtures");
  const readJson = (name) => JSON.parse(readFileSync(join(fixtures, name), "utf8"));
  if (existsSync(join(fixtures, "cpu-intensive-source.json"))) {
    const tool = (schema) => ({ name: "stress", inputSchema: schema });
    cases.push([
      "json-schema-diff cpu-intensive fixture",
      {
        before: tool(readJson("cpu-intensive-source.json")),
        after: tool(readJson("cpu-intensive-destination.json")),
      },
    ]);
    const memory = readJson("memory-intensive-schema.json");
    cases.push(["json-schema-diff memory-intensive fixture", { before: tool(memory), after: tool(memory) }]);
  }
  for (const [name, pair] of cases) {
    const times = [];
    let changes = [];
    for (let i = 0; i < runs; i++) {
      times.push(
        await time(
          () =>
            (changes = diffTools(
              "bench",
              { [pair.before.name]: pair.before },
              { [pair.after.name]: pair.after },
            )),
        ),
      );
    }
    const jsdRun = await jsdInChild(pair.before.inputSchema, pair.after.inputSchema);
    const jsdTime = jsdRun?.elapsedMs ?? Number.NaN;
    row(
      `6. ${name}`,
      `${ms(median(times))} (${hasBreaking(changes) ? "breaking" : changes.length > 0 ? "non-breaking" : "no changes"})`,
      Number.isNaN(jsdTime) ? `json-schema-diff: no verdict` : `json-schema-diff: ${ms(jsdTime)}`,
      Number.isNaN(jsdTime) ? "" : ratio(jsdTime / median(times)),
      "finite, no blow-up",
      median(times) < 1000,
    );
  }
}

/** 6b: accepts() both ways on union chains 5 to 40 links deep (`unionChainSchema`), string leaf against boolean and a shorter string. */
async function acceptsStress() {
  const { accepts } = await lib("diff/accepts.js");
  const runs = quick ? 1 : 3;
  const pairs = [];
  for (const n of [5, 10, 20, 40])
    for (const leaf of [{ type: "boolean" }, { type: "string", maxLength: 3 }])
      pairs.push([unionChainSchema(n, { type: "string" }), unionChainSchema(n, leaf)]);
  const times = [];
  let verdicts = [];
  for (let i = 0; i < runs; i++) {
    verdicts = [];
    times.push(
      await time(() => {
        for (const [a, b] of pairs) verdicts.push(accepts(a, b).verdict, accepts(b, a).verdict);
      }),
    );
  }
  const perQuestion = median(times) / (pairs.length * 2);
  const counts = new Map();
  for (const v of verdicts) counts.set(v, (counts.get(v) ?? 0) + 1);
  row(
    `6b. accepts() on union chains 5-40 links deep (${pairs.length * 2} questions)`,
    `${ms(median(times))} total, ${ms(perQuestion)} per question`,
    `verdicts: ${[...counts].map(([v, c]) => `${c} ${v}`).join(", ")}`,
    "",
    "< 100 ms per question",
    perQuestion < 100,
  );
}

/** A tool of ten parameters, of the kinds tools declare (the guard's per-call figure is for it). */
const GUARD_TOOL = {
  name: "create_ticket",
  description: "Open a support ticket.",
  inputSchema: {
    type: "object",
    properties: {
      customer_email: { type: "string", format: "email", maxLength: 254 },
      subject: { type: "string", minLength: 1, maxLength: 200 },
      body: { type: "string" },
      priority: { enum: ["low", "normal", "high", "urgent"] },
      team_id: { type: "integer", minimum: 1 },
      due_in_hours: { type: "number", exclusiveMinimum: 0 },
      notify: { type: "boolean" },
      tags: { type: "array", items: { type: "string" }, maxItems: 10 },
      channel: { type: "string", enum: ["email", "chat", "phone"] },
      metadata: { type: "object", properties: { source: { type: "string" } } },
    },
    required: ["customer_email", "subject", "priority"],
  },
};
const GUARD_ARGS = {
  customer_email: "ada@example.com",
  subject: "Cannot log in",
  body: "Since this morning.",
  priority: "high",
  team_id: 7,
  due_in_hours: 4,
  notify: true,
  tags: ["login", "sso"],
  channel: "email",
  metadata: { source: "agent" },
};

async function guard() {
  const { compileToolContract, guardClient } = await lib("guard/index.js");
  const { lockTools } = await lib("lockfile/build.js");
  // The validation alone: the tool compiled once, then one check per call.
  const compileStart = now();
  const contract = compileToolContract(GUARD_TOOL);
  contract.checkArguments(GUARD_ARGS);
  const compileMs = now() - compileStart;
  // A further tool: the ajv instance exists, only this tool's schema is compiled.
  const nextStart = now();
  compileToolContract({
    ...GUARD_TOOL,
    name: "next",
    inputSchema: { ...GUARD_TOOL.inputSchema, title: "next" },
  }).checkArguments(GUARD_ARGS);
  const nextMs = now() - nextStart;
  if (contract.checkArguments(GUARD_ARGS).length !== 0) throw new Error("the bench arguments are invalid");
  if (contract.checkArguments({ ...GUARD_ARGS, customeremail: "x" }).length !== 1)
    throw new Error("the guard accepted an unknown parameter");
  const calls = quick ? 20_000 : 100_000;
  for (let i = 0; i < calls; i++) contract.checkArguments(GUARD_ARGS);
  const perCall = [];
  for (let round = 0; round < (quick ? 3 : 7); round++) {
    const start = now();
    for (let i = 0; i < calls; i++) contract.checkArguments(GUARD_ARGS);
    perCall.push(((now() - start) * 1000) / calls);
  }
  const us = median(perCall);
  row(
    "7a. guard: validate one call to a 10-parameter tool (compiled once)",
    `${us.toFixed(2)} µs per call (compiled once: first tool ${ms(compileMs)}, each further ${ms(nextMs)})`,
    "",
    "",
    "≤ 20 µs",
    us <= 20,
  );

  // The whole guarded callTool against a bare one: an SDK 1.x client and server in this process,
  // linked in memory (no network, so what remains is the SDK's own cost and the guard's).
  const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
  const { Server } = await import("@modelcontextprotocol/sdk/server/index.js");
  const { InMemoryTransport } = await import("@modelcontextprotocol/sdk/inMemory.js");
  const { CallToolRequestSchema, ListToolsRequestSchema } = await import(
    "@modelcontextprotocol/sdk/types.js"
  );
  const server = new Server({ name: "bench", version: "1.0.0" }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [GUARD_TOOL] }));
  server.setRequestHandler(CallToolRequestSchema, () => ({ content: [{ type: "text", text: "ok" }] }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "bench", version: "1.0.0" });
  await client.connect(clientSide);
  const guarded = guardClient(client, { lockfile: lockTools("crm", [GUARD_TOOL]), server: "crm" });
  const params = { name: GUARD_TOOL.name, arguments: GUARD_ARGS };
  const batch = quick ? 200 : 500;
  const perBatch = async (call) => {
    const start = now();
    for (let i = 0; i < batch; i++) await call(params);
    return ((now() - start) * 1000) / batch;
  };
  await perBatch((p) => guarded.callTool(p)); // warm-up: the first call lists the tools
  await perBatch((p) => client.callTool(p));
  const bare = [];
  const wrapped = [];
  // Short batches, alternated many times: the load of a shared machine moves both alike.
  for (let round = 0; round < (quick ? 10 : 40); round++) {
    bare.push(await perBatch((p) => client.callTool(p)));
    wrapped.push(await perBatch((p) => guarded.callTool(p)));
  }
  await client.close();
  const added = median(wrapped.map((w, i) => w - bare[i]));
  row(
    "7b. guarded callTool, SDK 1.x client and server in memory",
    `${median(wrapped).toFixed(1)} µs per call (${added >= 0 ? "+" : ""}${added.toFixed(1)} µs)`,
    `bare callTool: ${median(bare).toFixed(1)} µs`,
    ratio(median(wrapped.map((w, i) => w / bare[i]))),
    "",
    undefined,
  );
}

const started = now();
for (const [name, fn] of [
  ["precommit", precommit],
  ["diff", diff],
  ["hash", hashing],
  ["fetch", fetching],
  ["stress", stress],
  ["stress", acceptsStress],
  ["guard", guard],
  ["scale", scale],
]) {
  if (!wanted(name) && !(name === "precommit" && wanted("memory"))) continue;
  log(`${name}...`);
  await fn();
}

const machine = `${cpus().length} CPUs (${cpus()[0]?.model ?? "unknown"}), ${(totalmem() / 1024 ** 3).toFixed(0)} GB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
const header = ["benchmark", "mcp-contract", "baseline", "ratio", "target", "met"];
const table = [
  header,
  header.map(() => "---"),
  ...rows.map((r) => [r.name, r.figure, r.baseline, r.ratio, r.target, r.met]),
];
process.stdout.write(`${table.map((cells) => `| ${cells.join(" | ")} |`).join("\n")}\n\n`);
process.stdout.write(
  `Machine: ${machine}. Medians of ${quick ? "quick" : "full"} runs; ${((now() - started) / 1000).toFixed(0)} s in all.\n`,
);
if (jsonOut) await writeFile(jsonOut, `${JSON.stringify({ machine, rows }, null, 2)}\n`);
