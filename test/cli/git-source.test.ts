import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { LockfileError } from "../../src/errors.js";
import { parseGitSource, readFileArgument } from "../../src/pipeline/git-source.js";

describe("parseGitSource", () => {
  test("splits at the first colon after git:", () => {
    expect(parseGitSource("git:origin/main:mcp-contract.lock.json")).toEqual({
      ref: "origin/main",
      path: "mcp-contract.lock.json",
    });
    expect(parseGitSource("git:HEAD~1:sub/dir/a:b.json")).toEqual({
      ref: "HEAD~1",
      path: "sub/dir/a:b.json",
    });
    expect(parseGitSource("mcp-contract.lock.json")).toBeUndefined();
  });
  test("rejects malformed arguments with a usable message", () => {
    expect(() => parseGitSource("git:main")).toThrow(/expected git:REF:PATH/);
    expect(() => parseGitSource("git::x.json")).toThrow(LockfileError);
    expect(() => parseGitSource("git:--output=x:y")).toThrow(/must not start with "-"/);
  });
});

describe("readFileArgument in a temporary git repository", () => {
  let repo: string;
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: repo,
      encoding: "utf8",
      env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
    });

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), "mcp-contract-git-"));
    git("init", "-q", "-b", "main");
    git("config", "user.email", "t@example.com");
    git("config", "user.name", "t");
    mkdirSync(join(repo, "sub"));
    writeFileSync(join(repo, "sub", "lock.json"), '{"v":1}\n');
    git("add", ".");
    git("commit", "-qm", "one");
    git("checkout", "-q", "-b", "feature");
    writeFileSync(join(repo, "sub", "lock.json"), '{"v":2}\n');
    git("commit", "-qam", "two");
    writeFileSync(join(repo, "sub", "lock.json"), '{"v":3}\n'); // uncommitted
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  test("reads a file at a branch, at HEAD~1, and from the work tree", async () => {
    expect(await readFileArgument("git:main:sub/lock.json", repo)).toBe('{"v":1}\n');
    expect(await readFileArgument("git:HEAD:sub/lock.json", repo)).toBe('{"v":2}\n');
    expect(await readFileArgument("git:HEAD~1:sub/lock.json", repo)).toBe('{"v":1}\n');
    expect(await readFileArgument("sub/lock.json", repo)).toBe('{"v":3}\n');
  });

  test("paths are relative to the current directory; a leading / means the repository root", async () => {
    const sub = join(repo, "sub");
    expect(await readFileArgument("git:main:lock.json", sub)).toBe('{"v":1}\n');
    expect(await readFileArgument("git:main:/sub/lock.json", sub)).toBe('{"v":1}\n');
  });

  test("an unknown ref or path is a LockfileError naming the argument", async () => {
    await expect(readFileArgument("git:nope:sub/lock.json", repo)).rejects.toThrow(
      /^git:nope:sub\/lock.json: git could not read it: .*fetch-depth: 0/,
    );
    await expect(readFileArgument("git:main:missing.json", repo)).rejects.toThrow(/not in that revision/);
    await expect(readFileArgument("missing.json", repo)).rejects.toThrow("missing.json: file not found");
  });
});
