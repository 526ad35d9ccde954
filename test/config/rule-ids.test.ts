// Rule ids are checked: config `rules:` keys and acknowledgement `rule` values must name a real rule
// (a did-you-mean otherwise), the JSON Schemas list them for editors, and every id the docs and
// init's output mention exists.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { parseAcknowledgements } from "../../src/policy/validate.js";
import { closestRuleId, RULE_IDS } from "../../src/rule-ids.js";
import { RULES } from "../../src/rules.js";
import { repoRoot, runCliInProcess } from "../helpers/cli.js";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "mcp-contract-rule-ids-"));
}

async function loadError(text: string, name = "mcp-contract.yaml"): Promise<Error> {
  const dir = tempDir();
  writeFileSync(join(dir, name), text);
  const error = await loadConfig({ configPath: name, cwd: dir, env: {} }).then(
    () => new Error("loaded"),
    (e: Error) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error;
}

describe("the list of rule ids", () => {
  it("is exactly the rules mcp-contract reports (src/rule-ids.ts keeps them apart from the rule code)", () => {
    expect(RULE_IDS).toEqual(Object.keys(RULES).sort());
  });

  it("is the enum of rule keys in schema/config.schema.json and of rule in the acknowledgements schema", () => {
    const config = JSON.parse(readFileSync(join(repoRoot, "schema/config.schema.json"), "utf8"));
    expect(config.properties.rules.propertyNames).toEqual({ $ref: "#/definitions/ruleId" });
    expect(config.definitions.ruleId.enum).toEqual(RULE_IDS);
    const acks = JSON.parse(readFileSync(join(repoRoot, "schema/acknowledgements.schema.json"), "utf8"));
    expect(acks.properties.acknowledgements.items.properties.rule.enum).toEqual(RULE_IDS);
  });

  it("suggests the id a wrong one meant, and nothing for a word that is no id at all", () => {
    expect(closestRuleId("description-changed")).toBe("tool-description-changed");
    expect(closestRuleId("annotation-changed")).toBe("tool-annotation-changed");
    expect(closestRuleId("parameter-removed")).toBe("param-removed");
    expect(closestRuleId("tool-removd")).toBe("tool-removed");
    expect(closestRuleId("breaking")).toBeUndefined();
    expect(closestRuleId("tool")).toBeUndefined();
  });
});

describe("config rules:", () => {
  it("an unknown id names the file, the key and the closest real id", async () => {
    const error = await loadError("servers: {}\nrules:\n  tool-added: off\n  description-changed: info\n");
    expect(error.message).toMatch(
      /mcp-contract\.yaml: \$\.rules\.description-changed: unknown rule id; did you mean `tool-description-changed`\?$/,
    );
  });

  it("in a JSON config too, and in a foreign shape's rules", async () => {
    const json = await loadError(
      JSON.stringify({ mcpServers: {}, rules: { "annotation-changed": "breaking" } }),
      "mcp-contract.json",
    );
    expect(json.message).toMatch(
      /mcp-contract\.json: \$\.rules\.annotation-changed: unknown rule id; did you mean `tool-annotation-changed`\?$/,
    );
  });

  it("an id nothing is close to says where the ids are listed", async () => {
    const error = await loadError("servers: {}\nrules: { breaking: info }\n");
    expect(error.message).toMatch(
      /\$\.rules\.breaking: unknown rule id; the rule ids are listed in the README and docs\/rules\/$/,
    );
  });

  it("every real id is accepted", async () => {
    const dir = tempDir();
    const rules = Object.fromEntries(RULE_IDS.map((id) => [id, "info"]));
    writeFileSync(join(dir, "mcp-contract.json"), JSON.stringify({ servers: {}, rules }));
    const config = await loadConfig({ configPath: "mcp-contract.json", cwd: dir, env: {} });
    expect(Object.keys(config.rules)).toEqual(RULE_IDS);
  });

  it("the CLI exits 2 with one line", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "mcp-contract.yaml"), "servers: {}\nrules:\n  parameter-removed: warning\n");
    const result = await runCliInProcess(["check", "--offline", "--no-cache"], { cwd: dir });
    expect(result.stderr).toBe(
      `mcp-contract: ${join(dir, "mcp-contract.yaml")}: $.rules.parameter-removed: unknown rule id; did you mean \`param-removed\`?\n`,
    );
    expect(result.code).toBe(2);
  });
});

