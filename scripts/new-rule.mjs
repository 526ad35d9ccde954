#!/usr/bin/env node
// Scaffolds a rule: `npm run new-rule -- ID [--family NAME] [--severity S] [--direction D]`.
// A diff rule: the record stub into src/diff/rules/<family>.ts (a new family file, wired into
// src/diff/rules/index.ts, when there is none), a fixture pair fixtures/rules/<ID>/{fires,silent}/
// and the page docs/rules/<ID>.md. What is left is the check code, the summary and the page's text:
// test/diff/records.test.ts and test/diff/rules.test.ts fail until they are written.
// A template rule (--family template): the record stub into src/templates/rules.ts, the page (in the
// template pages' form) and its row in docs/templates.md's findings table; no fixture pair (template
// rules are tested by their checker's tests); test/templates/docs.test.ts fails until the TODOs are
// done. Both write the id into src/rule-ids.ts and the two schemas. The fetch, poisoning and lockfile
// families are refused: their rules are checked by code written for each, not scaffolded.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const USAGE =
  "usage: npm run new-rule -- ID [--family NAME] [--severity breaking|warning|info] [--direction input|output|both|none] [--root DIR]";
const SEVERITIES = ["breaking", "warning", "info"];
const DIRECTIONS = ["input", "output", "both", "none"];
const BUMP = { breaking: "major", warning: "minor", info: "patch" };
/** The families whose rules are declared beside code written for each (`defineRules`), not scaffolded. */
const HAND_WRITTEN = {
  fetch: "src/fetch/rules.ts",
  poisoning: "src/poisoning/rules.ts",
  lockfile: "src/lockfile/verify.ts",
};

function fail(message) {
  process.stderr.write(`new-rule: ${message}\n`);
  process.exit(2);
}

function parse(argv) {
  const opts = {
    family: undefined,
    severity: "breaking",
    direction: undefined,
    root: undefined,
    id: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const flag = /^--(family|severity|direction|root)$/.exec(arg);
    if (flag) {
      const value = argv[++i];
      if (value === undefined) fail(`${arg} needs a value; ${USAGE}`);
      opts[flag[1]] = value;
    } else if (arg.startsWith("-")) fail(`unknown option ${arg}; ${USAGE}`);
    else if (opts.id === undefined) opts.id = arg;
    else fail(`one rule id at a time (got ${opts.id} and ${arg})`);
  }
  if (opts.id === undefined) fail(USAGE);
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(opts.id))
    fail(
      `rule id ${JSON.stringify(opts.id)} must be kebab-case with at least two words (e.g. pattern-added)`,
    );
  if (!SEVERITIES.includes(opts.severity)) fail(`--severity must be one of ${SEVERITIES.join(", ")}`);
  if (opts.direction !== undefined && !DIRECTIONS.includes(opts.direction))
    fail(`--direction must be one of ${DIRECTIONS.join(", ")}`);
  opts.family ??= opts.id.split("-")[0];
  if (!/^[a-z][a-z0-9]*$/.test(opts.family))
    fail(`family ${JSON.stringify(opts.family)} must be one lower-case word`);
  const handWritten = HAND_WRITTEN[opts.family];
  if (handWritten !== undefined)
    fail(
      `the ${opts.family} family is not scaffolded: add the rule to ${handWritten} by hand (the scaffold writes diff rules and template rules)`,
    );
  if (opts.family === "template") {
    if (!opts.id.startsWith("template-"))
      fail(`a template rule's id starts with template- (got ${JSON.stringify(opts.id)})`);
    if (opts.direction !== undefined) fail("--direction is for diff rules; a template rule has none");
  }
  opts.direction ??= "input";
  return opts;
}

const opts = parse(process.argv.slice(2));
const root = opts.root ?? join(dirname(fileURLToPath(import.meta.url)), "..");
const rulesDir = join(root, "src/diff/rules");
const familyFile = join(rulesDir, `${opts.family}.ts`);
const fixtureDir = join(root, "fixtures/rules", opts.id);
const docFile = join(root, "docs/rules", `${opts.id}.md`);
const { id, severity, direction, family } = opts;

if (family !== "template" && existsSync(fixtureDir)) fail(`${relative(root, fixtureDir)} already exists`);
if (existsSync(docFile)) fail(`${relative(root, docFile)} already exists`);

const written = [];
function write(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  written.push(relative(root, path));
}

const next = family === "template" ? scaffoldTemplateRule() : scaffoldDiffRule();
addRuleIds();
format();
process.stdout.write(`${written.map((f) => `wrote ${f}`).join("\n")}\nnext: ${next}\n`);

