// The layers of src/ as docs/architecture.md draws them: every import between modules (a folder of
// src/, or a file directly in it) follows an arrow of the doc's "Import arrows" table, every arrow is
// used, every module is in the doc, and nothing imports in a cycle, between folders or between files.
// Imports are read by TypeScript's own pre-processor: `import`, `import type`, `export … from` and
// dynamic `import()` all count.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";

const SRC = resolve("src");
const DOC = resolve("docs/architecture.md");

/** An import of one file of src/ by another. */
interface Edge {
  from: string;
  to: string;
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Every relative import between files of src/, as paths relative to src/. */
function importEdges(): Edge[] {
  const files = sourceFiles(SRC);
  const known = new Set(files);
  const edges: Edge[] = [];
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    for (const { fileName: specifier } of info.importedFiles) {
      if (!specifier.startsWith(".")) continue;
      const base = resolve(dirname(file), specifier);
      if (!base.startsWith(`${SRC}${sep}`)) continue; // package.json, docs/: not a module of src/
      const target = [base.replace(/\.js$/, ".ts"), `${base}.ts`, join(base, "index.ts")].find((c) =>
        known.has(c),
      );
      if (target === undefined) throw new Error(`${relative(SRC, file)} imports ${specifier}: no such file`);
      edges.push({ from: relative(SRC, file), to: relative(SRC, target), specifier });
    }
  }
  return edges;
}

/** The module a file belongs to: `folder/` for a file in a folder of src/, else the file itself. */
function moduleOf(file: string): string {
  const parts = file.split(sep);
  return parts.length > 1 ? `${parts[0]}/` : parts[0]!;
}

/** The modules of src/ as they exist: its folders and the files directly in it. */
function modules(): string[] {
  return readdirSync(SRC, { withFileTypes: true })
    .filter((e) => e.isDirectory() || /\.ts$/.test(e.name))
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort();
}

/** The doc's "Import arrows" table: each module (in row order) and the modules it may import. */
function docArrows(doc: string): { order: string[]; arrows: Map<string, Set<string>> } {
  const section = /^## Import arrows\n([\s\S]*?)(?=^## )/m.exec(doc)?.[1];
  if (section === undefined) throw new Error("docs/architecture.md has no '## Import arrows' section");
  const order: string[] = [];
  const arrows = new Map<string, Set<string>>();
  for (const line of section.split("\n")) {
    const row = /^\| `([^`]+)` \| (.*) \|$/.exec(line);
    if (!row) continue;
    const [, from, cell] = row;
    order.push(from!);
    const targets = cell === "nothing" ? [] : [...cell!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    arrows.set(from!, new Set(targets));
  }
  return { order, arrows };
}

/** What is wrong with `edges` against the doc's arrows, one line each; empty when they agree. */
function arrowProblems(edges: readonly Edge[], doc: string, present: readonly string[]): string[] {
  const { order, arrows } = docArrows(doc);
  const problems: string[] = [];
  const used = new Set<string>();
  for (const edge of edges) {
    const from = moduleOf(edge.from);
    const to = moduleOf(edge.to);
    if (from === to) continue;
    used.add(`${from} → ${to}`);
    if (!arrows.get(from)?.has(to)) {
      problems.push(
        `src/${edge.from} imports ${edge.specifier}: ${from} → ${to} is not an arrow of docs/architecture.md`,
      );
    }
  }
  for (const [from, targets] of arrows) {
    for (const to of targets) {
      if (!used.has(`${from} → ${to}`))
        problems.push(`docs/architecture.md has the arrow ${from} → ${to}, which no import uses`);
      // Rows go bottom-up: an arrow to a row below (or to itself) would allow a cycle.
      if (order.indexOf(to) < 0 || order.indexOf(to) >= order.indexOf(from))
        problems.push(`docs/architecture.md: ${from} → ${to} points to a row that is not above ${from}`);
    }
  }
  for (const name of present)
    if (!arrows.has(name)) problems.push(`src/${name} is not in the import arrows of docs/architecture.md`);
  for (const name of arrows.keys())
    if (!present.includes(name))
      problems.push(`docs/architecture.md names ${name}, which src/ does not have`);
  return problems;
}

/** Files on an import cycle (strongly connected components of more than one file), each sorted. */
function fileCycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort()) if (!index.has(v)) visit(v);
  return out;
}

const doc = readFileSync(DOC, "utf8");
const edges = importEdges();

describe("the layers of src/", () => {
  test("every import follows an arrow of docs/architecture.md, every arrow is used, every module is there", () => {
    expect(arrowProblems(edges, doc, modules())).toEqual([]);
  });

  test("no import cycle between files (type-only and dynamic imports count)", () => {
    expect(fileCycles(edges)).toEqual([]);
  });

  test("the module table of docs/architecture.md names every module of src/", () => {
    const named = new Set([...doc.matchAll(/^\| `src\/([^`]+)` \|/gm)].map((m) => m[1]!));
    expect(modules().filter((name) => !named.has(name))).toEqual([]);
  });
});

