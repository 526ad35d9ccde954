// The real tool lists of published MCP servers (fixtures/corpus) as template inputs: every tool and
// parameter of an older version, named from a template, checked against the newest version.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Lockfile, ToolDefinition } from "../../src/core/lockfile.js";
import { lockServer } from "../../src/lockfile/build.js";
import { checkTemplates } from "../../src/templates/check.js";
import { renderTemplate } from "../../src/templates/render.js";
import { CORPUS_SNAPSHOTS } from "../helpers/corpus.js";

const SNAPSHOTS = CORPUS_SNAPSHOTS;
const packages = readdirSync(SNAPSHOTS).sort();

/** Snapshot versions of a package in numeric version order (the first is "oldest", the last "newest"). */
function versions(pkg: string): string[] {
  const names = readdirSync(join(SNAPSHOTS, pkg)).map((f) => f.replace(/\.json$/, ""));
  const key = (v: string) => v.split(".").map(Number);
  return names.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++)
      if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  });
}
function tools(pkg: string, version: string): ToolDefinition[] {
  return (
    JSON.parse(readFileSync(join(SNAPSHOTS, pkg, `${version}.json`), "utf8")) as { tools: ToolDefinition[] }
  ).tools;
}
function params(tool: ToolDefinition): string[] {
  const props = (tool.inputSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return Object.keys(props ?? {});
}
function lockOf(pick: (pkg: string, all: string[]) => string): Lockfile {
  const lock: Lockfile = { lockfileVersion: 1, servers: {} };
  for (const pkg of packages) lock.servers[pkg] = lockServer({ tools: tools(pkg, pick(pkg, versions(pkg))) });
  return lock;
}

describe("templates over the real-world corpus", () => {
  const oldest = lockOf((_, all) => all[0]!);
  const newest = lockOf((_, all) => all.at(-1)!);

  it("flags exactly the tools and parameters of the oldest versions that the newest versions lack", () => {
    const lines: string[] = [];
    const expected: string[] = [];
    for (const pkg of packages) {
      const now = new Map(tools(pkg, versions(pkg).at(-1)!).map((t) => [t.name, t]));
      for (const tool of tools(pkg, versions(pkg)[0]!)) {
        lines.push(`{{tool "${pkg}/${tool.name}"}}`);
        const current = now.get(tool.name);
        if (!current) expected.push(`template-unknown-tool ${pkg} ${tool.name} ${lines.length}`);
        for (const param of params(tool)) {
          lines.push(`{{param "${pkg}/${tool.name}" "${param}"}}`);
          // A parameter helper names its tool too: each line of a removed tool is flagged.
          if (!current) expected.push(`template-unknown-tool ${pkg} ${tool.name} ${lines.length}`);
          else if (!params(current).includes(param)) {
            expected.push(
              `template-unknown-param ${pkg} ${tool.name} ${lines.length}:${pkg.length + tool.name.length + 14}`,
            );
          }
        }
      }
    }
    const findings = checkTemplates({
      templates: [{ file: "all.hbs", source: lines.join("\n") }],
      lock: newest,
    });
    const got = findings.map((f) =>
      f.rule === "template-unknown-tool"
        ? `${f.rule} ${f.server} ${f.tool} ${f.location!.line}`
        : `${f.rule} ${f.server} ${f.tool} ${f.location!.line}:${f.location!.column}`,
    );
    expect(got).toEqual(expected);
    expect(expected.length).toBeGreaterThan(10); // the corpus really has removals
    expect(lines.length).toBeGreaterThan(200);
  });

  it("renders every tool of every newest version with a line per parameter", () => {
    for (const [server, locked] of Object.entries(newest.servers)) {
      for (const [name, tool] of Object.entries(locked.tools)) {
        const out = renderTemplate(`{{tool "${server}/${name}"}}`, newest);
        expect(out.startsWith(name)).toBe(true);
        const names = params(tool.definition);
        expect(out.split("\n").filter((l) => l.startsWith("- ")).length).toBeGreaterThanOrEqual(names.length);
        for (const p of names) expect(out).toContain(`\n- ${p} (`);
      }
    }
  });

  it("finds nothing wrong when every tool and parameter is named against its own version", () => {
    const source = Object.entries(oldest.servers)
      .flatMap(([server, locked]) =>
        Object.values(locked.tools).flatMap((t) => [
          `{{#tool "${server}/${t.definition.name}"}}`,
          ...params(t.definition).map(
            (p) => `{{param "${p}"}} {{tools.[${server}/${t.definition.name}].params.[${p}].description}}`,
          ),
          "{{/tool}}",
        ]),
      )
      .join("\n");
    expect(checkTemplates({ templates: [{ file: "ok.hbs", source }], lock: oldest })).toEqual([]);
  });
});