describe("acknowledgements", () => {
  const ack = (rule: string) => ({
    fingerprint: "0123456789abcdef",
    rule,
    server: "crm",
    tool: "create_ticket",
    pointer: "",
    reason: "migrated every caller",
    acceptedBy: "dev@example.com",
    acceptedAt: "2026-01-02",
  });

  it("an unknown rule names the file, the entry and the closest real id", () => {
    const result = parseAcknowledgements(
      { version: 1, acknowledgements: [ack("tool-removed"), ack("description-changed")] },
      "mcp-contract.acks.json",
    );
    expect(result.errors).toEqual([
      'mcp-contract.acks.json: $.acknowledgements[1].rule: "description-changed": unknown rule id; did you mean `tool-description-changed`?',
    ]);
  });

  it("check exits 2 on an acknowledgements file with an unknown rule", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "tools.json"),
      JSON.stringify({ tools: [{ name: "a", inputSchema: { type: "object" } }] }),
    );
    writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  crm: { file: tools.json }\ntemplates: []\n");
    const locked = await runCliInProcess(["lock"], { cwd: dir });
    expect(locked.code).toBe(0);
    writeFileSync(
      join(dir, "mcp-contract.acks.json"),
      JSON.stringify({ version: 1, acknowledgements: [ack("annotation-changed")] }),
    );
    const result = await runCliInProcess(["check", "--offline", "--no-cache"], { cwd: dir });
    expect(result.stderr).toBe(
      'mcp-contract: mcp-contract.acks.json: $.acknowledgements[0].rule: "annotation-changed": unknown rule id; did you mean `tool-annotation-changed`?\n',
    );
    expect(result.code).toBe(2);
  });
});

/** Last words of the rule ids (`changed`, `removed`, `tool`, …): a backticked kebab word ending in one is read as a rule id. */
const RULE_ENDINGS = new Set(RULE_IDS.map((id) => id.slice(id.lastIndexOf("-") + 1)));

/** Every rule id a text mentions: under a `rules:` key (also commented out), as an ack's "rule", a docs/rules link, or a backticked id. */
function ruleIdMentions(text: string): string[] {
  const found: string[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const rules = /^(\s*(?:#\s*)?)rules:\s*(?:#.*)?$/.exec(lines[i]!);
    if (!rules) continue;
    const indent = rules[1]!.length;
    for (let j = i + 1; j < lines.length; j++) {
      const entry = /^(\s*(?:#\s*)?)([A-Za-z0-9_-]+):/.exec(lines[j]!);
      if (!entry || entry[1]!.length <= indent) break;
      found.push(entry[2]!);
    }
  }
  for (const m of text.matchAll(/"rule":\s*"([^"]*)"/g)) found.push(m[1]!);
  for (const m of text.matchAll(/\brules\/([a-z0-9-]+)\.md\b/g)) found.push(m[1]!);
  for (const m of text.matchAll(/`([a-z][a-z0-9]*(?:-[a-z0-9]+)+)`/g)) {
    const id = m[1]!;
    if (RULE_ENDINGS.has(id.slice(id.lastIndexOf("-") + 1))) found.push(id);
  }
  return found;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".md"))
    .map((e) => join(e.parentPath, e.name));
}

describe("rule ids in the docs", () => {
  it("the scanner finds ids in rules: blocks, acks, links and backticks", () => {
    const text = [
      "```yaml",
      "rules:",
      "  tool-added: off # new tools are fine",
      "  description-changed: info",
      "lockfile: x.json",
      "```",
      "# rules:",
      "#   parameter-removed: info",
      '{ "rule": "annotation-changed" }',
      "see [page](docs/rules/tool-gone.md) and `param-vanished-changed`, not `fail-on` or `streamable-http`",
    ].join("\n");
    expect(ruleIdMentions(text)).toEqual([
      "tool-added",
      "description-changed",
      "parameter-removed",
      "annotation-changed",
      "tool-gone",
      "param-vanished-changed",
    ]);
  });

  it("every rule id README.md, docs/ and init's files mention exists", async () => {
    const texts: [string, string][] = [
      "README.md",
      ...markdownFiles(join(repoRoot, "docs")).map((f) => relative(repoRoot, f)),
    ].map((f) => [f, readFileSync(join(repoRoot, f), "utf8")]);
    const dir = tempDir();
    const init = await runCliInProcess(["init"], { cwd: dir });
    expect(init.code).toBe(0);
    for (const file of readdirSync(dir, { recursive: true, withFileTypes: true }))
      if (file.isFile()) {
        const path = join(file.parentPath, file.name);
        texts.push([`init: ${relative(dir, path)}`, readFileSync(path, "utf8")]);
      }
    const known = new Set(RULE_IDS);
    const mentioned = texts.flatMap(([file, text]) => ruleIdMentions(text).map((id) => `${file}: ${id}`));
    expect(mentioned.length).toBeGreaterThan(RULE_IDS.length); // the README's table alone names each
    expect(mentioned.some((m) => m.startsWith("init: mcp-contract.yaml: "))).toBe(true);
    expect(mentioned.filter((m) => !known.has(m.slice(m.lastIndexOf(": ") + 2)))).toEqual([]);
  });
});
