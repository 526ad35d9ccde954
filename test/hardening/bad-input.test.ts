// The bad input catalogue: every case runs the built CLI on a broken config, lockfile, template,
// argument or file and asserts the exact stderr line (temp paths shown as <tmp>) and the exit code.
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { repoRoot, runCliInProcess } from "../helpers/cli.js";

const crmTools = join(repoRoot, "fixtures", "servers", "crm", "tools.v1.json");

/** A valid lockfile (the CRM v1 tools under server `crm`), made once by `lock`. */
let validLock = "";

interface Case {
  name: string;
  /** Files to create under the case's temp dir; `null` makes a directory. */
  files?: Record<string, string | null>;
  /** Arguments; `<tmp>` is replaced by the case's temp dir. */
  args: string[];
  env?: Record<string, string>;
  code: number;
  /** Exact stderr, with the temp dir written `<tmp>`. */
  stderr: string;
}

const yamlFile = (servers = "  crm:\n    file: tools.json\n") => `servers:\n${servers}`;
const crmConfig = { "mcp-contract.yaml": yamlFile(), "tools.json": "@crm" };

const cases: Case[] = [
  // ---- config: syntax
  {
    name: "malformed YAML: position of the error",
    files: { "mcp-contract.yaml": "servers:\n  crm: [file: a.json\n" },
    args: ["lock"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.yaml:3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]\n",
  },
  {
    name: "YAML with a duplicate key",
    files: { "mcp-contract.yaml": "servers:\n  crm:\n    file: a.json\n  crm:\n    file: b.json\n" },
    args: ["lock"],
    code: 2,
    stderr: "mcp-contract: <tmp>/mcp-contract.yaml:4:3: invalid YAML: Map keys must be unique\n",
  },
  {
    name: "malformed JSON config: line:column",
    // Comments and trailing commas are JSONC, read as VS Code and Cursor write it; a missing colon is not.
    files: { "mcp-contract.json": '{\n  "servers": {\n    "crm": { "file" "a.json", }\n  }\n}\n' },
    args: ["lock"],
    code: 2,
    stderr: "mcp-contract: <tmp>/mcp-contract.json:3:21: invalid JSON: colon expected\n",
  },
  {
    name: "empty YAML config",
    files: { "mcp-contract.yaml": "" },
    args: ["lock"],
    code: 2,
    stderr: "mcp-contract: <tmp>/mcp-contract.yaml: the config file is empty; add a servers map\n",
  },
  {
    name: "empty JSON config",
    files: { "mcp-contract.json": "" },
    args: ["lock"],
    code: 2,
    stderr: "mcp-contract: <tmp>/mcp-contract.json:1:1: invalid JSON: value expected\n",
  },
  {
    name: "config that is a scalar",
    files: { "mcp-contract.yaml": "hello\n" },
    args: ["lock"],
    code: 2,
    stderr: "mcp-contract: <tmp>/mcp-contract.yaml: $: the config must be a map with a servers key\n",
  },
  // ---- config: shape
  {
    name: "servers is a list",
    files: { "mcp-contract.yaml": "servers:\n  - file: a.json\n" },
    args: ["lock"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.yaml: $.servers: must be a map from server name to server, not a list (write `name:` before each server)\n",
  },
  {
    name: "servers missing",
    files: { "mcp-contract.yaml": "lockfile: x.lock.json\n" },
    args: ["lock"],
    code: 2,
    stderr: "mcp-contract: <tmp>/mcp-contract.yaml: $.servers: required key is missing\n",
  },
  {
    name: "unknown top-level key",
    files: { "mcp-contract.yaml": `${yamlFile()}server:\n  x: 1\n` },
    args: ["lock"],
    code: 2,
    stderr: "mcp-contract: <tmp>/mcp-contract.yaml: $.server: unknown key; did you mean `servers`?\n",
  },
  {
    name: "unknown server key",
    files: { "mcp-contract.yaml": yamlFile("  crm:\n    file: a.json\n    headrs: {}\n") },
    args: ["lock"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.yaml: $.servers.crm.headrs: unknown key; expected one of file\n",
  },
  {
    name: "`server:` for `servers:`: the typo is named, not the missing servers",
    files: { "mcp-contract.yaml": "server:\n  crm:\n    file: a.json\n" },
    args: ["lock"],
    code: 2,
    stderr: "mcp-contract: <tmp>/mcp-contract.yaml: $.server: unknown key; did you mean `servers`?\n",
  },
  {
    name: "a typo of command in a server with none of url, command or file: the key meant",
    files: { "mcp-contract.yaml": yamlFile("  crm:\n    comand: node\n    args: [server.mjs]\n") },
    args: ["lock"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.yaml: $.servers.crm.comand: unknown key; did you mean `command`?\n",
  },
  {
    name: "server with none of url, command or file",
    files: { "mcp-contract.yaml": yamlFile("  crm:\n    args: [x]\n") },
    args: ["lock"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.yaml: $.servers.crm: must have one of url (HTTP), command (stdio) or file\n",
  },
  {
    name: "server that is not an object",
    files: { "mcp-contract.yaml": yamlFile("  crm: 5\n") },
    args: ["lock"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.yaml: $.servers.crm: must be an object with url, command or file\n",
  },
  {
    name: "url of the wrong type",
    files: { "mcp-contract.yaml": yamlFile("  crm:\n    url: 5\n") },
    args: ["lock"],
    code: 2,
    stderr: "mcp-contract: <tmp>/mcp-contract.yaml: $.servers.crm.url: must be a string\n",
  },
  {
    name: "args that is not a list",
    files: { "mcp-contract.yaml": yamlFile("  crm:\n    command: node\n    args: server.mjs\n") },
    args: ["lock"],
    code: 2,
    stderr: "mcp-contract: <tmp>/mcp-contract.yaml: $.servers.crm.args: must be a list\n",
  },
  {
    name: "bad transport enum",
    files: {
      "mcp-contract.yaml": yamlFile("  crm:\n    url: http://127.0.0.1:9/mcp\n    transport: websocket\n"),
    },
    args: ["lock"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.yaml: $.servers.crm.transport: must be one of auto, streamable-http, sse, json\n",
  },
  {
    name: "templates that is a string",
    files: { "mcp-contract.yaml": `${yamlFile()}templates: prompts/*.hbs\n` },
    args: ["lock"],
    code: 2,
    stderr: "mcp-contract: <tmp>/mcp-contract.yaml: $.templates: must be a list\n",
  },
  {
    name: "bad rule severity",
    files: { "mcp-contract.yaml": `${yamlFile()}rules:\n  tool-removed: fatal\n` },
    args: ["lock"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.yaml: $.rules.tool-removed: must be one of breaking, warning, info, off\n",
  },
  {
    name: "server name with a space",
    files: { "mcp-contract.yaml": yamlFile('  "my crm":\n    file: a.json\n') },
    args: ["lock"],
    code: 2,
    stderr:
      'mcp-contract: <tmp>/mcp-contract.yaml: $.servers["my crm"]: server names cannot contain "/" or spaces\n',
  },
  {
    name: "missing env variable in a header, named",
    files: {
      "mcp-contract.yaml": yamlFile(
        "  crm:\n    url: http://127.0.0.1:9/mcp\n    headers:\n      Authorization: Bearer ${CRM_TOKEN_UNSET}\n",
      ),
    },
    args: ["lock"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.yaml: $.servers.crm.headers.Authorization: environment variable CRM_TOKEN_UNSET is not set; export it or remove ${CRM_TOKEN_UNSET}\n",
  },
  {
    name: "missing env variable in args, named",
    files: {
      "mcp-contract.yaml": yamlFile('  crm:\n    command: node\n    args: ["${env:CRM_ARG_UNSET}"]\n'),
    },
    args: ["lock"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.yaml: $.servers.crm.args[0]: environment variable CRM_ARG_UNSET is not set; export it or remove ${CRM_ARG_UNSET}\n",
  },
  {
    name: "__proto__ as a top-level config key",
    files: { "mcp-contract.yaml": `${yamlFile()}__proto__:\n  polluted: 1\n` },
    args: ["lock"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.yaml: $.__proto__: unknown key; expected one of $schema, servers, lockfile, templates, partials, rules\n",
  },
  {
    name: "__proto__ as a server key in a JSON config",
    files: { "mcp-contract.json": '{"servers": {"crm": {"file": "a.json", "__proto__": {"polluted": 1}}}}' },
    args: ["lock"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.json: $.servers.crm.__proto__: unknown key; expected one of file\n",
  },
  // ---- config: files
  {
    name: "--config that does not exist",
    args: ["lock", "--config", "<tmp>/nope.yaml"],
    code: 2,
    stderr: "mcp-contract: <tmp>/nope.yaml: config file not found\n",
  },
  {
    name: "--config that is a directory",
    files: { "conf.yaml": null },
    args: ["lock", "--config", "<tmp>/conf.yaml"],
    code: 2,
    stderr: "mcp-contract: <tmp>/conf.yaml: is a directory, expected a config file\n",
  },
  {
    name: "--config through a regular file (unreadable path)",
    files: { "file.json": "{}" },
    args: ["lock", "--config", "<tmp>/file.json/x.yaml"],
    code: 2,
    stderr: "mcp-contract: <tmp>/file.json/x.yaml: cannot read config file (ENOTDIR)\n",
  },
  {
    name: "no config found upward",
    args: ["check", "--offline"],
    code: 2,
    stderr:
      "mcp-contract: no mcp-contract.yaml, mcp-contract.yml, mcp-contract.json found in <tmp> or any parent directory; run `mcp-contract init` or pass --config FILE\n",
  },
  // ---- lockfile
  {
    name: "malformed lockfile JSON",
    files: { ...crmConfig, "mcp-contract.lock.json": '{"lockfileVersion": 1,\n  "servers": {]\n}' },
    args: ["check", "--offline"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.lock.json:2:15: invalid JSON: property name expected; restore it from git, or delete it and run `mcp-contract lock` to write it again\n",
  },
  {
    name: "lockfile cut off mid-file: line:column and how to get a whole one back, for lock too",
    files: {
      ...crmConfig,
      "mcp-contract.lock.json":
        '{\n  "lockfileVersion": 2,\n  "servers": {\n    "crm": {\n      "hash": "e3b0',
    },
    args: ["lock"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.lock.json:5:15: invalid JSON: unexpected end of string; restore it from git, or delete it and run `mcp-contract lock` to write it again\n",
  },
  {
    name: "lockfile left with git merge conflict markers: the first marker's line",
    files: {
      ...crmConfig,
      "mcp-contract.lock.json":
        '{\n  "lockfileVersion": 2,\n<<<<<<< HEAD\n  "servers": {}\n=======\n  "servers": {"crm": {}}\n>>>>>>> feature\n}\n',
    },
    args: ["check", "--offline"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.lock.json:3:1: unresolved git merge conflict (<<<<<<< at line 3); restore it from git, or delete it and run `mcp-contract lock` to write it again\n",
  },
  {
    name: "lockfile from a newer lockfileVersion",
    files: { ...crmConfig, "mcp-contract.lock.json": '{"lockfileVersion": 99, "servers": {}}' },
    args: ["check", "--offline"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.lock.json: $.lockfileVersion: version 99 is newer than this mcp-contract understands (2); upgrade mcp-contract\n",
  },
  {
    name: "lockfile from an older lockfileVersion",
    files: { ...crmConfig, "mcp-contract.lock.json": '{"lockfileVersion": 0, "servers": {}}' },
    args: ["check", "--offline"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.lock.json: $.lockfileVersion: unsupported version 0; this mcp-contract reads versions 1 and 2: delete the lockfile and run `mcp-contract lock`\n",
  },
  {
    name: "lockfile without lockfileVersion",
    files: { ...crmConfig, "mcp-contract.lock.json": '{"servers": {}}' },
    args: ["check", "--offline"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.lock.json: $.lockfileVersion: missing; this is not an mcp-contract lockfile\n",
  },
  {
    name: "lockfile whose servers is a list",
    files: { ...crmConfig, "mcp-contract.lock.json": '{"lockfileVersion": 1, "servers": []}' },
    args: ["check", "--offline"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.lock.json: $.servers: expected an object keyed by server name\n",
  },
  {
    name: "lockfile whose tool name disagrees with its key",
    files: { ...crmConfig, "mcp-contract.lock.json": "@lock-renamed" },
    args: ["check", "--offline"],
    code: 2,
    stderr:
      'mcp-contract: <tmp>/mcp-contract.lock.json: $.servers["crm"].tools["create_ticket"].definition.name: expected "create_ticket"\n',
  },
  {
    name: "lockfile that is a directory",
    files: { ...crmConfig, "mcp-contract.lock.json": null },
    args: ["check", "--offline"],
    code: 2,
    stderr: "mcp-contract: <tmp>/mcp-contract.lock.json: is a directory, expected a lockfile\n",
  },
  {
    name: "check --offline with no lockfile",
    files: crmConfig,
    args: ["check", "--offline"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.lock.json: no lockfile yet; run `mcp-contract lock` and commit it\n",
  },
  // ---- acknowledgements
  {
    name: "acknowledgements file cut off mid-file: line:column",
    files: {
      ...crmConfig,
      "mcp-contract.lock.json": "@lock",
      "mcp-contract.acks.json": '{"version": 1,\n  "acknowledgements": [',
    },
    args: ["check", "--offline"],
    code: 2,
    stderr: "mcp-contract: mcp-contract.acks.json:2:24: invalid JSON: close bracket expected\n",
  },
  {
    name: "acknowledgement with a fingerprint that is not one says where fingerprints come from",
    files: {
      ...crmConfig,
      "mcp-contract.lock.json": "@lock",
      "mcp-contract.acks.json": JSON.stringify({
        version: 1,
        acknowledgements: [
          {
            fingerprint: "16523CB120DDE61",
            rule: "tool-removed",
            server: "crm",
            pointer: "",
            reason: "gone",
            acceptedBy: "ana",
            acceptedAt: "2026-01-01",
          },
        ],
      }),
    },
    args: ["check", "--offline"],
    code: 2,
    stderr:
      'mcp-contract: mcp-contract.acks.json: $.acknowledgements[0].fingerprint: "16523CB120DDE61" is not a fingerprint (16 hex digits, as every report prints them); copy it from the report, or let `mcp-contract lock --accept-breaking "<reason>"` record it\n',
  },
  // ---- templates
  {
    name: "templates glob matching nothing is not an error (a new project has no prompts yet)",
    files: { ...crmConfig, "mcp-contract.lock.json": "@lock" },
    args: ["check", "--offline", "--quiet"],
    code: 0,
    stderr: "",
  },
  {
    name: "a partials directory that does not exist: the config and the entry, not silence",
    files: {
      ...crmConfig,
      "mcp-contract.yaml": `${yamlFile()}partials: [prompts/partials]\n`,
      "mcp-contract.lock.json": "@lock",
    },
    args: ["check", "--offline"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.yaml: $.partials[0]: <tmp>/prompts/partials not found; create the directory or remove it from partials\n",
  },
  {
    name: "a partials entry that is a file, in render too",
    files: {
      ...crmConfig,
      "mcp-contract.yaml": `${yamlFile()}partials: [footer.hbs]\n`,
      "mcp-contract.lock.json": "@lock",
      "footer.hbs": "F",
      "p.hbs": "x",
    },
    args: ["render", "p.hbs"],
    code: 2,
    stderr:
      "mcp-contract: <tmp>/mcp-contract.yaml: $.partials[0]: <tmp>/footer.hbs is not a directory; partials lists directories of .hbs or .handlebars files\n",
  },
  {
    name: "template syntax error: file:line:column where the unclosed block opens",
    files: {
      ...crmConfig,
      "mcp-contract.lock.json": "@lock",
      "prompts/a.hbs": "Hello\n{{#if x}}\nno close\n",
    },
    args: ["check", "--offline"],
    code: 2,
    stderr:
      "mcp-contract: prompts/a.hbs:2:1: syntax error: `{{#if}}` is never closed: add `{{/if}}` where the block ends\n",
  },
  // Handlebars parses recursively in quadratic time: 5,000 nested blocks took 14.5 s and then
  // overflowed the stack. The nesting is bounded before Handlebars sees the text.
  {
    name: "template with 5,000 nested {{#if}} blocks",
    files: {
      ...crmConfig,
      "mcp-contract.lock.json": "@lock",
      "prompts/deep.hbs": `Intro\n${"{{#if a}}".repeat(5000)}x${"{{/if}}".repeat(5000)}\n`,
    },
    args: ["check", "--offline"],
    code: 2,
    stderr:
      "mcp-contract: prompts/deep.hbs:2: blocks and subexpressions nest more than 256 deep; flatten the template (Handlebars would overflow its stack)\n",
  },
  {
    name: "render on a template with 5,000 nested blocks",
    files: {
      ...crmConfig,
      "mcp-contract.lock.json": "@lock",
      "p.hbs": `${"{{#each a}}\n".repeat(5000)}x${"{{/each}}".repeat(5000)}\n`,
    },
    args: ["render", "p.hbs"],
    code: 2,
    stderr:
      "mcp-contract: p.hbs:257: blocks and subexpressions nest more than 256 deep; flatten the template (Handlebars would overflow its stack)\n",
  },
  {
    name: "template with 300 nested subexpressions",
    files: {
      ...crmConfig,
      "mcp-contract.lock.json": "@lock",
      "prompts/sub.hbs": `{{tool ${"(concat ".repeat(300)}"x"${")".repeat(300)}}}\n`,
    },
    args: ["check", "--offline"],
    code: 2,
    stderr:
      "mcp-contract: prompts/sub.hbs:1: blocks and subexpressions nest more than 256 deep; flatten the template (Handlebars would overflow its stack)\n",
  },
  {
    name: "256 nested blocks are within the bound",
    files: {
      ...crmConfig,
      "mcp-contract.lock.json": "@lock",
      "prompts/ok.hbs": `{{!-- {{#if}} in a comment does not count --}}${"{{#if a}}".repeat(256)}{{"(((("}}x${"{{/if}}".repeat(256)}\n`,
    },
    args: ["check", "--offline", "--quiet"],
    code: 0,
    stderr: "",
  },
  {
    name: "render on a missing template",
    files: { ...crmConfig, "mcp-contract.lock.json": "@lock" },
    args: ["render", "prompts/missing.hbs"],
    code: 2,
    stderr: "mcp-contract: prompts/missing.hbs: no such template file\n",
  },
  {
    name: "render on a template with a syntax error",
    files: { ...crmConfig, "mcp-contract.lock.json": "@lock", "p.hbs": "{{#each tools}}\n{{/if}}\n" },
    args: ["render", "p.hbs"],
    code: 2,
    stderr: "mcp-contract: p.hbs:1: syntax error: each doesn't match if\n",
  },
  {
    name: "render on a template calling a helper render does not have: cannot render, not a syntax error",
    files: { ...crmConfig, "mcp-contract.lock.json": "@lock", "p.hbs": "Hi\n{{myHelper 1}}\n" },
    args: ["render", "p.hbs"],
    code: 2,
    stderr:
      "mcp-contract: p.hbs:2:1: cannot render: no helper `myHelper`: render has mcp-contract's helpers (tool, param, prompt, arg, resource) and Handlebars' built-ins only\n",
  },
  {
    name: "render on a template calling a built-in helper without its arguments",
    files: { ...crmConfig, "mcp-contract.lock.json": "@lock", "p.hbs": "Hi\n  {{lookup}}\n" },
    args: ["render", "p.hbs"],
    code: 2,
    stderr:
      'mcp-contract: p.hbs:2:3: cannot render: `{{lookup}}` takes two arguments, an object and a key (`{{lookup tools "crm/create_ticket"}}`); it was given none\n',
  },
  {
    name: "render on a template calling #if without its condition: the line, not line 1",
    files: { ...crmConfig, "mcp-contract.lock.json": "@lock", "p.hbs": "Hi\n\n{{#if}}x{{/if}}\n" },
    args: ["render", "p.hbs"],
    code: 2,
    stderr:
      "mcp-contract: p.hbs:3:1: cannot render: `{{#if}}` takes one argument, the condition; it was given none\n",
  },
  {
    name: "render on a template naming a partial there is not: its line and the one meant (was line 1)",
    files: {
      ...crmConfig,
      "mcp-contract.yaml": `${yamlFile()}partials: [parts]\n`,
      "mcp-contract.lock.json": "@lock",
      "parts/footer.hbs": "F",
      "p.hbs": "Hi\n\n  {{> fotter}}\n",
    },
    args: ["render", "p.hbs"],
    code: 2,
    stderr:
      "mcp-contract: p.hbs:3:3: cannot render: no partial `fotter` (did you mean `footer`?); partials are the files of the config's `partials` directories\n",
  },
  {
    name: "render --data with bad JSON",
    files: {
      ...crmConfig,
      "mcp-contract.lock.json": "@lock",
      "p.hbs": "hi {{name}}\n",
      "d.json": '{"name": }',
    },
    args: ["render", "p.hbs", "--data", "d.json"],
    code: 2,
    stderr: "mcp-contract: d.json:1:10: invalid JSON: value expected\n",
  },
  {
    name: "render --data with a YAML list: not every variable empty without a word",
    files: {
      ...crmConfig,
      "mcp-contract.lock.json": "@lock",
      "p.hbs": "hi {{name}}\n",
      "d.yaml": "- name: Ada\n",
    },
    args: ["render", "p.hbs", "--data", "d.yaml"],
    code: 2,
    stderr:
      "mcp-contract: d.yaml: the --data file must be a mapping of the template's variables (name: value), not a list\n",
  },
  {
    name: "render --data with a JSON string",
    files: { ...crmConfig, "mcp-contract.lock.json": "@lock", "p.hbs": "hi {{name}}\n", "d.json": '"Ada"' },
    args: ["render", "p.hbs", "--data", "d.json"],
    code: 2,
    stderr:
      "mcp-contract: d.json: the --data file must be a mapping of the template's variables (name: value), not a string\n",
  },
  {
    name: "render --data on a missing file",
    files: { ...crmConfig, "mcp-contract.lock.json": "@lock", "p.hbs": "hi\n" },
    args: ["render", "p.hbs", "--data", "nope.json"],
    code: 2,
    stderr: "mcp-contract: nope.json: cannot read --data file (ENOENT)\n",
  },
  {
    name: "render with no lockfile yet",
    files: { ...crmConfig, "p.hbs": "hi\n" },
    args: ["render", "p.hbs"],
    code: 2,
    stderr: "mcp-contract: <tmp>/mcp-contract.lock.json: no lockfile yet; run `mcp-contract lock` first\n",
  },
  // ---- CLI arguments
  {
    name: "unknown --server",
    files: crmConfig,
    args: ["lock", "--server", "crn"],
    code: 2,
    stderr:
      'mcp-contract: unknown server "crn" in --server; did you mean `crm`? <tmp>/mcp-contract.yaml configures: crm\n',
  },
  {
    name: "unknown --server among 300: the one meant and ten of them, not all 300",
    files: {
      "mcp-contract.yaml": yamlFile(
        Array.from({ length: 300 }, (_, i) => `  server-${i + 1}:\n    file: tools.json\n`).join(""),
      ),
      "tools.json": "@crm",
    },
    args: ["check", "--server", "sever-200"],
    code: 2,
    stderr:
      'mcp-contract: unknown server "sever-200" in --server; did you mean `server-200`? <tmp>/mcp-contract.yaml configures: server-1, server-2, server-3, server-4, server-5, server-6, server-7, server-8, server-9, server-10 and 290 more\n',
  },
  {
    name: "bad --timeout value",
    args: ["lock", "--timeout", "soon"],
    code: 2,
    stderr:
      "error: option '--timeout <ms>' argument 'soon' is invalid. expected a whole number from 1 to 2147483647 (milliseconds)\n(run mcp-contract lock --help for usage)\n",
  },
  {
    name: "zero --timeout",
    args: ["check", "--timeout", "0"],
    code: 2,
    stderr:
      "error: option '--timeout <ms>' argument '0' is invalid. expected a whole number from 1 to 2147483647 (milliseconds)\n(run mcp-contract check --help for usage)\n",
  },
  {
    name: "negative --concurrency",
    args: ["lock", "--concurrency", "-1"],
    code: 2,
    stderr:
      "error: option '--concurrency <n>' argument '-1' is invalid. expected a whole number from 1 to 1024\n(run mcp-contract lock --help for usage)\n",
  },
  // Node turns a timer of 2^31 ms or more into 1 ms (even a file: server would "time out"), and
  // 1e20 into "The value of \"delay\" is out of range": both are usage errors before anything runs.
  {
    name: "--timeout of 2^31 ms, past Node's timer limit",
    files: crmConfig,
    args: ["lock", "--timeout", "2147483648"],
    code: 2,
    stderr:
      "error: option '--timeout <ms>' argument '2147483648' is invalid. expected a whole number from 1 to 2147483647 (milliseconds)\n(run mcp-contract lock --help for usage)\n",
  },
  {
    name: "--timeout 1e20",
    files: crmConfig,
    args: ["check", "--timeout", "1e20"],
    code: 2,
    stderr:
      "error: option '--timeout <ms>' argument '1e20' is invalid. expected a whole number from 1 to 2147483647 (milliseconds)\n(run mcp-contract check --help for usage)\n",
  },
  {
    name: "--timeout 2.5 (not a whole number)",
    args: ["lock", "--timeout", "2.5"],
    code: 2,
    stderr:
      "error: option '--timeout <ms>' argument '2.5' is invalid. expected a whole number from 1 to 2147483647 (milliseconds)\n(run mcp-contract lock --help for usage)\n",
  },
  {
    name: "--concurrency past its range",
    args: ["lock", "--concurrency", "100000"],
    code: 2,
    stderr:
      "error: option '--concurrency <n>' argument '100000' is invalid. expected a whole number from 1 to 1024\n(run mcp-contract lock --help for usage)\n",
  },
  {
    name: "--max-pages in exponent notation",
    args: ["check", "--max-pages", "1e3"],
    code: 2,
    stderr:
      "error: option '--max-pages <n>' argument '1e3' is invalid. expected a whole number from 1 to 1000000\n(run mcp-contract check --help for usage)\n",
  },
  {
    name: "--max-pages of 2^53, not a safe integer",
    args: ["check", "--max-pages", "9007199254740993"],
    code: 2,
    stderr:
      "error: option '--max-pages <n>' argument '9007199254740993' is invalid. expected a whole number from 1 to 1000000\n(run mcp-contract check --help for usage)\n",
  },
  {
    name: "--shard past its range",
    files: crmConfig,
    args: ["check", "--shard", "1/100000000000000000000"],
    code: 2,
    stderr:
      'mcp-contract: --shard 1/100000000000000000000: expected N from 1 to 10000, got "1/100000000000000000000"\n',
  },
  {
    name: "--output naming a directory, refused before anything runs",
    files: { "a.json": "[]", out: null },
    args: ["diff", "a.json", "a.json", "--format", "json", "--output", "out"],
    code: 2,
    stderr:
      "error: option '-o, --output <file>' argument 'out' is invalid. it is a directory; name a file to write the report to\n(run mcp-contract diff --help for usage)\n",
  },
  {
    name: "--output ending in a slash",
    files: { "a.json": "[]" },
    args: ["diff", "a.json", "a.json", "--output", "reports/"],
    code: 2,
    stderr:
      "error: option '-o, --output <file>' argument 'reports/' is invalid. it is a directory; name a file to write the report to\n(run mcp-contract diff --help for usage)\n",
  },
  {
    name: "two --format given one --output file: refused, not one report written over the other",
    files: { "a.json": "[]" },
    args: ["diff", "a.json", "a.json", "-f", "json", "-o", "r.out", "-f", "sarif", "-o", "./r.out"],
    code: 2,
    stderr:
      "error: option '-o, --output <file>' argument './r.out' is invalid. --output ./r.out: --format json already writes there; give each format its own file\n(run mcp-contract diff --help for usage)\n",
  },
  {
    name: "check --output naming the lockfile: refused, the lockfile is not replaced by the report",
    files: { ...crmConfig, "mcp-contract.lock.json": "@lock" },
    args: ["check", "--offline", "--no-cache", "--format", "json", "--output", "mcp-contract.lock.json"],
    code: 2,
    stderr:
      "mcp-contract: --output mcp-contract.lock.json: that is the lockfile this run reads (<tmp>/mcp-contract.lock.json); write to another file\n",
  },
  {
    name: "diff --output naming its AFTER file: refused",
    files: { "a.json": "[]", "b.json": "[]" },
    args: ["diff", "a.json", "b.json", "--format", "json", "--output", "./b.json"],
    code: 2,
    stderr:
      "mcp-contract: --output ./b.json: that is the AFTER file this run reads (<tmp>/b.json); write to another file\n",
  },
  {
    name: "export --output naming the lockfile: refused",
    files: { ...crmConfig, "mcp-contract.lock.json": "@lock" },
    args: ["export", "--output", "mcp-contract.lock.json"],
    code: 2,
    stderr:
      "mcp-contract: --output mcp-contract.lock.json: that is the lockfile this run reads (<tmp>/mcp-contract.lock.json); write to another file\n",
  },
  {
    name: "--output through a regular file",
    files: { "a.json": "[]" },
    args: ["diff", "a.json", "a.json", "--format", "json", "--output", "a.json/report.json"],
    code: 2,
    stderr:
      "mcp-contract: --output a.json/report.json: cannot write the json report (EEXIST: part of its path is a file, not a directory)\n",
  },
  {
    name: "lock --expires a date that has passed: refused before anything is fetched or written",
    files: crmConfig,
    args: ["lock", "--accept-breaking", "prompts updated", "--expires", "2001-02-03"],
    code: 2,
    stderr:
      "mcp-contract: --expires 2001-02-03: that date has passed, so the acknowledgements would expire as they are written; give a later date, or leave --expires out\n",
  },
  {
    name: "a stdio server's stderr relayed with its control characters shown, not run by the terminal",
    files: {
      "mcp-contract.yaml": yamlFile(
        "  crm:\n    command: sh\n    args: [-c, \"printf 'boom\\\\033[2J\\\\007' >&2; exit 1\"]\n",
      ),
    },
    args: ["lock"],
    code: 3,
    stderr:
      'mcp-contract: server "crm": the server process exited with code 1 before completing the handshake; stderr: boom\\u{1B}[2J\\u{7}\nmcp-contract: no server could be fetched; no lockfile was written\n',
  },
  {
    name: "unknown command",
    args: ["lokc"],
    code: 2,
    stderr: "error: unknown command 'lokc'\n(Did you mean lock?)\n(run mcp-contract --help for usage)\n",
  },
  {
    name: "unknown option",
    args: ["lock", "--fast"],
    code: 2,
    stderr: "error: unknown option '--fast'\n(run mcp-contract lock --help for usage)\n",
  },
  {
    name: "bad --format",
    args: ["diff", "a.json", "b.json", "--format", "xml"],
    code: 2,
    stderr:
      "error: option '-f, --format <format>' argument 'xml' is invalid. Allowed choices are text, json, markdown, github, sarif, junit, html.\n(run mcp-contract diff --help for usage)\n",
  },
  {
    name: "missing diff argument",
    args: ["diff", "a.json"],
    code: 2,
    stderr: "error: missing required argument 'after'\n(run mcp-contract diff --help for usage)\n",
  },
  {
    name: "missing render argument",
    args: ["render"],
    code: 2,
    stderr: "error: missing required argument 'template'\n(run mcp-contract render --help for usage)\n",
  },
  // ---- diff files
  {
    name: "diff on a missing file",
    files: { "a.json": "[]" },
    args: ["diff", "a.json", "missing.json"],
    code: 2,
    stderr: "mcp-contract: missing.json: file not found\n",
  },
  {
    name: "diff on a directory",
    files: { "a.json": "[]", dir: null },
    args: ["diff", "a.json", "dir"],
    code: 2,
    stderr: "mcp-contract: dir: is a directory, expected a file\n",
  },
  {
    name: "diff on a path through a regular file",
    files: { "a.json": "[]" },
    args: ["diff", "a.json", "a.json/x"],
    code: 2,
    stderr: "mcp-contract: a.json/x: cannot read (ENOTDIR)\n",
  },
  {
    name: "diff on malformed JSON",
    files: { "a.json": "[]", "b.json": '{"tools": [\n  {"name": "x",}\n]}' },
    args: ["diff", "a.json", "b.json"],
    code: 2,
    stderr: "mcp-contract: b.json:2:16: invalid JSON: property name expected\n",
  },
  {
    name: "tools/list file that is neither object nor array",
    files: { "a.json": "[]", "b.json": "42" },
    args: ["diff", "a.json", "b.json"],
    code: 2,
    stderr: 'mcp-contract: b.json: expected a tools/list result {"tools": [...]} or a JSON array of tools\n',
  },
  {
    name: "tools/list file whose tools is not an array",
    files: { "a.json": "[]", "b.json": '{"tools": {"x": {}}}' },
    args: ["diff", "a.json", "b.json"],
    code: 2,
    stderr: 'mcp-contract: b.json: "tools" must be an array\n',
  },
  {
    name: "tools entry without a name",
    files: {
      "a.json": "[]",
      "b.json": '{"tools": [{"name": "a", "inputSchema": {}}, {"description": "x"}]}',
    },
    args: ["diff", "a.json", "b.json"],
    code: 2,
    stderr: 'mcp-contract: b.json: tools[1] has no string "name"\n',
  },
  {
    name: "tools entry that is not an object",
    files: { "a.json": "[]", "b.json": '["search"]' },
    args: ["diff", "a.json", "b.json"],
    code: 2,
    stderr: "mcp-contract: b.json: tools[0] is not an object\n",
  },
  // ---- file servers
  {
    name: "file server pointing at a missing file: exit 3 naming the server",
    files: { "mcp-contract.yaml": yamlFile("  crm:\n    file: missing.json\n") },
    args: ["lock"],
    code: 3,
    stderr:
      'mcp-contract: server "crm": cannot read <tmp>/missing.json (ENOENT)\nmcp-contract: no server could be fetched; no lockfile was written\n',
  },
  {
    name: "file server with malformed JSON",
    files: { "mcp-contract.yaml": yamlFile("  crm:\n    file: tools.json\n"), "tools.json": "{nope" },
    args: ["lock"],
    code: 3,
    stderr:
      'mcp-contract: server "crm": <tmp>/tools.json:1:2: invalid JSON: invalid symbol\nmcp-contract: no server could be fetched; no lockfile was written\n',
  },
  {
    // Not a failure: the entry is skipped with an invalid-tool-definition warning (on stdout), as on
    // every transport (test/fetch/file.test.ts, test/hardening/fault-matrix.test.ts).
    name: "file server whose tools entry has no name: skipped, the server is locked",
    files: {
      "mcp-contract.yaml": yamlFile("  crm:\n    file: tools.json\n"),
      "tools.json": '{"tools": [{}]}',
    },
    args: ["lock"],
    code: 0,
    stderr: "fetched crm: 0 tools\n",
  },
  {
    name: "file server through a regular file",
    files: { "mcp-contract.yaml": yamlFile("  crm:\n    file: tools.json/x\n"), "tools.json": "[]" },
    args: ["lock"],
    code: 3,
    stderr:
      'mcp-contract: server "crm": cannot read <tmp>/tools.json/x (ENOTDIR)\nmcp-contract: no server could be fetched; no lockfile was written\n',
  },
];

function materialize(files: Record<string, string | null>): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "mcp-contract-bad-")));
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    if (content === null) {
      mkdirSync(path, { recursive: true });
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    const text =
      content === "@crm"
        ? JSON.stringify(JSON.parse(readCrm()))
        : content === "@lock"
          ? validLock
          : content === "@lock-renamed"
            ? validLock.replace('"name": "create_ticket"', '"name": "create_tickets"')
            : content;
    writeFileSync(path, text);
  }
  return dir;
}

function readCrm(): string {
  return readFileSync(crmTools, "utf8");
}

const probe: Record<string, { code: number | null; stderr: string }> = {};

describe("bad input catalogue", () => {
  beforeAll(async () => {
    const dir = materialize(crmConfig);
    const result = await runCliInProcess(["lock", "--quiet"], { cwd: dir });
    expect(result.code).toBe(0);
    validLock = readFileSync(join(dir, "mcp-contract.lock.json"), "utf8");
    expect(validLock).toContain('"create_ticket"');
  });

  // Each case is its own run and temp dir: run a few at once to keep the suite quick.
  it.concurrent.each(cases)("$name", async (c) => {
    const dir = materialize(c.files ?? {});
    const args = c.args.map((a) => a.replaceAll("<tmp>", dir));
    const result = await runCliInProcess(args, { cwd: dir, env: c.env });
    const stderr = result.stderr.replaceAll(dir, "<tmp>");
    if (process.env.BAD_INPUT_PROBE) {
      probe[c.name] = { code: result.code, stderr };
      writeFileSync(process.env.BAD_INPUT_PROBE, JSON.stringify(probe, null, 2));
      return;
    }
    expect(stderr).toBe(c.stderr);
    expect(result.code).toBe(c.code);
  });
});

describe("docs/security.md", () => {
  it("gives the catalogue's number of cases", () => {
    const page = readFileSync(join(repoRoot, "docs", "security.md"), "utf8");
    expect(page).toContain(`\`test/hardening/bad-input.test.ts\`, ${cases.length} cases`);
  });
});

describe("prototype pollution through the config", () => {
  it("loadConfig keeps __proto__ and constructor keys as data", async () => {
    const dir = materialize({
      "mcp-contract.json":
        '{"servers": {"constructor": {"file": "a.json"}, "__proto__": {"file": "b.json"}}, "rules": {"tool-added": "off"}}',
    });
    const config = await loadConfig({ cwd: dir, env: {} });
    expect(Object.keys(config.servers).sort()).toEqual(["__proto__", "constructor"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(config.rules)).toBe(Object.prototype);
    // A rule key is a rule id or an error: `__proto__` never reaches the rules object.
    writeFileSync(join(dir, "mcp-contract.json"), '{"servers": {}, "rules": {"__proto__": "off"}}');
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toThrow(
      `${join(dir, "mcp-contract.json")}: $.rules.__proto__: unknown rule id; the rule ids are listed in the README and docs/rules/`,
    );
  });
});

describe("a schema too deep to validate", () => {
  it("is one finding on its tool saying so (the validator overflowing is not an invalid schema), and is locked", async () => {
    // Written as text: JSON.stringify itself would overflow on it.
    const schema = `${'{"type": "object", "properties": {"x": '.repeat(10_000)}{"type": "string"}${"}}".repeat(10_000)}`;
    const dir = materialize({
      "mcp-contract.yaml": yamlFile(),
      "tools.json": `{"tools": [{"name": "deep", "inputSchema": ${schema}}]}`,
    });
    const result = await runCliInProcess(["lock"], { cwd: dir });
    expect(result.stderr).toBe("fetched crm: 1 tool\n");
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n").filter((line) => line.includes("invalid-tool-definition"));
    expect(lines).toEqual([
      "    warning  Tool `deep`: `inputSchema` is too deep to validate (nested 20001 levels, more than 1000); it was kept as sent, unchecked. (The tool was kept exactly as sent; ask the server's maintainers to fix its definition.)  invalid-tool-definition",
    ]);
    expect(result.stdout).not.toContain("does not compile");
    expect(
      JSON.parse(readFileSync(join(dir, "mcp-contract.lock.json"), "utf8")).servers.crm.tools.deep,
    ).toBeDefined();
  });
});
