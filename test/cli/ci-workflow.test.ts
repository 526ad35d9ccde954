/**
 * The CI workflow end to end, with the built CLI and real stdio servers:
 * shard + merge equals one run; lock refuses breaking changes (in CI as
 * outside it, see accept-flow.test.ts) unless accepted with a reason;
 * acknowledgements make the PR's `diff git:...` pass
 * until they expire; the pre-commit hook runs exactly as the framework would.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { REPORTS_ARTIFACT } from "../../src/report/options.js";
import { binPath, repoRoot, runCli, runCliInProcess } from "../helpers/cli.js";
import { crmServerPath } from "../helpers/crm-server.js";

let dir: string;
const servers = ["alpha", "beta", "crm"];
const writeConfig = (version: "v1" | "v2") => {
  const entries = servers
    .map(
      (name) =>
        `  ${name}:\n    command: ${JSON.stringify(process.execPath)}\n    args: ${JSON.stringify([crmServerPath, "--tools", version])}`,
    )
    .join("\n");
  // Three servers with the same tools: a template could not name one unqualified, so this repo has none.
  writeFileSync(join(dir, "mcp-contract.yaml"), `servers:\n${entries}\ntemplates: []\n`);
};
const git = (...args: string[]) =>
  execFileSync("git", args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mcp-contract-ci-"));
  writeConfig("v1");
  const locked = await runCliInProcess(["lock", "-q"], { cwd: dir });
  expect(locked.code, locked.stderr).toBe(0);
  git("init", "-q", "-b", "main");
  git("config", "user.email", "ana@example.com");
  git("config", "user.name", "Ana");
  git("add", ".");
  git("commit", "-qm", "v1");
  writeConfig("v2");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("--shard and merge", () => {
  test("merging the shards' JSON reports equals a single run's report", async () => {
    const whole = await runCliInProcess(["check", "--format", "json"], { cwd: dir });
    expect(whole.code).toBe(1);
    const shards = await Promise.all(
      [1, 2].map((k) =>
        runCliInProcess(
          ["check", "--shard", `${k}/2`, "--fail-on", "never", "--format", "json", "--output", `r${k}.json`],
          {
            cwd: dir,
          },
        ),
      ),
    );
    expect(shards.map((s) => s.code)).toEqual([0, 0]);
    const r1 = JSON.parse(readFileSync(join(dir, "r1.json"), "utf8"));
    expect(r1.servers).toEqual(["alpha", "crm"]);
    expect(r1.shard).toEqual({ index: 1, total: 2 });
    const merged = await runCliInProcess(["merge", "r2.json", "r1.json", "--format", "json"], { cwd: dir });
    expect(merged.code).toBe(1);
    expect(JSON.parse(merged.stdout)).toEqual(JSON.parse(whole.stdout));
    expect(JSON.parse(whole.stdout).summary.breaking).toBeGreaterThan(0);
  });

  test("merge refuses a missing shard", async () => {
    const result = await runCliInProcess(["merge", "r1.json"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("merge: missing shard 2/2");
  });

  test("a malformed --shard is a usage error", async () => {
    const result = await runCliInProcess(["check", "--shard", "3/2"], { cwd: dir });
    expect(result).toMatchObject({ code: 2 });
    expect(result.stderr).toContain("--shard 3/2");
  });
});

describe("several formats in one run", () => {
  test("each --output takes the --format before it; one format may use stdout", async () => {
    const result = await runCliInProcess(
      [
        "check",
        "--offline",
        "--format",
        "sarif",
        "--output",
        "out/x.sarif",
        "--format",
        "text",
        "--format",
        "junit",
        "-o",
        "j.xml",
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("no changes\n");
    expect(JSON.parse(readFileSync(join(dir, "out/x.sarif"), "utf8")).version).toBe("2.1.0");
    expect(readFileSync(join(dir, "j.xml"), "utf8")).toMatch(/^<\?xml/);
    const two = await runCliInProcess(["check", "--offline", "--format", "text", "--format", "json"], {
      cwd: dir,
    });
    expect(two.code).toBe(2);
    expect(two.stderr).toContain("only one --format can write to stdout");
  });

  test("github format also writes the markdown summary to $GITHUB_STEP_SUMMARY", async () => {
    const summary = join(dir, "summary.md");
    const result = await runCliInProcess(["check", "--format", "github", "--server", "crm"], {
      cwd: dir,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error file=mcp-contract\.lock\.json,line=\d+,title=breaking /m);
    expect(readFileSync(summary, "utf8")).toMatch(/^## mcp-contract\n/);
  });
});

describe("the example workflow", () => {
  type Step = { name?: string; if?: string; uses?: string; with?: Record<string, string> };
  const workflow = parse(readFileSync(join(repoRoot, "examples", "github", "mcp-contract.yml"), "utf8")) as {
    permissions: Record<string, string>;
    jobs: { contract: { steps: Step[] } };
  };
  const steps = workflow.jobs.contract.steps;
  const step = (action: string) => steps.find((s) => s.uses?.startsWith(`${action}@`));

  test("writes the markdown and JSON reports, comments the one and uploads the others (html, json, sarif) with existing actions", () => {
    const check = steps.find((s) => s.uses === "mcp-contract/mcp-contract@v1" && !s.with?.command)!;
    const outputs = Object.fromEntries(
      check.with!.format!.split(" ").flatMap((spec) => (spec.includes("=") ? [spec.split("=")] : [])),
    );
    expect(outputs).toEqual({
      sarif: "mcp-contract.sarif",
      markdown: "mcp-contract.md",
      json: "mcp-contract.json",
      html: "mcp-contract.html",
    });
    // One comment per pull request, updated in place (no hand-written GitHub API client).
    expect(step("marocchino/sticky-pull-request-comment")).toEqual({
      name: "Comment the report on the pull request",
      if: "always() && github.event_name == 'pull_request' && hashFiles('mcp-contract.md') != ''",
      uses: "marocchino/sticky-pull-request-comment@v2",
      with: { header: "mcp-contract", path: outputs.markdown },
    });
    expect(workflow.permissions["pull-requests"]).toBe("write");
    // The artifact the markdown points at when it must cut: every finding, in JSON and SARIF.
    const upload = step("actions/upload-artifact")!;
    expect(upload.uses).toBe("actions/upload-artifact@v4");
    expect(upload.with!.name).toBe("mcp-contract-reports");
    expect(upload.with!.path!.trim().split("\n")).toEqual([outputs.html, outputs.json, outputs.sarif]);
    expect(upload.if).toBe("always()");
    // The name the markdown report gives for that artifact when it cuts is the one uploaded.
    expect(upload.with!.name).toBe(REPORTS_ARTIFACT);
  });
});

describe("lock, acknowledgements and git baselines", () => {
  const acks = () => join(dir, "mcp-contract.acks.json");

  test("in CI as outside it, lock refuses breaking changes without --accept-breaking and leaves the lockfile alone", async () => {
    const before = readFileSync(join(dir, "mcp-contract.lock.json"), "utf8");
    const result = await runCliInProcess(["lock", "-q"], { cwd: dir, env: { CI: "true" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^mcp-contract: 9 breaking changes \(listed above\) need a reason to be accepted; .* was not changed\. Fix the prompts that use them, then run: mcp-contract lock --accept-breaking "<reason>"\n$/,
    );
    expect(result.stdout).toContain("BREAKING");
    expect(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8")).toBe(before);
    expect(existsSync(acks())).toBe(false);
  });

  test("--accept-breaking records each accepted change; the PR's diff against main then passes", async () => {
    const result = await runCliInProcess(
      ["lock", "--accept-breaking", "prompts updated in this PR", "--expires", "2999-01-01"],
      {
        cwd: dir,
        env: { CI: "true" },
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/accepted \d+ breaking changes; recorded in/);
    const file = JSON.parse(readFileSync(acks(), "utf8"));
    expect(file.acknowledgements.length).toBeGreaterThan(0);
    expect(file.acknowledgements[0]).toMatchObject({
      reason: "prompts updated in this PR",
      acceptedBy: "ana@example.com",
      expires: "2999-01-01",
    });

    const diff = await runCliInProcess(
      ["diff", "git:main:mcp-contract.lock.json", "mcp-contract.lock.json"],
      {
        cwd: dir,
      },
    );
    expect(diff.code, diff.stdout + diff.stderr).toBe(0);
    expect(diff.stdout).toMatch(/0 breaking, .* acknowledged/);
    writeFileSync(join(dir, "none.json"), '{"version": 1, "acknowledgements": []}\n');
    const withoutAcks = await runCliInProcess(
      [
        "diff",
        "git:main:mcp-contract.lock.json",
        "mcp-contract.lock.json",
        "--acknowledgements",
        "none.json",
      ],
      { cwd: dir },
    );
    expect(withoutAcks.code).toBe(1);
  });

  test("after an acknowledgement expires, the same diff fails again", async () => {
    const file = JSON.parse(readFileSync(acks(), "utf8"));
    for (const ack of file.acknowledgements) ack.expires = "2020-01-01";
    writeFileSync(join(dir, "expired.json"), JSON.stringify(file));
    const result = await runCliInProcess(
      [
        "diff",
        "git:main:mcp-contract.lock.json",
        "mcp-contract.lock.json",
        "--acknowledgements",
        "expired.json",
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("acknowledgement expired 2020-01-01");
  });

  test("a broken acknowledgements file is a config error naming it", async () => {
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify({ version: 1, acknowledgements: [{ fingerprint: "x" }] }),
    );
    const result = await runCliInProcess(["check", "--offline", "--acknowledgements", "bad.json"], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^mcp-contract: bad\.json: \$\.acknowledgements\[0\]\.\w+: [^\n]+\n$/);
  });
});

describe("pre-commit hook", () => {
  const hooks = parse(readFileSync(join(repoRoot, ".pre-commit-hooks.yaml"), "utf8")) as {
    id: string;
    entry: string;
    files: string;
    pass_filenames: boolean;
  }[];

  test("the hook's entry, run as the framework runs it, passes on a clean tree and fails on a stale template", async () => {
    const hook = hooks.find((h) => h.id === "mcp-contract")!;
    expect(hook.pass_filenames).toBe(false);
    expect(new RegExp(hook.files).test("prompts/escalate.hbs")).toBe(true);
    expect(new RegExp(hook.files).test("mcp-contract.lock.json")).toBe(true);
    expect(new RegExp(hook.files).test("src/index.ts")).toBe(false);
    // pre-commit runs `entry` split on spaces, with the installed package's bin on PATH.
    const [command, ...args] = hook.entry.split(" ");
    expect(command).toBe("mcp-contract");
    // The demo agent, locked from CRM v1, with its prompts.
    const repo = mkdtempSync(join(tmpdir(), "mcp-contract-hook-"));
    cpSync(join(repoRoot, "examples", "crm-agent", "prompts"), join(repo, "prompts"), { recursive: true });
    cpSync(
      join(repoRoot, "examples", "crm-agent", "mcp-contract.lock.json"),
      join(repo, "mcp-contract.lock.json"),
    );
    writeFileSync(
      join(repo, "mcp-contract.yaml"),
      `servers:\n  crm:\n    command: ${JSON.stringify(process.execPath)}\n    args: ${JSON.stringify([crmServerPath, "--tools", "v1"])}\n`,
    );
    // Real processes of the bin: the hook's entry runs as its own process.
    const clean = await runCli(args, { cwd: repo });
    expect(clean).toMatchObject({ code: 0, stdout: "no changes\n" });

    const template = join(repo, "prompts", "escalate.hbs");
    const original = readFileSync(template, "utf8");
    expect(original).toContain("customer_email");
    writeFileSync(template, original.replaceAll("customer_email", "customer_mail"));
    try {
      const stale = await runCli(args, { cwd: repo });
      expect(stale.code).toBe(1);
      expect(stale.stdout).toContain("customer_mail");
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  test("the bin the hook installs is the package's bin", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    expect(join(repoRoot, pkg.bin["mcp-contract"])).toBe(binPath);
  });
});
