import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
// A real process: the promise is about every byte the shipped bin writes (as in secrets.test.ts).
import { runCli } from "../helpers/cli.js";

// The variables of an envFile are secrets like ${VAR} values: a stdio server that prints its
// whole environment (the envFile's key included) on stdout and stderr and dies leaks none of it.

const SECRET = "file-secret-7f3a9c1e5b";
const DUMP_ENV = `process.stdout.write("env " + JSON.stringify(process.env) + "\\n");
process.stderr.write("crashing with FILE_KEY=" + process.env.FILE_KEY + " " + JSON.stringify(process.env) + "\\n");
process.exit(1);`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mcp-contract-envfile-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("an envFile's values are redacted from everything lock prints and writes", async () => {
  writeFileSync(join(dir, "dump-env.mjs"), DUMP_ENV);
  writeFileSync(join(dir, ".env"), `# local secrets\nFILE_KEY=${SECRET}\n`);
  writeFileSync(
    join(dir, "mcp-contract.yaml"),
    `servers:\n  envdump:\n    command: ${JSON.stringify(process.execPath)}\n    args: ["dump-env.mjs"]\n    envFile: .env\n`,
  );
  const result = await runCli(["lock"], { cwd: dir });
  expect(result.code).toBe(3);
  expect(result.stderr).toContain('server "envdump"');
  const forms = [SECRET, Buffer.from(SECRET).toString("base64"), encodeURIComponent(SECRET)];
  const lockfile = join(dir, "mcp-contract.lock.json");
  const written = existsSync(lockfile) ? readFileSync(lockfile, "utf8") : "";
  for (const form of forms) {
    expect(result.stdout).not.toContain(form);
    expect(result.stderr).not.toContain(form);
    expect(written).not.toContain(form);
  }
  // Part of a secret is a secret too: no 8-character run of it survives.
  for (let i = 0; i + 8 <= SECRET.length; i++) expect(result.stderr).not.toContain(SECRET.slice(i, i + 8));
});
