/**
 * CLI golden tests: every format of `check` on the demo (examples/crm-agent,
 * whose server v2 broke the contract locked from v1), run as the built bin
 * with colour off. Regenerate with UPDATE_GOLDEN=1 and review the diff.
 */
import { join } from "node:path";
import { describe, test } from "vitest";
import { FORMATS } from "../../src/report/formats.js";
import { expectGolden } from "../golden.js";
import { repoRoot, runCli } from "../helpers/cli.js";

const demo = join(repoRoot, "examples", "crm-agent");
const extension = {
  text: "txt",
  json: "json",
  markdown: "md",
  github: "github.txt",
  sarif: "sarif.json",
  junit: "xml",
};

describe("check on the demo, every format", () => {
  for (const format of FORMATS) {
    test(format, async () => {
      const result = await runCli(["check", "--format", format], {
        cwd: demo,
        env: { GITHUB_STEP_SUMMARY: undefined },
      });
      expectGolden(`demo/check.${extension[format]}`, `exit ${result.code}\n${result.stdout}`);
    });
  }
  test("--offline (the pre-commit hook) in text", async () => {
    const result = await runCli(["check", "--offline"], { cwd: demo });
    expectGolden("demo/check-offline.txt", `exit ${result.code}\n${result.stdout}`);
  });
});