function scaffoldDiffRule() {
  const witness =
    severity === "breaking" && (direction === "input" || direction === "both") ? "probe" : "none";
  const record = `  "${id}": {
    severity: "${severity}",
    summary: "TODO: one line saying what ${id} detects.",
    direction: "${direction}",
    bump: "${BUMP[severity]}",
    keywords: [],
    witness: "${witness}",
    inverse: [],
  },
`;

  // 1. The record, in its family file.
  if (existsSync(familyFile)) {
    const source = readFileSync(familyFile, "utf8");
    if (source.includes(`"${id}":`)) fail(`${relative(root, familyFile)} already declares ${id}`);
    const open = new RegExp(`defineRecords\\("${family}", \\{\\n`).exec(source);
    if (!open) fail(`${relative(root, familyFile)} has no defineRecords("${family}", { … }) block`);
    const at = open.index + open[0].length;
    write(familyFile, source.slice(0, at) + record + source.slice(at));
  } else {
    const camel = family;
    const checkName = `check${camel[0].toUpperCase()}${camel.slice(1)}`;
    write(
      familyFile,
      `/**
 * TODO: what the ${family} family compares.
 */
import { defineRecords, type Family } from "../../core/rule.js";
import { child, type Loc, type NodeCheck, type SchemaDiff } from "../engine.js";
import type { SchemaNode } from "../schema.js";
import { structural } from "./gate.js";
import { capital, describeLoc } from "./messages.js";

/** ${family} rules. */
export const ${camel}Rules = defineRecords("${family}", {
${record}});

/** Compares the ${family} keywords of a node pair. */
export function ${checkName}(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  // TODO: compare the keywords this family claims (list them in each record's \`keywords\`).
  const before = a.keywords.TODO;
  const after = b.keywords.TODO;
  if (before === after) return;
  d.emit(${camel}Rules["${id}"], child(at, ["TODO"], at.label), \`\${capital(describeLoc(d, at))} TODO changed.\`, {
    before,
    after,
  });
}

/** TODO: one line about the family. */
export const ${camel}Family: Family<keyof typeof ${camel}Rules, NodeCheck> = {
  name: "${family}",
  rules: ${camel}Rules,
  check: structural(${checkName}),
};
`,
    );
    // Wire the family into the engine and the rule list.
    const indexFile = join(rulesDir, "index.ts");
    let index = readFileSync(indexFile, "utf8");
    const imports = [...index.matchAll(/^import .* from "\.\/[a-z]+\.js";\n/gm)];
    const last = imports[imports.length - 1];
    if (!last) fail(`${relative(root, indexFile)}: no family import to add ${family} after`);
    const end = last.index + last[0].length;
    index = `${index.slice(0, end)}import { ${camel}Family } from "./${family}.js";\n${index.slice(end)}`;
    for (const list of ["SCHEMA_FAMILIES", "DIFF_FAMILIES"]) {
      const m = new RegExp(`export const ${list}[^=]*= \\[\\n([\\s\\S]*?)\\];`).exec(index);
      if (!m) fail(`${relative(root, indexFile)}: no ${list} list`);
      const close = m.index + m[0].length - 2;
      index = `${index.slice(0, close)}  ${camel}Family,\n${index.slice(close)}`;
    }
    write(indexFile, index);
  }

  // 2. The fixture pair: \`fires\` must report the rule, \`silent\` must not.
  const tool = (a) => ({
    tools: [
      {
        name: "t",
        description: "Does a thing.",
        inputSchema: { type: "object", properties: { a } },
      },
    ],
  });
  const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
  const before = tool({ type: "string" });
  const after = tool({ type: "string", TODO: "the edit that makes the rule fire" });
  const fires = {
    changes: [{ tool: "t", rule: id, severity, pointer: "/inputSchema/properties/a/TODO" }],
  };
  write(join(fixtureDir, "fires/before.json"), json(before));
  write(join(fixtureDir, "fires/after.json"), json(after));
  write(join(fixtureDir, "fires/expected.json"), json(fires));
  write(join(fixtureDir, "silent/before.json"), json(before));
  write(join(fixtureDir, "silent/after.json"), json(before));
  write(
    join(fixtureDir, "silent/expected.json"),
    json({ changes: [], note: "TODO: a near miss that must not fire" }),
  );

  // 3. The page.
  const blob = "https://github.com/mcp-contract/mcp-contract/blob/main";
  write(
    docFile,
    `# ${id}

## What changed

TODO: what the rule detects, in a paragraph (SARIF shows this first paragraph as the rule's description).

## Why it breaks agents

TODO: what an agent or its prompts get wrong after this change.

## How to fix

TODO: what to do about it; then run ${severity === "breaking" ? '`mcp-contract lock --accept-breaking "<reason>"`' : "`mcp-contract lock`"} to accept it.

## Example

Before ([\`fixtures/rules/${id}/fires/before.json\`](${blob}/fixtures/rules/${id}/fires/before.json)):

\`\`\`json
${json(before).trimEnd()}
\`\`\`

After:

\`\`\`json
${json(after).trimEnd()}
\`\`\`

Reported:

| tool | rule | severity | pointer |
| --- | --- | --- | --- |
| t | \`${id}\` | ${severity} | \`/inputSchema/properties/a/TODO\` |
`,
  );

  return `write the check code, the summary and keywords in ${relative(root, familyFile)}, the fixtures and the page; run npm run validators (the schemas changed) and UPDATE_README=1 npx vitest run test/docs.test.ts (the README's rule table); then npx vitest run test/diff`;
}

