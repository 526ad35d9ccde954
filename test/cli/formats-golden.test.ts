/**
 * CLI golden tests: every format of `check` on the demo (examples/crm-agent,
 * whose server v2 broke the contract locked from v1), run as the built CLI
 * with colour off. Regenerate with UPDATE_GOLDEN=1 and review the diff.
 * GITHUB_WORKSPACE is the repository, as in CI, so SARIF and annotation paths
 * are the same on a clone and in a tarball; JUnit's timestamp comes from
 * SOURCE_DATE_EPOCH, and its hostname (this machine's) is checked, then masked.
 * SARIF rules' fullDescription and help are checked against their docs pages,
 * then masked, so editing a docs page does not change a golden file.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { absoluteLinks, firstParagraph } from "../../src/report/formats/sarif.js";
import { FORMATS } from "../../src/report/formats.js";
import { DEFAULT_DOCS_BASE_URL } from "../../src/report/options.js";
import { expectGolden } from "../golden.js";
import { repoRoot, runCliInProcess } from "../helpers/cli.js";

const demo = join(repoRoot, "examples", "crm-agent");
const extension = {
  text: "txt",
  json: "json",
  markdown: "md",
  github: "github.txt",
  sarif: "sarif.json",
  junit: "xml",
  html: "html",
};

describe("check on the demo, every format", () => {
  for (const format of FORMATS) {
    test(format, async () => {
      const result = await runCliInProcess(["check", "--format", format], {
        cwd: demo,
        env: { GITHUB_STEP_SUMMARY: undefined, GITHUB_WORKSPACE: repoRoot, SOURCE_DATE_EPOCH: "1764578400" },
      });
      let out = result.stdout;
      if (format === "junit") {
        const hosts = [...out.matchAll(/ hostname="([^"]*)"/g)].map((m) => m[1]);
        expect(hosts.length).toBeGreaterThan(0);
        expect(new Set(hosts)).toEqual(new Set([hostname() || "localhost"]));
        out = out.replace(/ hostname="[^"]*"/g, ' hostname="(this machine)"');
      }
      if (format === "sarif") {
        const log = JSON.parse(out);
        for (const rule of log.runs[0].tool.driver.rules) {
          const page = readFileSync(join(repoRoot, "docs", "rules", `${rule.id}.md`), "utf8");
          expect(rule.help).toEqual({ text: page, markdown: absoluteLinks(page, DEFAULT_DOCS_BASE_URL) });
          expect(rule.fullDescription).toEqual({ text: firstParagraph(page) });
          const masked = `(docs/rules/${rule.id}.md)`;
          rule.fullDescription.text = masked;
          rule.help = { text: masked, markdown: masked };
        }
        out = `${JSON.stringify(log, null, 2)}\n`;
      }
      expectGolden(`demo/check.${extension[format]}`, `exit ${result.code}\n${out}`);
    });
  }
  test("--offline (the pre-commit hook) in text", async () => {
    const result = await runCliInProcess(["check", "--offline"], { cwd: demo });
    expectGolden("demo/check-offline.txt", `exit ${result.code}\n${result.stdout}`);
  });
});
