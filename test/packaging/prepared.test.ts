// scripts/prepared.mjs: prepare builds again unless dist/ is what its last build left, from the
// same inputs. A package of a few files stands in for the repository (no build runs here; the
// packaged-install proof, test/packaging/pack.test.ts, runs the real one).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUILD_FILES, preparedHolds, recordPrepared, sourcesDigest } from "../../scripts/prepared.mjs";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function write(root: string, file: string, text: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}

/** A package with sources, the build's files and a dist/, recorded as built. */
function prepared(): string {
  const root = mkdtempSync(join(tmpdir(), "mcp-contract-prepared-"));
  dirs.push(root);
  write(root, "src/index.ts", "export const a = 1;\n");
  write(root, "src/cli/main.ts", "export const b = 2;\n");
  for (const file of BUILD_FILES) write(root, file, `${file}\n`);
  write(root, "dist/index.js", "export const a = 1;\n");
  write(root, "dist/index.d.ts", "export declare const a = 1;\n");
  write(root, "dist/cli/main.js", "export const b = 2;\n");
  recordPrepared(root, sourcesDigest(root));
  expect(preparedHolds(root)).toBe(true);
  return root;
}

describe("prepare's record of its last build", () => {
  it("is missing: build", () => {
    const root = mkdtempSync(join(tmpdir(), "mcp-contract-prepared-"));
    dirs.push(root);
    write(root, "src/index.ts", "export const a = 1;\n");
    write(root, "dist/index.js", "export const a = 1;\n");
    expect(preparedHolds(root)).toBe(false);
  });

  it("holds while nothing changed, and again once a change is undone", () => {
    const root = prepared();
    expect(preparedHolds(root)).toBe(true);
    write(root, "src/index.ts", "export const a = 3;\n");
    expect(preparedHolds(root)).toBe(false);
    write(root, "src/index.ts", "export const a = 1;\n");
    expect(preparedHolds(root)).toBe(true);
  });

  const changes: [what: string, change: (root: string) => void][] = [
    ["a source edited", (root: string) => write(root, "src/cli/main.ts", "export const b = 3;\n")],
    ["a source added", (root: string) => write(root, "src/cli/new.ts", "export {};\n")],
    ["a source removed", (root: string) => rmSync(join(root, "src", "cli", "main.ts"))],
    ...BUILD_FILES.map((file): [string, (root: string) => void] => [
      `${file} edited`,
      (root) => write(root, file, `${file} changed\n`),
    ]),
    ["package-lock.json removed", (root: string) => rmSync(join(root, "package-lock.json"))],
    ["a dist/ file rewritten", (root: string) => write(root, "dist/cli/main.js", "export const b = 3;\n")],
    ["a dist/ declaration rewritten", (root: string) => write(root, "dist/index.d.ts", "export {};\n")],
    ["a dist/ file added", (root: string) => write(root, "dist/build-id", "0\n")],
    ["a dist/ file removed", (root: string) => rmSync(join(root, "dist", "index.js"))],
    ["dist/ removed", (root: string) => rmSync(join(root, "dist"), { recursive: true })],
    [
      "the record unreadable",
      (root: string) => write(root, "node_modules/.cache/mcp-contract-prepared.json", "{"),
    ],
  ];
  it.each(changes)("no longer holds after %s: build", (_what, change) => {
    const root = prepared();
    change(root);
    expect(preparedHolds(root)).toBe(false);
  });

  it("describes the sources as they were when the build began", () => {
    const root = prepared();
    const before = sourcesDigest(root);
    // A source edited while the build ran: dist/ may hold the old code, so the record must not say the new.
    write(root, "src/index.ts", "export const a = 4;\n");
    recordPrepared(root, before);
    expect(preparedHolds(root)).toBe(false);
  });
});
