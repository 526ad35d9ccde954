// The pre-commit hot path (src/hot.ts, bundled into dist/hot.bundle.cjs) answers a warm
// `check --offline` with what an identical full run printed. These runs prove it answers byte for
// byte as the full CLI does (stdout, stderr, exit code, for each format it serves) and never
// answers once anything that run read has changed: the config, the lockfile, git's HEAD, a
// template (edited, added, removed, renamed, added in a new directory), the acknowledgements file
// (and the passing of an expiry time), the environment, the working directory, the flags.
// Whether the bundle answered is read from the modules the process loaded. Nothing waits for the
// clock: every process runs with its clock ahead of the machine's (test/helpers/clock-ahead.mjs),
// past the second a stamp must age before it is recorded, or past an expiry time.
import { mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateReferenceRepo, writeFiles } from "../../bench/generate.mjs";
import { RACY_MS } from "../../src/cache/stamp.js";
import { hashServer } from "../../src/canonical/index.js";
import type { Lockfile } from "../../src/core/lockfile.js";
import { hotArguments, hotTarget, KEY_VARIABLES, offlineBundleServes } from "../../src/hot.js";
import { serializeLockfile } from "../../src/lockfile/io.js";
import { binPath, repoRoot, runCliInProcess, runProcess } from "../helpers/cli.js";
import { git as gitIn } from "../helpers/git.js";

let dir: string;
let outside: string;
let cacheDir: string;
let traceFile: string;
let fullScript: string;
const traceHooks = join(repoRoot, "test", "helpers", "trace-imports.mjs");
const clockAhead = join(repoRoot, "test", "helpers", "clock-ahead.mjs");
/** git in the test repository. */
const git = (...args: string[]) => gitIn(dir, ...args);
// Stamps younger than a second are never recorded (coarse file-system clocks): each process's clock
// runs this far ahead, so what the test wrote before starting it is old enough to be recorded.
const SETTLED_MS = RACY_MS + 100;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hot-path-"));
  // Outside the repository, as node_modules/.cache is beside it: creating them changes no directory the check reads.
  outside = await mkdtemp(join(tmpdir(), "hot-path-outside-"));
  cacheDir = join(outside, "cache");
  traceFile = join(outside, "trace");
  await writeFiles(dir, generateReferenceRepo({ servers: 3, tools: 30, templates: 8 }));
  // One template that fails the run (exit 1), so both exit codes are recorded and replayed.
  await writeFile(join(dir, "prompts", "broken.hbs"), 'Use {{tool "server_00/no_such_tool"}} now.\n');
  git("init", "-q");
  git("add", "-A");
  git("commit", "-qm", "one");
  // The full CLI as the bin runs it, without asking the hot path first.
  fullScript = join(outside, "full.mjs");
  await writeFile(
    fullScript,
    `import module from "node:module";\nmodule.enableCompileCache?.();\nconst { main } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, "dist", "cli", "main.js")).href)});\nprocess.exitCode = await main(process.argv.slice(2));\n`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

/** The environment of every run: this process's without colour, CI or trace variables, then `env`. */
function runEnv(env: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const base: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(process.env))
    if (!name.startsWith("OTEL_") && !(KEY_VARIABLES as readonly string[]).includes(name)) base[name] = value;
  return {
    ...base,
    HOME: process.env.HOME,
    NO_COLOR: "1",
    MCP_CONTRACT_CACHE_DIR: cacheDir,
    MCP_CONTRACT_TRACE_FILE: traceFile,
    ...env,
  };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /**
   * Whether the bundle answered alone (the full CLI, or its bundle for `check`, was not loaded,
   * nor, on Node 20, the offline check's compiled bundle).
   */
  hot: boolean;
}

/** Runs `script` with its clock `aheadMs` ahead of the machine's (not a variable the hot path keys on). */
async function run(
  script: string,
  args: string[],
  cwd: string,
  env: Record<string, string | undefined>,
  aheadMs = SETTLED_MS,
) {
  await writeFile(traceFile, "");
  const result = await runProcess(
    process.execPath,
    ["--import", clockAhead, "--import", traceHooks, script, ...args],
    { cwd, env: { ...runEnv(env), TEST_CLOCK_AHEAD_MS: String(aheadMs) } },
  );
  const loaded = (await readFile(traceFile, "utf8")).split("\n");
  const hot =
    loaded.some((url) => url.endsWith("/dist/hot.bundle.cjs")) &&
    !loaded.some((url) =>
      /\/dist\/(cli\/main|bundle\/(check-)?main)\.js$|\/dist\/bundle\/check-offline\.cjs#/.test(url),
    );
  return { code: result.code, stdout: result.stdout, stderr: result.stderr, hot };
}

