/**
 * Accepting a breaking change, end to end, the way README, docs/ci.md and the
 * demo tell a user to: in a temp git repo with the real CRM server over stdio,
 * outside CI, a plain `lock` stops with the exact `--accept-breaking` command,
 * that command (parsed by a real shell) records each change with its fingerprint
 * and reason, and the pull request's `diff git:…` then passes. Also when the
 * working lockfile had already moved without a reason, and the seams around
 * it: every server failing writes nothing, a failed server keeps its entry,
 * a missing `--acknowledgements` file is an error.
 */
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, repoRoot, runCliInProcess, runProcess } from "../helpers/cli.js";
import { crmServerPath } from "../helpers/crm-server.js";

const temps: string[] = [];
function tempDir(prefix = "mcp-contract-accept-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
  });

const crmConfig = (version: "v1" | "v2", templates = "") =>
  `servers:\n  crm:\n    command: ${JSON.stringify(process.execPath)}\n    args: ${JSON.stringify([crmServerPath, "--tools", version])}\n${templates}`;

let lockedAtV1: Promise<string> | undefined;
/** What `lock` writes for CRM v1 (no path in it): made once, by the real server, for every repo below. */
function v1Lockfile(): Promise<string> {
  lockedAtV1 ??= (async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "mcp-contract.yaml"), crmConfig("v1"));
    const locked = await runCliInProcess(["lock", "-q"], { cwd: dir });
    expect(locked.code, locked.stderr).toBe(0);
    return readFileSync(join(dir, "mcp-contract.lock.json"), "utf8");
  })();
  return lockedAtV1;
}

/** A repo whose committed lockfile was made from CRM v1; the config now runs v2 (uncommitted). */
async function repoLockedAtV1(configDir = ""): Promise<{ repo: string; dir: string; lockfile: string }> {
  const repo = tempDir();
  const dir = join(repo, configDir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "mcp-contract.yaml"), crmConfig("v1"));
  writeFileSync(join(dir, "mcp-contract.lock.json"), await v1Lockfile());
  git(repo, "init", "-q", "-b", "main");
  git(repo, "config", "user.email", "ana@example.com");
  git(repo, "config", "user.name", "Ana");
  git(repo, "add", ".");
  git(repo, "commit", "-qm", "v1 contract");
  writeFileSync(join(dir, "mcp-contract.yaml"), crmConfig("v2"));
  return { repo, dir, lockfile: join(dir, "mcp-contract.lock.json") };
}

/**
 * `mcp-contract` on PATH, as a user's shell finds it: it prints the arguments the shell gave it
 * (their count, then each, NUL-terminated), which the CLI then runs with in this process.
 */
let shim: string;
beforeAll(() => {
  shim = tempDir("mcp-contract-bin-");
  const script = join(shim, "mcp-contract");
  writeFileSync(script, `#!/bin/sh\nprintf 'argc %s\\0' "$#"\nprintf '%s\\0' "$@"\n`);
  chmodSync(script, 0o755);
});

