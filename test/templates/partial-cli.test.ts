// template-unknown-partial end to end, through the CLI: `check` and `check --offline` report the
// `{{> name}}` that `render` refuses, at the same line:column with the same suggestion; inline
// partials, partial blocks and computed names are not reported; and a cached `check --offline`
// answers as a `--no-cache` run after a partial file is added and after it is removed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCliInProcess } from "../helpers/cli.js";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const TRIAGE = [
  "You triage tickets.",
  '{{#*inline "sig"}}-- triage{{/inline}}',
  "{{> sig}}",
  "{{#> missing_block}}fallback{{/missing_block}}",
  '{{> (lookup . "which")}}',
  "  {{> fotter}}",
  "",
].join("\n");

/** A project locked from a file source, with prompts/triage.hbs and partials/footer.hbs. */
async function project(template = TRIAGE, footer = true): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-partial-"));
  dirs.push(dir);
  mkdirSync(join(dir, "prompts"));
  mkdirSync(join(dir, "partials"));
  writeFileSync(
    join(dir, "surface.json"),
    JSON.stringify({ tools: [{ name: "lookup_customer", inputSchema: { type: "object" } }] }),
  );
  writeFileSync(
    join(dir, "mcp-contract.yaml"),
    "servers:\n  crm:\n    file: surface.json\npartials:\n  - partials\n",
  );
  writeFileSync(join(dir, "prompts", "triage.hbs"), template);
  if (footer) writeFileSync(join(dir, "partials", "footer.hbs"), "Thanks.\n");
  const lock = await runCliInProcess(["lock", "-q"], { cwd: dir });
  expect(lock.code, lock.stderr).toBe(0);
  return dir;
}

const LINE =
  "    BREAKING prompts/triage.hbs:6:3 no partial `fotter` (did you mean `footer`?)  template-unknown-partial";

describe("template-unknown-partial, through the CLI", () => {
  for (const args of [["check"], ["check", "--offline", "--no-cache"]]) {
    it(`${args.join(" ")} reports the {{> name}} render refuses, at its line:column, exit 1`, async () => {
      const dir = await project();
      const result = await runCliInProcess(args, { cwd: dir });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout.split("\n").filter((l) => l.includes("prompts/triage.hbs:"))).toEqual([LINE]);
      const json = await runCliInProcess([...args, "--format", "json"], { cwd: dir });
      expect(JSON.parse(json.stdout).changes).toEqual([
        {
          rule: "template-unknown-partial",
          severity: "breaking",
          server: "",
          pointer: "",
          message: "no partial `fotter`",
          hint: "did you mean `footer`?",
          location: { file: "prompts/triage.hbs", line: 6, column: 3 },
          fingerprint: expect.any(String),
        },
      ]);
      const github = await runCliInProcess([...args, "--format", "github"], { cwd: dir });
      expect(github.stdout.split("\n").filter((l) => l.includes("partial"))).toEqual([
        "::error file=prompts/triage.hbs,line=6,col=3,title=breaking template-unknown-partial::no partial `fotter`%0Ahint: did you mean `footer`?",
      ]);
      const render = await runCliInProcess(["render", "prompts/triage.hbs"], { cwd: dir });
      expect(render.code).toBe(2);
      expect(render.stderr).toContain(
        "prompts/triage.hbs:6:3: cannot render: no partial `fotter` (did you mean `footer`?)",
      );
    });
  }

  it("check --offline passes once the name is right: inline partials, partial blocks and computed names are known", async () => {
    const dir = await project(TRIAGE.replace("fotter", "footer"));
    const result = await runCliInProcess(["check", "--offline", "--no-cache"], { cwd: dir });
    expect(result).toMatchObject({ code: 0, stdout: "no changes\n" });
  });

  it("a cached check --offline answers as --no-cache after the partial file is added and after it is removed", async () => {
    const dir = await project("Hello.\n{{> footer}}\n", false);
    const env = { MCP_CONTRACT_CACHE_DIR: join(dir, ".cache") };
    const args = ["check", "--offline", "--format", "json"];
    const run = async () => {
      const cached = await runCliInProcess(args, { cwd: dir, env });
      const cold = await runCliInProcess([...args, "--no-cache"], { cwd: dir, env });
      expect(cached).toEqual(cold);
      return cold;
    };
    // Another template edited at the same time: the run is not the one cached whole, and the
    // unchanged template's remembered findings must not answer for the other set of partials.
    const edit = (n: number) => writeFileSync(join(dir, "prompts", "other.hbs"), `Other ${n}.\n`);
    edit(1);
    const missing = await run();
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).changes.map((c: { hint?: string }) => c.hint)).toEqual([
      "there are no partials (they are the files of the config's `partials` directories)",
    ]);
    writeFileSync(join(dir, "partials", "footer.hbs"), "Thanks.\n");
    edit(2);
    expect((await run()).code).toBe(0);
    expect((await run()).code).toBe(0);
    rmSync(join(dir, "partials", "footer.hbs"));
    edit(3);
    expect(await run()).toEqual(missing);
    writeFileSync(join(dir, "partials", "footer.hbs"), "Thanks.\n");
    edit(4);
    expect((await run()).code).toBe(0);
  });
});