interface BinOptions {
  cwd?: string;
  env?: Record<string, string>;
  aheadMs?: number;
}
/** `mcp-contract ARGS` through the bin (the hot path first). */
const bin = (args: string[], { cwd = dir, env = {}, aheadMs }: BinOptions = {}) =>
  run(binPath, args, cwd, env, aheadMs);
/** The same through the full CLI alone, in a process of its own as the bin would run it. */
const fullProcess = (args: string[], aheadMs?: number) => run(fullScript, args, dir, {}, aheadMs);
/** The same through the full CLI alone, in this process (test/helpers/cli.ts: the same output, faster). */
const full = (args: string[], { cwd = dir, env = {} }: { cwd?: string; env?: Record<string, string> } = {}) =>
  runCliInProcess(args, { cwd, env: runEnv(env) });

const output = (r: Omit<Run, "hot">) => ({ code: r.code, stdout: r.stdout, stderr: r.stderr });
const CHECK = ["check", "--offline"];

/**
 * After `change` (the bin's clock a second ahead, so its run may record), the bin's first run is
 * the full CLI's answer, never the old one; the second is the bundle's, the same bytes. Returns it.
 */
async function follows(
  change: () => Promise<unknown>,
  args = CHECK,
  options: { cwd?: string; recorded?: boolean; aheadMs?: number } = {},
) {
  await change();
  const first = await bin(args, options);
  expect(first.hot).toBe(false);
  const truth = output(await full(args, options));
  expect(output(first)).toEqual(truth);
  const again = await bin(args, options);
  // A run that ended without a report (exit 2) is never recorded.
  expect(again.hot).toBe(options.recorded !== false);
  expect(output(again)).toEqual(truth);
  return { after: truth };
}