/** The environment of a user's shell outside CI. */
function shellEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${shim}:${process.env.PATH}`, NO_COLOR: "1" };
  delete env.CI;
  delete env.FORCE_COLOR;
  return env;
}

/**
 * Runs an `mcp-contract …` command line exactly as printed: a real shell (/bin/sh) parses it and
 * runs `mcp-contract` once, and the CLI runs in process (outside CI, as runCliInProcess runs it)
 * with the arguments that shell gave.
 */
async function runShell(command: string, cwd: string): Promise<CliResult> {
  const parsed = await runProcess("/bin/sh", ["-c", command], { cwd, env: shellEnv() });
  expect(parsed, command).toMatchObject({ code: 0, stderr: "" });
  const [argc, ...args] = parsed.stdout.split("\0");
  expect(argc, `${command}: mcp-contract run once`).toBe(`argc ${args.length - 1}`);
  expect(args.at(-1), command).toBe("");
  return runCliInProcess(args.slice(0, -1), { cwd });
}

const fingerprints = (text: string) =>
  [...text.matchAll(/fingerprint ([0-9a-f]{16}) /g)].map((m) => m[1]!).sort();
const readAcks = (path: string) =>
  JSON.parse(readFileSync(path, "utf8")) as { version: number; acknowledgements: Record<string, string>[] };
/** The last stderr line of a refused lock, and the command it says to run. */
function refusal(stderr: string): { line: string; command: string } {
  const line = stderr.trimEnd().split("\n").at(-1)!;
  const command = /then run: (mcp-contract lock .*)$/.exec(line)?.[1];
  expect(command, line).toBeDefined();
  return { line, command: command! };
}

describe("accepting a breaking change, outside CI", () => {
  it("plain lock writes nothing and prints the exact command; that command records each change and the PR's diff passes", async () => {
    const { repo, dir, lockfile } = await repoLockedAtV1();
    const committed = readFileSync(lockfile, "utf8");

    const plain = await runCliInProcess(["lock"], { cwd: dir });
    expect(plain.code).toBe(1);
    const { line, command } = refusal(plain.stderr);
    expect(line).toBe(
      `mcp-contract: 3 breaking changes (listed above) need a reason to be accepted; ${lockfile} was not changed. ` +
        'Fix the prompts that use them, then run: mcp-contract lock --accept-breaking "<reason>"',
    );
    expect(plain.stdout.match(/^ {4}BREAKING /gm)).toHaveLength(3);
    // Counted as check counts the run (a warning it does not list too), and says what it lists.
    expect(plain.stdout).toContain(
      "\n3 breaking, 1 warning, 0 info; listed: the 3 breaking changes that need a reason (`mcp-contract check` lists every change)\n",
    );
    const refused = fingerprints(plain.stdout);
    expect(refused).toHaveLength(3);
    expect(readFileSync(lockfile, "utf8")).toBe(committed);
    expect(existsSync(join(dir, "mcp-contract.acks.json"))).toBe(false);
    expect(git(repo, "status", "--porcelain")).toBe(" M mcp-contract.yaml\n");

    // The placeholder is refused as it is: it is not a reason.
    const literal = await runShell(command, dir);
    expect(literal).toMatchObject({
      code: 2,
      stderr:
        'mcp-contract: --accept-breaking "<reason>": write why the changes are fine in place of <reason>\n',
    });

    const accept = await runShell(command.replace('"<reason>"', '"escalate.hbs uses email_address"'), dir);
    expect(accept.code, accept.stderr).toBe(0);
    expect(accept.stdout).toContain(
      `accepted 3 breaking changes; recorded in ${join(dir, "mcp-contract.acks.json")}\nwrote ${lockfile} (1 server)\n`,
    );
    const acks = readAcks(join(dir, "mcp-contract.acks.json"));
    expect(acks.version).toBe(1);
    expect(acks.acknowledgements.map((a) => a.fingerprint).sort()).toEqual(refused);
    for (const ack of acks.acknowledgements) {
      expect(ack).toMatchObject({
        server: "crm",
        tool: "create_ticket",
        reason: "escalate.hbs uses email_address",
        acceptedBy: "ana@example.com",
      });
      expect(ack.acceptedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(acks.acknowledgements.map((a) => a.rule).sort()).toEqual([
      "enum-value-removed",
      "param-renamed",
      "required-param-added",
    ]);

    // The pull request's step, against the committed lockfile: the acknowledgements make it pass.
    const diff = await runCliInProcess(
      ["diff", "git:HEAD:mcp-contract.lock.json", "mcp-contract.lock.json"],
      {
        cwd: dir,
      },
    );
    expect(diff.code, diff.stdout + diff.stderr).toBe(0);
    expect(diff.stdout).toMatch(/^0 breaking, 1 warning, 0 info, 3 acknowledged\n$/m);
    writeFileSync(join(dir, "none.json"), '{"version": 1, "acknowledgements": []}\n');
    const withoutAcks = await runCliInProcess(
      [
        "diff",
        "git:HEAD:mcp-contract.lock.json",
        "mcp-contract.lock.json",
        "--acknowledgements",
        "none.json",
      ],
      { cwd: dir },
    );
    expect(withoutAcks.code).toBe(1);
    expect(withoutAcks.stdout).toMatch(/^3 breaking, 1 warning, 0 info\n$/m);

    // Locking again accepts nothing new; asking to accept says there is nothing to record.
    const again = await runCliInProcess(["lock", "-q"], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^changes since the lockfile committed at git HEAD:\n/);
    expect(again.stdout).toContain(
      `0 breaking, 1 warning, 0 info, 3 acknowledged\n${lockfile} is up to date\n`,
    );
    const before = readFileSync(join(dir, "mcp-contract.acks.json"), "utf8");
    const nothing = await runCliInProcess(["lock", "-q", "--accept-breaking", "again"], { cwd: dir });
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain(
      "--accept-breaking: no unacknowledged breaking change since the lockfile committed at git HEAD; nothing recorded\n",
    );
    expect(readFileSync(join(dir, "mcp-contract.acks.json"), "utf8")).toBe(before);
  });

  it("when the working lockfile already moved without a reason, --accept-breaking acknowledges the changes since git HEAD", async () => {
    // The config in a subfolder, run from the repository root with --config.
    const { repo, dir, lockfile } = await repoLockedAtV1("agent");
    // An earlier plain `lock` (an older mcp-contract) moved the lockfile to v2 and recorded nothing:
    // its bytes are what a first lock of v2 writes.
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, "mcp-contract.yaml"), crmConfig("v2"));
    expect((await runCliInProcess(["lock", "-q"], { cwd: elsewhere })).code).toBe(0);
    const moved = readFileSync(join(elsewhere, "mcp-contract.lock.json"), "utf8");
    writeFileSync(lockfile, moved);

    const plain = await runCliInProcess(["lock", "--config", "agent/mcp-contract.yaml"], { cwd: repo });
    expect(plain.code).toBe(1);
    const { line, command } = refusal(plain.stderr);
    expect(line).toBe(
      `mcp-contract: 3 breaking changes since the lockfile committed at git HEAD (listed above) need a reason to be accepted; ${lockfile} was not changed. ` +
        'Fix the prompts that use them, then run: mcp-contract lock --config agent/mcp-contract.yaml --accept-breaking "<reason>"',
    );
    const refused = fingerprints(plain.stdout);
    expect(refused).toHaveLength(3);
    expect(readFileSync(lockfile, "utf8")).toBe(moved);
    expect(existsSync(join(dir, "mcp-contract.acks.json"))).toBe(false);

    // Before the fix the PR's diff fails: nothing acknowledges what the moved lockfile accepts.
    const failing = await runCliInProcess(
      ["diff", "git:HEAD:mcp-contract.lock.json", "mcp-contract.lock.json"],
      {
        cwd: dir,
      },
    );
    expect(failing.code).toBe(1);

    const accept = await runShell(
      command.replace('"<reason>"', '"vendor renamed the field; prompts follow"'),
      repo,
    );
    expect(accept.code, accept.stderr).toBe(0);
    expect(accept.stdout).toContain(
      `accepted 3 breaking changes since the lockfile committed at git HEAD; recorded in ${join(dir, "mcp-contract.acks.json")}\n` +
        `${lockfile} is up to date\n`,
    );
    expect(readFileSync(lockfile, "utf8")).toBe(moved);
    const acks = readAcks(join(dir, "mcp-contract.acks.json"));
    expect(acks.acknowledgements.map((a) => a.fingerprint).sort()).toEqual(refused);
    expect(new Set(acks.acknowledgements.map((a) => a.reason))).toEqual(
      new Set(["vendor renamed the field; prompts follow"]),
    );

    const diff = await runCliInProcess(
      ["diff", "git:HEAD:mcp-contract.lock.json", "mcp-contract.lock.json"],
      {
        cwd: dir,
      },
    );
    expect(diff.code, diff.stdout + diff.stderr).toBe(0);
    expect(diff.stdout).toMatch(/^0 breaking, 1 warning, 0 info, 3 acknowledged\n$/m);
  });

  it("the report --accept-breaking prints shows the changes it accepts as acknowledged, as the next lock does, and claims no failure", async () => {
    const { dir, lockfile } = await repoLockedAtV1();
    const accept = await runCliInProcess(["lock", "--accept-breaking", "prompts follow the rename"], {
      cwd: dir,
    });
    expect(accept.code, accept.stderr).toBe(0);
    expect(accept.stdout).not.toMatch(/ fails? this run/);
    expect(accept.stdout).not.toContain("Breaking changes (");
    expect(accept.stdout).toContain("\nAcknowledged (3)\nserver crm\n  tool create_ticket\n    BREAKING ");
    expect(
      accept.stdout.match(/^ +acknowledged: prompts follow the rename \(ana@example\.com\)$/gm),
    ).toHaveLength(3);
    // What is left to do is to review the warning and commit both files, not to run lock again.
    expect(accept.stdout).toMatch(
      /^1 of 1 server changed \(crm\)\. Next: review the warnings above; then commit mcp-contract\.lock\.json and mcp-contract\.acks\.json\.\n/,
    );
    const recorded = `accepted 3 breaking changes; recorded in ${join(dir, "mcp-contract.acks.json")}\n`;
    expect(accept.stdout).toContain(
      `0 breaking, 1 warning, 0 info, 3 acknowledged\n${recorded}wrote ${lockfile} (1 server)\n`,
    );

    // The next lock reads the recorded acknowledgements (from the lockfile committed at git HEAD,
    // which the working copy moved past): its report is the one just printed.
    const again = await runCliInProcess(["lock"], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(
      "changes since the lockfile committed at git HEAD:\n" +
        accept.stdout.replace(`${recorded}wrote ${lockfile} (1 server)\n`, `${lockfile} is up to date\n`),
    );
  });

  it("the demo's advice is this flow: fix the prompt, run its command, then check and the PR's diff pass", async () => {
    // The demo itself runs the real bin.
    const demo = await runProcess(process.execPath, ["examples/crm-agent/demo.mjs"], {
      cwd: repoRoot,
      env: shellEnv(),
    });
    expect(demo.code, demo.stderr).toBe(0);
    const accept = /^ {2}2\. run: (mcp-contract lock --accept-breaking "[^"<>]+")$/m.exec(demo.stdout)?.[1];
    const prDiff =
      /^ {2}(mcp-contract diff git:origin\/main:mcp-contract\.lock\.json mcp-contract\.lock\.json)$/m.exec(
        demo.stdout,
      )?.[1];
    expect(accept, demo.stdout).toBeDefined();
    expect(prDiff, demo.stdout).toBeDefined();
    expect(demo.stdout).toContain("a plain `mcp-contract lock` stops and prints this command");

    // The demo agent in a repo of its own, main at the committed (v1) lockfile.
    const repo = tempDir();
    const example = join(repoRoot, "examples", "crm-agent");
    cpSync(join(example, "prompts"), join(repo, "prompts"), { recursive: true });
    cpSync(join(example, "mcp-contract.lock.json"), join(repo, "mcp-contract.lock.json"));
    writeFileSync(join(repo, "mcp-contract.yaml"), crmConfig("v2", 'templates:\n  - "prompts/**/*.hbs"\n'));
    git(repo, "init", "-q", "-b", "main");
    git(repo, "config", "user.email", "ana@example.com");
    git(repo, "add", ".");
    git(repo, "commit", "-qm", "v1 contract");
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD");

    const plain = await runShell("mcp-contract lock", repo);
    expect(plain.code).toBe(1);
    expect(refusal(plain.stderr).command).toBe('mcp-contract lock --accept-breaking "<reason>"');

    // Step 1, as the demo describes it.
    const template = join(repo, "prompts", "escalate.hbs");
    const original = readFileSync(template, "utf8");
    const fixed = original
      .replace('{{param "customer_email"}} set to', '{{param "email_address"}} set to')
      .replace(
        'Use {{param "priority"}} `urgent` only when the customer threatens to cancel.',
        'Set {{param "channel"}} to where the customer wrote from.',
      );
    expect(fixed).not.toBe(original);
    writeFileSync(template, fixed);

    const accepted = await runShell(accept!, repo);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain("accepted 3 breaking changes; recorded in");
    expect(readAcks(join(repo, "mcp-contract.acks.json")).acknowledgements).toHaveLength(3);
    const check = await runShell("mcp-contract check", repo);
    expect(check).toMatchObject({ code: 0, stdout: "no changes\n" });
    const diff = await runShell(prDiff!, repo);
    expect(diff.code, diff.stdout + diff.stderr).toBe(0);
    expect(diff.stdout).toMatch(/^0 breaking, 1 warning, 0 info, 3 acknowledged\n$/m);
  });
});

describe("lock when servers fail", () => {
  const tool = (name: string) => ({
    name,
    inputSchema: { type: "object", properties: { q: { type: "string" } } },
  });
  const fileConfig = (names: string[]) =>
    `servers:\n${names.map((n) => `  ${n}:\n    file: ${n}.json\n`).join("")}`;
  const noTempFiles = (dir: string) => expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);

  it("when every server fails and there is no lockfile, nothing is written and it says so (exit 3)", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "mcp-contract.yaml"), fileConfig(["alpha", "beta"]));
    const result = await runCliInProcess(["lock", "-q"], { cwd: dir });
    expect(result).toMatchObject({
      code: 3,
      stdout: "",
      stderr:
        `mcp-contract: server "alpha": cannot read ${dir}/alpha.json (ENOENT)\n` +
        `mcp-contract: server "beta": cannot read ${dir}/beta.json (ENOENT)\n` +
        "mcp-contract: no server could be fetched; no lockfile was written\n",
    });
    expect(readdirSync(dir)).toEqual(["mcp-contract.yaml"]);
  });

  it("when every server fails, the lockfile stays byte for byte, even for servers no longer configured", async () => {
    const dir = tempDir();
    for (const name of ["alpha", "beta", "gone"])
      writeFileSync(join(dir, `${name}.json`), JSON.stringify([tool("t")]));
    writeFileSync(join(dir, "mcp-contract.yaml"), fileConfig(["alpha", "beta", "gone"]));
    expect((await runCliInProcess(["lock", "-q"], { cwd: dir })).code).toBe(0);
    const lockfile = join(dir, "mcp-contract.lock.json");
    const before = readFileSync(lockfile, "utf8");
    rmSync(join(dir, "alpha.json"));
    rmSync(join(dir, "beta.json"));
    writeFileSync(join(dir, "mcp-contract.yaml"), fileConfig(["alpha", "beta"]));
    const result = await runCliInProcess(["lock", "-q"], { cwd: dir });
    expect(result).toMatchObject({
      code: 3,
      stdout: "",
      stderr:
        `mcp-contract: server "alpha": cannot read ${dir}/alpha.json (ENOENT)\n` +
        `mcp-contract: server "beta": cannot read ${dir}/beta.json (ENOENT)\n` +
        `mcp-contract: no server could be fetched; ${lockfile} was not changed\n`,
    });
    expect(readFileSync(lockfile, "utf8")).toBe(before);
    noTempFiles(dir);
  });

  it("a server that fails keeps its entry byte for byte; one that was never locked is named as not in the lockfile", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "alpha.json"), JSON.stringify([tool("a")]));
    writeFileSync(join(dir, "beta.json"), JSON.stringify([tool("b")]));
    writeFileSync(join(dir, "mcp-contract.yaml"), fileConfig(["alpha", "beta"]));
    expect((await runCliInProcess(["lock", "-q"], { cwd: dir })).code).toBe(0);
    const lockfile = join(dir, "mcp-contract.lock.json");
    const before = JSON.parse(readFileSync(lockfile, "utf8"));

    // alpha gains a tool (not breaking), beta cannot be read, gamma is new and cannot be read.
    writeFileSync(join(dir, "alpha.json"), JSON.stringify([tool("a"), tool("a2")]));
    rmSync(join(dir, "beta.json"));
    writeFileSync(join(dir, "mcp-contract.yaml"), fileConfig(["alpha", "beta", "gamma"]));
    const result = await runCliInProcess(["lock", "-q"], { cwd: dir });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `mcp-contract: server "beta": cannot read ${dir}/beta.json (ENOENT); kept its previous lockfile entry\n` +
        `mcp-contract: server "gamma": cannot read ${dir}/gamma.json (ENOENT); not in the lockfile; nothing was written for it\n`,
    );
    expect(result.stdout).toContain(`wrote ${lockfile} (2 servers)\n`);
    const after = JSON.parse(readFileSync(lockfile, "utf8"));
    expect(Object.keys(after.servers)).toEqual(["alpha", "beta"]);
    expect(after.servers.beta).toEqual(before.servers.beta);
    expect(Object.keys(after.servers.alpha.tools)).toEqual(["a", "a2"]);
    noTempFiles(dir);
  });

  it("a breaking change and a failed server: nothing is written, the refusal is printed, and exit 3 wins", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "alpha.json"), JSON.stringify([tool("a"), tool("b")]));
    writeFileSync(join(dir, "beta.json"), JSON.stringify([tool("b")]));
    writeFileSync(join(dir, "mcp-contract.yaml"), fileConfig(["alpha", "beta"]));
    expect((await runCliInProcess(["lock", "-q"], { cwd: dir })).code).toBe(0);
    const lockfile = join(dir, "mcp-contract.lock.json");
    const before = readFileSync(lockfile, "utf8");
    writeFileSync(join(dir, "alpha.json"), JSON.stringify([tool("a")]));
    rmSync(join(dir, "beta.json"));
    const result = await runCliInProcess(["lock", "-q", "--server", "alpha", "--server", "beta"], {
      cwd: dir,
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain("BREAKING Tool `b` was removed.");
    expect(result.stderr).toBe(
      `mcp-contract: server "beta": cannot read ${dir}/beta.json (ENOENT)\n` +
        `mcp-contract: 1 breaking change (listed above) needs a reason to be accepted; ${lockfile} was not changed. ` +
        'Fix the prompts that use it, then run: mcp-contract lock --server alpha --server beta --accept-breaking "<reason>"\n',
    );
    expect(readFileSync(lockfile, "utf8")).toBe(before);
  });
});

describe("--acknowledgements FILE", () => {
  it("a missing file given by name is exit 2 naming it, for check, diff and lock; the default file may be absent", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "tools.json"), JSON.stringify([{ name: "t", inputSchema: { type: "object" } }]));
    writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  crm:\n    file: tools.json\n");
    expect((await runCliInProcess(["lock", "-q"], { cwd: dir })).code).toBe(0);
    const lockfile = readFileSync(join(dir, "mcp-contract.lock.json"), "utf8");
    const missing =
      "mcp-contract: typo.json: no such acknowledgements file (given with --acknowledgements)\n";
    for (const args of [
      ["check", "--offline", "--acknowledgements", "typo.json"],
      ["check", "--acknowledgements", "typo.json"],
      ["diff", "mcp-contract.lock.json", "mcp-contract.lock.json", "--acknowledgements", "typo.json"],
      ["lock", "-q", "--acknowledgements", "typo.json"],
    ]) {
      const result = await runCliInProcess(args, { cwd: dir });
      expect({ args, code: result.code, stderr: result.stderr.replace(/^fetched .*\n/, "") }).toEqual({
        args,
        code: 2,
        stderr: missing,
      });
    }
    expect(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8")).toBe(lockfile);
    expect(await runCliInProcess(["check", "--offline"], { cwd: dir })).toMatchObject({
      code: 0,
      stdout: "no changes\n",
    });
    expect(existsSync(join(dir, "typo.json"))).toBe(false);
  });

  it("lock --accept-breaking creates the file it is given", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "tools.json"), JSON.stringify([{ name: "a" }, { name: "b" }]));
    writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  crm:\n    file: tools.json\n");
    expect((await runCliInProcess(["lock", "-q"], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, "tools.json"), JSON.stringify([{ name: "a" }]));
    const refused = await runCliInProcess(["lock", "-q", "--acknowledgements", "new.json"], { cwd: dir });
    expect(refused.code).toBe(2);
    writeFileSync(join(dir, "empty.json"), '{"version": 1, "acknowledgements": []}\n');
    const stop = await runCliInProcess(["lock", "-q", "--acknowledgements", "empty.json"], { cwd: dir });
    expect(stop.code).toBe(1);
    expect(refusal(stop.stderr).command).toBe(
      'mcp-contract lock --acknowledgements empty.json --accept-breaking "<reason>"',
    );
    const accept = await runCliInProcess(
      [
        "lock",
        "-q",
        "--acknowledgements",
        "new.json",
        "--accept-breaking",
        "b is unused",
        "--accepted-by",
        "bo",
      ],
      { cwd: dir },
    );
    expect(accept.code, accept.stderr).toBe(0);
    expect(accept.stdout).toContain(`accepted 1 breaking change; recorded in ${join(dir, "new.json")}\n`);
    expect(readAcks(join(dir, "new.json")).acknowledgements).toMatchObject([
      { rule: "tool-removed", server: "crm", tool: "b", reason: "b is unused", acceptedBy: "bo" },
    ]);
  });
});

describe("acknowledgements of the rest of the surface", () => {
  it("record the kind and item of a prompt or resource template change; old entries without them still match", async () => {
    const dir = tempDir();
    const surface = (required: boolean, uriTemplate: string) =>
      JSON.stringify({
        tools: [{ name: "t", inputSchema: { type: "object" } }],
        prompts: [{ name: "triage", arguments: [{ name: "since", required }] }],
        resourceTemplates: [{ name: "customer", uriTemplate }],
      });
    writeFileSync(join(dir, "surface.json"), surface(false, "crm://customers/{id}"));
    writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  crm:\n    file: surface.json\n");
    expect((await runCliInProcess(["lock", "-q"], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, "v1.lock.json"), readFileSync(join(dir, "mcp-contract.lock.json")));
    writeFileSync(join(dir, "surface.json"), surface(true, "crm://customers/{customer_id}"));
    const accept = await runCliInProcess(
      ["lock", "-q", "--accept-breaking", "nobody uses them yet", "--accepted-by", "bo"],
      { cwd: dir },
    );
    expect(accept.code, accept.stderr).toBe(0);
    const file = join(dir, "mcp-contract.acks.json");
    const acks = readAcks(file).acknowledgements as Record<string, unknown>[];
    expect(acks.map(({ fingerprint: _, acceptedAt: __, message: ___, ...rest }) => rest)).toEqual([
      {
        rule: "prompt-argument-became-required",
        server: "crm",
        kind: "prompt",
        item: "triage",
        pointer: "/arguments/0/required",
        reason: "nobody uses them yet",
        acceptedBy: "bo",
      },
      {
        rule: "resource-template-uri-changed",
        server: "crm",
        kind: "resourceTemplate",
        item: "customer",
        pointer: "/uriTemplate",
        reason: "nobody uses them yet",
        acceptedBy: "bo",
      },
    ]);
    const diff = ["diff", "v1.lock.json", "mcp-contract.lock.json", "--format", "json"];
    // The pull request's diff finds both acknowledged.
    const matched = await runCliInProcess(diff, { cwd: dir });
    expect(matched.code, matched.stderr).toBe(0);
    expect(JSON.parse(matched.stdout).summary).toMatchObject({ breaking: 0, acknowledged: 2 });
    // An entry written before `kind` and `item` were recorded matches by its fingerprint alone.
    const old = acks.map(({ kind: _, item: __, ...rest }) => rest);
    writeFileSync(file, `${JSON.stringify({ version: 1, acknowledgements: old }, null, 2)}\n`);
    const still = await runCliInProcess(diff, { cwd: dir });
    expect(still.code, still.stderr).toBe(0);
    expect(JSON.parse(still.stdout).summary).toMatchObject({ breaking: 0, acknowledged: 2 });
    // A kind that is not one is a config error naming the entry.
    writeFileSync(file, JSON.stringify({ version: 1, acknowledgements: [{ ...acks[0], kind: "tool" }] }));
    const bad = await runCliInProcess(diff, { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'mcp-contract: mcp-contract.acks.json: $.acknowledgements[0].kind: must be one of "prompt", "resourceTemplate", "resource", "instructions", "capabilities"\n',
    );
  });
});
