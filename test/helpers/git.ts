import { execFileSync } from "node:child_process";

/**
 * `git ARGS` in `cwd` with a throwaway identity and no signing, so commits work on any machine
 * (no user config, no gpg); its stdout. A failing command throws with git's stderr.
 */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "user.name=t", "-c", "user.email=t@localhost", "-c", "commit.gpgsign=false", ...args],
    { cwd, encoding: "utf8", stdio: "pipe" },
  );
}
