// The offline check diffs only the server entries whose text differs from HEAD's (src/pipeline/
// server-facts.ts): that is exact because an entry diffed against itself has no findings, every
// rule comparing its two sides. Checked on every corpus snapshot locked, the repository's
// lockfiles, the bench's and a lockfile with every section, each against itself (the same objects,
// as the whole-file path shares unchanged entries between HEAD's lockfile and the working one) and
// a copy.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateReferenceRepo } from "../../bench/generate.mjs";
import type { Lockfile } from "../../src/core/lockfile.js";
import type { ServerSnapshot } from "../../src/core/snapshot.js";
import { diffLockfiles } from "../../src/diff/index.js";
import { lockServer } from "../../src/lockfile/build.js";
import { parseLockfile } from "../../src/lockfile/parse.js";
import { repoRoot } from "../helpers/cli.js";
import { CORPUS_SNAPSHOTS } from "../helpers/corpus.js";

/** No findings against itself (the same objects, as HEAD's unchanged entries share them) nor a copy. */
function expectNoSelfDiff(lock: Lockfile, what: string, copy = true) {
  expect(diffLockfiles(lock, lock), what).toEqual([]);
  if (copy) expect(diffLockfiles(lock, structuredClone(lock)), what).toEqual([]);
}

describe("a lockfile diffed against itself", () => {
  it("has no findings for any corpus server, the repository's lockfiles and the bench's", () => {
    let servers = 0;
    for (const pkg of readdirSync(CORPUS_SNAPSHOTS)) {
      for (const file of readdirSync(join(CORPUS_SNAPSHOTS, pkg))) {
        const snapshot = JSON.parse(
          readFileSync(join(CORPUS_SNAPSHOTS, pkg, file), "utf8"),
        ) as ServerSnapshot;
        expectNoSelfDiff({ lockfileVersion: 2, servers: { [pkg]: lockServer(snapshot) } }, `${pkg}/${file}`);
        servers++;
      }
    }
    expect(servers).toBeGreaterThan(30);
    for (const file of [
      "fixtures/templates/crm-v1.lock.json",
      "fixtures/templates/crm-v2.lock.json",
      "examples/crm-agent/mcp-contract.lock.json",
    ])
      expectNoSelfDiff(parseLockfile(readFileSync(join(repoRoot, file), "utf8"), file), file);
    const bench = generateReferenceRepo({ servers: 5, tools: 100, templates: 1 })["mcp-contract.lock.json"]!;
    expectNoSelfDiff(parseLockfile(bench, "bench"), "bench");
  });

  it("has no findings for a server with every section: prompts, resources, instructions, capabilities", () => {
    const entry = lockServer({
      serverInfo: { name: "s", version: "1.2.3" },
      protocolVersion: "2025-06-18",
      tools: [
        {
          name: "t",
          description: "d",
          inputSchema: { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
          outputSchema: { type: "object", properties: { r: { type: "number" } } },
          annotations: { readOnlyHint: true },
        },
      ],
      prompts: [{ name: "p", description: "x", arguments: [{ name: "a", required: true }] }],
      resourceTemplates: [{ name: "r", uriTemplate: "file:///{path}", mimeType: "text/plain" }],
      resources: [{ uri: "file:///a", name: "a", mimeType: { odd: true } as unknown as string }],
      instructions: "Use t.",
      capabilities: { tools: { listChanged: true }, prompts: {}, logging: {} },
    });
    // A mimeType that is not a string (a file or JSON source can hold one) compares by value, so
    // a copy of the entry is the same too (it was compared by identity once).
    expectNoSelfDiff({ lockfileVersion: 2, servers: { s: entry } }, "every section");
    const changed = structuredClone(entry);
    (changed.resources!["file:///a"]!.definition as unknown as { mimeType: unknown }).mimeType = {
      odd: false,
    };
    expect(
      diffLockfiles(
        { lockfileVersion: 2, servers: { s: entry } },
        { lockfileVersion: 2, servers: { s: changed } },
      )
        .map((c) => c.rule)
        .filter((rule) => rule !== "version-not-bumped"),
    ).toEqual(["resource-mime-type-changed"]);
  });
});