describe("the checks catch what they are for", () => {
  test("a reporter importing the policy is refused, naming the file and the import", () => {
    const bad = [
      ...edges,
      { from: "report/formats/junit.ts", to: "policy/policy.ts", specifier: "../../policy/policy.js" },
    ];
    expect(arrowProblems(bad, doc, modules())).toEqual([
      "src/report/formats/junit.ts imports ../../policy/policy.js: report/ → policy/ is not an arrow of docs/architecture.md",
    ]);
  });

  test("an arrow no import uses, an arrow downwards, and modules missing on either side are refused", () => {
    const changed = doc
      .replace("| `report/` | `core/` |", "| `report/` | `core/`, `errors.ts` |")
      .replace("| `canonical/` | `core/` |", "| `canonical/` | `core/`, `cli/` |");
    const present = [...modules().filter((name) => name !== "rule-ids.ts"), "sandbox/"];
    const problems = arrowProblems(
      edges.filter((e) => e.to !== "rule-ids.ts"),
      changed,
      present,
    );
    expect(problems.sort()).toEqual(
      [
        "docs/architecture.md has the arrow canonical/ → cli/, which no import uses",
        "docs/architecture.md: canonical/ → cli/ points to a row that is not above canonical/",
        "docs/architecture.md has the arrow report/ → errors.ts, which no import uses",
        "docs/architecture.md has the arrow config/ → rule-ids.ts, which no import uses",
        "docs/architecture.md has the arrow guard/ → rule-ids.ts, which no import uses",
        "docs/architecture.md has the arrow policy/ → rule-ids.ts, which no import uses",
        "docs/architecture.md names rule-ids.ts, which src/ does not have",
        "src/sandbox/ is not in the import arrows of docs/architecture.md",
      ].sort(),
    );
  });

  test("a cycle between files is found, type-only or dynamic", () => {
    const cyclic = [
      ...edges,
      { from: "core/hash.ts", to: "core/change.ts", specifier: "./change.js" },
      { from: "core/change.ts", to: "core/hash.ts", specifier: "./hash.js" },
    ];
    expect(fileCycles(cyclic)).toEqual([["core/change.ts", "core/hash.ts"]]);
  });
});

describe("run-time dependencies", () => {
  test("every package under dependencies is imported by src/ (tests' and benchmarks' packages are devDependencies)", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> };
    const text = sourceFiles(SRC)
      .map((file) => readFileSync(file, "utf8"))
      .join("\n");
    // An import, an `import()` or a createRequire(...)("name") all name the package in quotes.
    const unused = Object.keys(pkg.dependencies).filter(
      (name) => !new RegExp(`["']${name}(/[^"']*)?["']`).test(text),
    );
    expect(unused).toEqual([]);
  });
});