describe("the hot path", () => {
  it("answers a warm check --offline alone, byte for byte as the full CLI, in each format it serves", async () => {
    const variants = [
      CHECK,
      [...CHECK, "--format", "json"],
      [...CHECK, "-f", "markdown", "--fail-on", "warning", "--verbose"],
      [...CHECK, "--format=json", "--fail-on=never", "-q"],
    ];
    const codes = new Set<number | null>();
    for (const args of variants) {
      // The first is the full CLI's answer in the bin's process (the bundle missed), the second the bundle's.
      const first = await bin(args);
      expect(first.hot).toBe(false);
      const second = await bin(args);
      expect(second.hot).toBe(true);
      const truth = output(await full(args));
      expect(output(first)).toEqual(truth);
      expect(output(second)).toEqual(truth);
      codes.add(truth.code);
      if (args === CHECK)
        expect(second.stdout).toContain("prompts/broken.hbs:1:13 server `server_00` has no tool");
    }
    expect([...codes].sort()).toEqual([0, 1]);
    // One entry per command line, each holding its own output.
    const entries = (await readdir(join(cacheDir, "hot"), { recursive: true })).filter((f) =>
      f.endsWith(".json"),
    );
    expect(entries).toHaveLength(variants.length);
  });

  it("follows the config", async () => {
    const path = join(dir, "mcp-contract.yaml");
    const text = await readFile(path, "utf8");
    expect((await full(CHECK)).code).toBe(1);
    const { after } = await follows(() =>
      writeFile(path, `${text}rules:\n  template-unknown-tool: warning\n`),
    );
    expect(after.code).toBe(0);
    expect(after.stdout).toContain("warning  prompts/broken.hbs:1:13");
    await follows(() => writeFile(path, text));
  });

  it("follows the lockfile, and git's HEAD", async () => {
    const path = join(dir, "mcp-contract.lock.json");
    const text = await readFile(path, "utf8");
    // A description edited by hand: its recorded hash no longer matches.
    const edited = text.replace(/"description": "/, '"description": "Edited. ');
    expect(edited).not.toBe(text);
    const { after } = await follows(() => writeFile(path, edited));
    expect(after.stdout).toContain("lockfile-tampered");
    // Committed: HEAD moves under the same lockfile (no history to diff any more).
    await follows(async () => git("commit", "-qam", "two"));
    await follows(async () => git("reset", "-q", "--soft", "HEAD~1"));
    await follows(() => writeFile(path, text));
  });

  it("follows git's HEAD of the repository git finds from the lockfile's real directory", async () => {
    // Through a --config path with a link into a subdirectory of another repository: the
    // directories above the link belong to an outer one, whose HEAD does not move with the
    // lockfile's (git looks up from the real path).
    const root = await mkdtemp(join(tmpdir(), "hot-path-link-"));
    try {
      const outer = join(root, "outer");
      await mkdir(outer);
      gitIn(outer, "init", "-q");
      gitIn(outer, "commit", "-q", "--allow-empty", "-m", "outer");
      const real = join(root, "real");
      await writeFiles(join(real, "proj"), generateReferenceRepo({ servers: 2, tools: 10, templates: 4 }));
      gitIn(real, "init", "-q");
      gitIn(real, "add", "-A");
      gitIn(real, "commit", "-qm", "one");
      await symlink(join(real, "proj"), join(outer, "link"));
      const args = [...CHECK, "--config", join(outer, "link", "mcp-contract.yaml")];
      const lockfile = join(outer, "link", "mcp-contract.lock.json");
      const text = await readFile(lockfile, "utf8");
      const edited = text.replace(/"description": "/, '"description": "Edited. ');
      const { after } = await follows(() => writeFile(lockfile, edited), args, { cwd: root });
      expect(after.stdout).toContain("lockfile-tampered");
      // Committed in the lockfile's repository: its HEAD moves, the outer one's does not.
      await follows(async () => gitIn(real, "commit", "-qam", "two"), args, { cwd: root });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("follows git's HEAD of the repository above a `.git` directory git passes over", async () => {
    // A `.git` directory with a HEAD and a branch but no objects (damaged, or half copied) is no
    // repository to git, which uses the one above: HEAD moving there (a reset that leaves the
    // lockfile as it is) must not be answered from a run that read the fake HEAD's files.
    const root = await mkdtemp(join(tmpdir(), "hot-path-fake-git-"));
    try {
      const proj = join(root, "proj");
      await writeFiles(proj, generateReferenceRepo({ servers: 2, tools: 10, templates: 4 }));
      gitIn(root, "init", "-q");
      gitIn(root, "add", "-A");
      gitIn(root, "commit", "-qm", "one");
      // A tool a template uses removed from the lockfile, and committed.
      const lockfile = join(proj, "mcp-contract.lock.json");
      const lock = JSON.parse(await readFile(lockfile, "utf8")) as Lockfile;
      const template = await readFile(join(proj, "prompts", "agent_000.hbs"), "utf8");
      const [, server, tool] = /\{\{#tool "([^/"]+)\/([^"]+)"\}\}/.exec(template)!;
      const entry = lock.servers[server!]!;
      delete entry.tools[tool!];
      entry.hash = hashServer(Object.values(entry.tools).map((t) => t.hash));
      await writeFile(lockfile, serializeLockfile(lock));
      await writeFiles(join(proj, ".git"), {
        HEAD: "ref: refs/heads/main\n",
        "refs/heads/main": `${"1".repeat(40)}\n`,
        config: "[core]\n\trepositoryformatversion = 0\n",
      });
      expect(gitIn(proj, "rev-parse", "--show-toplevel").trim()).toBe(root);
      const options = { cwd: proj, recorded: false };
      const { after: equal } = await follows(
        async () => gitIn(root, "commit", "-qam", "two"),
        CHECK,
        options,
      );
      expect(equal.stdout).not.toContain("template-affected");
      // HEAD back to the commit that had the tool: the lockfile now removes it.
      const { after } = await follows(
        async () => gitIn(root, "reset", "-q", "--soft", "HEAD~1"),
        CHECK,
        options,
      );
      expect(after.stdout).toContain("template-affected");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("follows templates edited, added in a new directory, renamed and removed", async () => {
    const prompts = join(dir, "prompts");
    const original = await readFile(join(prompts, "agent_003.hbs"), "utf8");
    let r = await follows(() =>
      writeFile(join(prompts, "agent_003.hbs"), `${original}And {{tool "server_01/gone_tool"}}.\n`),
    );
    expect(r.after.stdout).toContain("prompts/agent_003.hbs");
    await follows(() => writeFile(join(prompts, "agent_003.hbs"), original));
    r = await follows(async () => {
      await mkdir(join(prompts, "team", "deep"), { recursive: true });
      await writeFile(join(prompts, "team", "deep", "added.hbs"), 'See {{tool "server_02/added_tool"}}.\n');
    });
    expect(r.after.stdout).toContain("prompts/team/deep/added.hbs:1:");
    r = await follows(() =>
      rename(join(prompts, "team", "deep", "added.hbs"), join(prompts, "team", "deep", "renamed.hbs")),
    );
    expect(r.after.stdout).toContain("prompts/team/deep/renamed.hbs:1:");
    expect(r.after.stdout).not.toContain("added.hbs");
    r = await follows(() => unlink(join(prompts, "team", "deep", "renamed.hbs")));
    expect(r.after.stdout).not.toContain("renamed.hbs");
    await rm(join(prompts, "team"), { recursive: true });
  });

  it("follows the acknowledgements file and the passing of an expiry time", async () => {
    const path = join(dir, "mcp-contract.acks.json");
    const ack = (expires?: string) =>
      JSON.stringify({
        version: 1,
        acknowledgements: [
          {
            fingerprint: "711721f36dc21045",
            rule: "template-unknown-tool",
            server: "server_00",
            tool: "no_such_tool",
            pointer: "",
            reason: "being added",
            acceptedBy: "t@localhost",
            acceptedAt: "2026-01-01",
            ...(expires && { expires }),
          },
        ],
      });
    let r = await follows(() => writeFile(path, ack()));
    expect(r.after.code).toBe(0);
    expect(r.after.stdout).toContain("acknowledged: being added");
    // Valid for a minute more: recorded with the expiry as the end of what it answers.
    const expires = new Date(Date.now() + 60_000);
    r = await follows(() => writeFile(path, ack(expires.toISOString())));
    expect(r.after.code).toBe(0);
    expect(r.after.stdout).toContain(`acknowledged until ${expires.toISOString()}: being added`);
    // A run whose clock is past the expiry time: the recorded answer no longer holds.
    const late = expires.getTime() - Date.now() + SETTLED_MS;
    const expired = await bin(CHECK, { aheadMs: late });
    expect(expired.hot).toBe(false);
    expect(output(expired)).toEqual(output(await fullProcess(CHECK, late)));
    expect(expired.code).toBe(1);
    expect(expired.stdout).toContain("acknowledgement expired");
    // Recorded as holding from the expiry time on: the bin's answer there, and still followed.
    const expiredAgain = await bin(CHECK, { aheadMs: late });
    expect(expiredAgain.hot).toBe(true);
    expect(output(expiredAgain)).toEqual(output(expired));
    await follows(() => unlink(path), CHECK, { aheadMs: late });
  });

  it("follows the environment, the working directory and a config found nearer", async () => {
    const plain = await bin(CHECK);
    expect(plain.hot).toBe(true);
    const coloured = await bin(CHECK, { env: { NO_COLOR: "", FORCE_COLOR: "1" } });
    expect(coloured.hot).toBe(false);
    expect(output(coloured)).toEqual(output(await full(CHECK, { env: { NO_COLOR: "", FORCE_COLOR: "1" } })));
    expect(coloured.stdout).toContain("\u001b[");
    const colouredAgain = await bin(CHECK, { env: { NO_COLOR: "", FORCE_COLOR: "1" } });
    expect(colouredAgain.hot).toBe(true);
    expect(output(colouredAgain)).toEqual(output(coloured));
    expect(output(await bin(CHECK))).toEqual(output(plain));

    // From a subdirectory: the config is found above it, and files are named from where the run is.
    const sub = join(dir, "prompts");
    const inSub = await bin(CHECK, { cwd: sub });
    expect(inSub.hot).toBe(false);
    const truth = output(await full(CHECK, { cwd: sub }));
    expect(output(inSub)).toEqual(truth);
    expect(truth.stdout).toContain("broken.hbs:1:13");
    expect(truth.stdout).not.toContain("prompts/broken.hbs");
    const inSubAgain = await bin(CHECK, { cwd: sub });
    expect(inSubAgain.hot).toBe(true);
    expect(output(inSubAgain)).toEqual(truth);
    // A config created in the working directory is found before the one above it.
    const nearer = await follows(
      () => writeFile(join(sub, "mcp-contract.yaml"), "servers: {}\ntemplates: []\n"),
      CHECK,
      { cwd: sub, recorded: false },
    );
    expect(nearer.after.code).toBe(2);
    expect(nearer.after.stderr).toContain("no lockfile yet");
    await unlink(join(sub, "mcp-contract.yaml"));
  });

  it("leaves every other command line, and a run to be traced, to the full CLI", async () => {
    const sarif = [...CHECK, "--format", "sarif"];
    await bin(sarif);
    expect((await bin(sarif)).hot).toBe(false);
    expect(hotArguments([...CHECK, "--output", "report.txt"])).toBe(false);
    expect(hotArguments([...CHECK, "--no-cache"])).toBe(false);
    expect(hotArguments(["check", "--offline", "--format", "github"])).toBe(false);
    expect(hotArguments(["check", "--offline", "--server", "a"])).toBe(false);
    expect(hotArguments(["check", "--offline", "--shard", "1/2"])).toBe(false);
    expect(hotArguments(["check"])).toBe(false);
    expect(hotArguments(["lock", "--offline"])).toBe(false);
    expect(hotArguments(["check", "--offline", "--config"])).toBe(false);
    expect(hotArguments(["check", "--offline", "--", "x"])).toBe(false);
    expect(
      hotArguments(["check", "--offline", "-c", "x.yaml", "--format=markdown", "--acknowledgements=a.json"]),
    ).toBe(true);
    // What Node 20 runs from the offline check's compiled bundle instead (src/hot.ts
    // compiledCheck): these command lines with --no-cache and in any format too, no other command,
    // flag or trace.
    for (const args of [
      CHECK,
      [...CHECK, "--no-cache"],
      ["check", "--offline", "--format", "github", "--no-cache"],
    ])
      expect(offlineBundleServes(args, {}), args.join(" ")).toBe(true);
    expect(offlineBundleServes([...CHECK, "--format=junit"], {})).toBe(true);
    for (const args of [
      ["check", "--no-cache"],
      [...CHECK, "--output", "r.txt"],
      ["check", "--offline", "--server", "a"],
      ["lock", "--offline"],
    ])
      expect(offlineBundleServes(args, {}), args.join(" ")).toBe(false);
    expect(offlineBundleServes(CHECK, { OTEL_SDK_DISABLED: "true" })).toBe(false);
    expect(offlineBundleServes(CHECK, { OTEL_SDK_DISABLED: "" })).toBe(true);
    const proc = { cwd: dir, env: runEnv(), stdoutIsTTY: false, stderrIsTTY: false };
    const dist = join(repoRoot, "dist");
    expect(hotTarget(CHECK, proc, dist)).toBeDefined();
    expect(
      hotTarget(
        CHECK,
        { ...proc, env: { ...proc.env, OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:1" } },
        dist,
      ),
    ).toBe(undefined);
    expect(hotTarget(CHECK, { ...proc, env: { ...proc.env, MCP_CONTRACT_NO_CACHE: "1" } }, dist)).toBe(
      undefined,
    );
    // Each variable the output depends on is part of the key.
    const key = hotTarget(CHECK, proc, dist)?.key;
    for (const name of [...KEY_VARIABLES, "MCP_CONTRACT_ANYTHING"])
      expect(hotTarget(CHECK, { ...proc, env: { ...proc.env, [name]: "x" } }, dist)?.key ?? "").not.toBe(key);
    expect(hotTarget(CHECK, { ...proc, stdoutIsTTY: true }, dist)?.key).not.toBe(key);
    expect(hotTarget(CHECK, { ...proc, cwd: join(dir, "prompts") }, dist)?.key).not.toBe(key);
    expect(hotTarget([...CHECK, "-q"], proc, dist)?.key).not.toBe(key);
  });
});

// What a `check --offline` prints may depend only on the environment variables the hot path keys
// on (or every MCP_CONTRACT_* and, for traces, OTEL_* one, which turn it off). A variable src/ reads
// that is in neither list below fails here until it is placed in one.
const NOT_READ_OFFLINE = new Set([
  // fetch, login, lock: never run by check --offline
  "BROWSER",
  "DISPLAY",
  "WAYLAND_DISPLAY",
  "NODE_EXTRA_CA_CERTS",
  "NO_PROXY",
  "GITHUB_ACTOR",
  "USER",
  "USERNAME",
]);

it("every environment variable src/ reads is keyed on by the hot path or never read offline", async () => {
  const files = (await readdir(join(repoRoot, "src"), { recursive: true })).filter((f) => f.endsWith(".ts"));
  const names = new Set<string>();
  for (const file of files) {
    const text = await readFile(join(repoRoot, "src", file), "utf8");
    for (const m of text.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*)|\[\s*"([A-Z][A-Z0-9_]*)"\s*\])/g))
      names.add(m[1] ?? m[2]!);
  }
  expect(names.size).toBeGreaterThan(10);
  const unplaced = [...names].filter(
    (name) =>
      !(KEY_VARIABLES as readonly string[]).includes(name) &&
      !NOT_READ_OFFLINE.has(name) &&
      !name.startsWith("MCP_CONTRACT_") &&
      !name.startsWith("OTEL_"),
  );
  expect(unplaced).toEqual([]);
});