function scaffoldTemplateRule() {
  // 1. The record, at the end of TEMPLATE_RULES.
  const rulesFile = join(root, "src/templates/rules.ts");
  const source = readFileSync(rulesFile, "utf8");
  if (source.includes(`"${id}":`)) fail(`src/templates/rules.ts already declares ${id}`);
  const block = /export const TEMPLATE_RULES = defineRules\("template", \{\n[\s\S]*?\n\}\);/.exec(source);
  if (!block) fail('src/templates/rules.ts has no TEMPLATE_RULES = defineRules("template", { … }) block');
  const at = block.index + block[0].length - "});".length;
  write(
    rulesFile,
    `${source.slice(0, at)}  "${id}": {
    severity: "${severity}",
    summary: "TODO: one line saying what ${id} detects.",
  },
${source.slice(at)}`,
  );

  // 2. The page, in the template pages' form.
  write(
    docFile,
    `# ${id}

**Severity:** ${severity} · **Family:** template

## What changed

TODO: what in a template the rule reports, in a paragraph (SARIF shows this first paragraph as the rule's description).

## Why it breaks agents

TODO: what the prompt gets wrong when rendered against the servers as locked.

## How to fix

TODO: what to change in the template or the config.

## Example

\`\`\`handlebars
TODO: a template the rule reports
\`\`\`

\`\`\`text
${severity.toUpperCase()} prompts/TODO.hbs:1:1 TODO  ${id}
\`\`\`
`,
  );

  // 3. Its row in docs/templates.md's findings table, after the last row of its severity.
  const guide = join(root, "docs/templates.md");
  if (existsSync(guide)) {
    const text = readFileSync(guide, "utf8");
    const rows = [...text.matchAll(/^\| \[`template-[^`]+`\]\(rules\/[^)]+\.md\) \| (\w+) \|.*\n/gm)];
    if (rows.length === 0) fail("docs/templates.md: no findings table of template rules");
    const last = rows.filter((m) => m[1] === severity).at(-1) ?? rows.at(-1);
    const end = last.index + last[0].length;
    write(
      guide,
      `${text.slice(0, end)}| [\`${id}\`](rules/${id}.md) | ${severity} | TODO: when |\n${text.slice(end)}`,
    );
  }

  return "report it from the checker (src/templates/check.ts) with a test under test/templates; replace the TODOs of the summary, the page and docs/templates.md's row; add it to STANDING_FINDING_RULES in src/core/report.ts if locking again does not clear it; run npm run validators (the schemas changed) and UPDATE_README=1 npx vitest run test/docs.test.ts (the README's rule table); then npx vitest run test/templates";
}

function addRuleIds() {
  // 4. The id, where configs and acknowledgements may name it: src/rule-ids.ts and the two schemas
  // (each a sorted list; the precompiled validators are regenerated from the schemas).
  function addToSortedList(path, pattern) {
    if (!existsSync(path)) return;
    const text = readFileSync(path, "utf8");
    const m = pattern.exec(text);
    if (!m) fail(`${relative(root, path)}: no rule id list found`);
    const body = m[1];
    const indent = /^( *)"/m.exec(body)?.[1] ?? "  ";
    const ids = [...body.matchAll(/"([^"]+)"/g)].map((x) => x[1]);
    if (ids.includes(id)) return;
    const sorted = [...ids, id].sort();
    const start = m.index + m[0].indexOf(body);
    write(
      path,
      text.slice(0, start) +
        sorted
          .map((x) => `${indent}"${x}",\n`)
          .join("")
          .replace(/,\n$/, body.trimEnd().endsWith(",") ? ",\n" : "\n") +
        text.slice(start + body.length),
    );
  }
  addToSortedList(
    join(root, "src/rule-ids.ts"),
    /export const RULE_IDS: readonly string\[\] = \[\n([\s\S]*?\n)\];/,
  );
  addToSortedList(
    join(root, "schema/config.schema.json"),
    /"ruleId": \{[\s\S]*?"enum": \[\n([\s\S]*?\n)\s*\]/,
  );
  addToSortedList(
    join(root, "schema/acknowledgements.schema.json"),
    /"rule": \{[\s\S]*?"enum": \[\n([\s\S]*?\n)\s*\]/,
  );
}

// Formatted as the repository formats (imports sorted, lines wrapped), when Biome is installed.
function format() {
  const biome = join(root, "node_modules/.bin/biome");
  if (existsSync(biome)) {
    spawnSync(
      biome,
      ["check", "--write", ...written.filter((f) => f.endsWith(".ts") || f.endsWith(".json"))],
      {
        cwd: root,
        stdio: "ignore",
      },
    );
  }
}
