// The README's options table and JSON report example, against the CLI itself: the table lists
// exactly the options each command's --help lists, and the JSON example is the demo's real output
// (two of its changes), naming every field the report schema has.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FORMATS } from "../src/report/formats.js";
import { repoRoot, runCliInProcess } from "./helpers/cli.js";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");

/** The README's options table: option flags by command. */
function optionsTable(): Map<string, Set<string>> {
  const start = readme.indexOf("Options (`mcp-contract COMMAND --help`");
  expect(start, "README needs its options table").toBeGreaterThan(0);
  const lines = readme.slice(start).split("\n");
  const first = lines.findIndex((line) => line.startsWith("|"));
  const count = lines.slice(first).findIndex((line) => !line.startsWith("|"));
  const rows = lines.slice(first + 2, first + count); // without the header and its rule
  const byCommand = new Map<string, Set<string>>();
  for (const row of rows) {
    const [options, commands] = row.split(" | ") as [string, string];
    for (const command of commands.matchAll(/`([a-z]+)`/g)) {
      const set = byCommand.get(command[1]!) ?? new Set<string>();
      for (const flag of options.matchAll(/--[a-z-]+/g)) set.add(flag[0]);
      byCommand.set(command[1]!, set);
    }
  }
  return byCommand;
}

/** The long options a command's --help lists (without --help itself). */
async function helpOptions(command: string): Promise<Set<string>> {
  const help = await runCliInProcess([command, "--help"]);
  expect(help.code, help.stderr).toBe(0);
  const options = help.stdout.slice(help.stdout.indexOf("Options:"));
  return new Set(
    [...options.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]!).filter((f) => f !== "--help"),
  );
}

describe("README options", () => {
  it("the table lists, for each command, exactly the options its --help lists", async () => {
    const table = optionsTable();
    expect([...table.keys()].sort()).toEqual([
      "check",
      "diff",
      "export",
      "init",
      "lock",
      "login",
      "logout",
      "merge",
      "render",
    ]);
    // --config is the program's option: the commands that read a config take it from there.
    const global = await runCliInProcess(["--help"]);
    expect(global.stdout).toMatch(/^ {2}-c, --config <file>/m);
    const readsConfig = new Set(["lock", "check", "render", "export", "login", "logout"]);
    for (const [command, listed] of table) {
      const expected = await helpOptions(command);
      if (readsConfig.has(command)) expected.add("--config");
      expect([...listed].sort(), command).toEqual([...expected].sort());
    }
  });

  it("names every output format, as --help does", async () => {
    const row = readme.split("\n").find((line) => line.startsWith("| `-f, --format FORMAT`"))!;
    expect(
      [...row.matchAll(/`([a-z]+)`/g)]
        .map((m) => m[1])
        .filter((f) => f !== "check" && f !== "diff" && f !== "merge"),
    ).toEqual(FORMATS);
  });

  it("merge takes no --acknowledgements: its reports carry theirs", async () => {
    const result = await runCliInProcess(["merge", "--acknowledgements", "acks.json", "report.json"]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain("error: unknown option '--acknowledgements'");
  });
});

describe("README JSON report", () => {
  const start = readme.indexOf("<!-- json-report:start -->");
  const end = readme.indexOf("<!-- json-report:end -->");
  const block = readme.slice(start, end);
  const example = JSON.parse(block.slice(block.indexOf("```json") + 7, block.lastIndexOf("```"))) as {
    changes: unknown[];
  };

  it("is the demo's real `check --format json` output, changes shortened", async () => {
    expect(start).toBeGreaterThan(0);
    const result = await runCliInProcess(["check", "--format", "json", "--quiet"], {
      cwd: join(repoRoot, "examples", "crm-agent"),
    });
    expect(result.code, result.stderr).toBe(1);
    const real = JSON.parse(result.stdout) as { changes: unknown[] };
    const fix =
      "README's JSON example is stale: copy it from `cd examples/crm-agent && npx mcp-contract check --format json`";
    expect({ ...example, changes: [] }, fix).toEqual({ ...real, changes: [] });
    expect(real.changes.length).toBe(8);
    expect(example.changes.length).toBe(2);
    for (const change of example.changes) expect(real.changes, fix).toContainEqual(change);
  });

  it("names every field of schema/report.schema.json", () => {
    const schema = JSON.parse(readFileSync(join(repoRoot, "schema", "report.schema.json"), "utf8"));
    const fields = new Set<string>();
    const collect = (node: { properties?: Record<string, unknown> }) => {
      for (const [key, value] of Object.entries(node.properties ?? {})) {
        fields.add(key);
        collect(value as { properties?: Record<string, unknown> });
      }
    };
    collect(schema);
    collect(schema.definitions.change);
    collect(schema.properties.errors.items);
    const section = readme.slice(start, readme.indexOf("## Exit codes"));
    const missing = [...fields].filter(
      (field) => !section.includes(`"${field}"`) && !section.includes(`\`${field}\``),
    );
    expect(missing).toEqual([]);
  });
});

describe("README config reference", () => {
  const section = readme.slice(readme.indexOf("## Config reference"), readme.indexOf("## The lockfile"));
  const fetchDoc = readFileSync(join(repoRoot, "docs", "fetch.md"), "utf8");
  const authDoc = fetchDoc.slice(fetchDoc.indexOf("## Authentication"));

  /** Every key schema/config.schema.json allows, anywhere (servers of each kind, auth of each type). */
  function schemaKeys(): Set<string> {
    const schema = JSON.parse(readFileSync(join(repoRoot, "schema", "config.schema.json"), "utf8"));
    const keys = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) {
        for (const item of node) walk(item);
        return;
      }
      if (typeof node !== "object" || node === null) return;
      const { properties, ...rest } = node as { properties?: Record<string, unknown> };
      for (const [key, value] of Object.entries(properties ?? {})) {
        keys.add(key);
        walk(value);
      }
      for (const value of Object.values(rest)) walk(value);
    };
    walk(schema);
    return keys;
  }

  it("names every key of the config schema, and links docs/fetch.md for the auth settings", () => {
    const keys = schemaKeys();
    expect(keys.size).toBeGreaterThan(30);
    const named = (text: string, key: string) =>
      new RegExp(`(^|[^\\w$-])${key.replace("$", "\\$")}([^\\w-]|$)`, "m").test(text);
    expect([...keys].filter((key) => !named(section, key))).toEqual([]);
    // The auth settings the example does not show are detailed where the section links.
    expect(section).toContain("(docs/fetch.md#authentication)");
    for (const key of ["clientSecretFile", "privateKeyEnv", "privateKeyFile", "algorithm", "issuer"])
      expect(named(authDoc, key), key).toBe(true);
  });

  it("its auth types are the schema's", () => {
    const schema = JSON.parse(readFileSync(join(repoRoot, "schema", "config.schema.json"), "utf8"));
    const types = (schema.definitions.auth.oneOf as { properties: { type: { const: string } } }[]).map(
      (variant) => variant.properties.type.const,
    );
    expect(types).toEqual(["bearer", "oauth-client-credentials", "oauth"]);
    for (const type of types) expect(section).toMatch(new RegExp(`type: ${type}\\b`));
  });
});
