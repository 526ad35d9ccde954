// A server that reflects a secret into what it sends back: every string and key of every tool (and
// serverInfo) is redacted before checking, hashing and locking, with one secret-in-definition finding per
// tool; a walk 10,000 levels deep and keys such as __proto__ are fine. So is every run of 8 or more of a
// secret's characters, as output redaction does, and the quick look that skips clean definitions never
// misses one.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactDefinitions, redactSurface } from "../../src/fetch/definition-secrets.js";
import { fetchServer } from "../../src/fetch/index.js";
import { lockServer } from "../../src/lockfile/build.js";
import { secretScanner } from "../../src/redact.js";
import { fetchOptions, httpConfig, trackedHttpFixtures } from "./helpers.js";

const SECRET = "s3cr/et+Value=";
const startFixture = trackedHttpFixtures();

describe("redactDefinitions", () => {
  it("replaces the secret in values, array items and keys, raw, URL-encoded and base64, and names each tool once", () => {
    const tools: unknown[] = [
      {
        name: "whoami",
        description: `Acting for ${SECRET}`,
        inputSchema: {
          type: "object",
          properties: {
            [`x_${encodeURIComponent(SECRET)}`]: {
              type: "string",
              enum: ["a", Buffer.from(SECRET).toString("base64")],
            },
          },
        },
      },
      { name: "clean", description: "nothing here", inputSchema: { type: "object" } },
      { description: SECRET },
    ];
    const result = redactDefinitions("srv", tools, { name: "srv", version: SECRET }, [SECRET]);
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(JSON.stringify(result)).not.toContain(encodeURIComponent(SECRET));
    expect(JSON.stringify(result)).not.toContain(Buffer.from(SECRET).toString("base64"));
    expect(result.tools[0]).toEqual({
      name: "whoami",
      description: "Acting for ***",
      inputSchema: { type: "object", properties: { "x_***": { type: "string", enum: ["a", "***"] } } },
    });
    expect(result.serverInfo).toEqual({ name: "srv", version: "***" });
    expect(result.findings.map((f) => [f.rule, f.severity, f.tool, f.pointer, f.message])).toEqual([
      [
        "secret-in-definition",
        "breaking",
        "whoami",
        "/description",
        "Tool `whoami` holds a secret mcp-contract sent the server (at /description and 2 more); it was replaced with *** before hashing and locking.",
      ],
      [
        "secret-in-definition",
        "breaking",
        undefined,
        "/tools/2/description",
        "Entry 2 of the tool list holds a secret mcp-contract sent the server (at /description); it was replaced with *** before hashing and locking.",
      ],
      [
        "secret-in-definition",
        "breaking",
        undefined,
        "/serverInfo/version",
        "The server's serverInfo holds a secret mcp-contract sent the server (at /serverInfo/version); it was replaced with *** before locking.",
      ],
    ]);
  });

  it("walks 10,000 levels deep and keeps __proto__ keys as data", () => {
    let schema: Record<string, unknown> = { type: "string", default: SECRET };
    for (let i = 0; i < 10_000; i++) schema = { type: "object", properties: { x: schema } };
    // A `__proto__` key as JSON.parse makes it: an own property, data.
    const tool = JSON.parse(
      `{"name": "deep", "inputSchema": {"type": "object", "properties": {"__proto__": {"type": "string", "description": ${JSON.stringify(SECRET)}}}}}`,
    );
    tool.inputSchema.properties.deep = schema;
    const { findings } = redactDefinitions("s", [tool], undefined, [SECRET]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain("(at /inputSchema/properties/__proto__/description and 1 more)");
    expect(Object.hasOwn(tool.inputSchema.properties, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).description).toBeUndefined();
    let node = tool.inputSchema.properties.deep;
    for (let i = 0; i < 10_000; i++) node = node.properties.x;
    expect(node).toEqual({ type: "string", default: "***" });
  });

  it("replaces every run of 8 or more of a secret's characters, in values and keys, and says it was part of one", () => {
    const token = "sk-live-4f9a2cF00dBeef7Qz1";
    const tools: unknown[] = [
      {
        name: "whoami",
        description: `token …${token.slice(-12)}, key ${token.slice(3, 11)}`,
        inputSchema: { type: "object", properties: { [`k_${token.slice(8, 17)}`]: { type: "string" } } },
      },
      // 7 characters of it are not a leak: kept, no finding.
      { name: "short", description: `id ${token.slice(8, 15)}`, inputSchema: { type: "object" } },
      // A whole secret beside a part of it: the finding says a secret.
      { name: "both", description: `${token} and …${token.slice(-9)}`, inputSchema: { type: "object" } },
    ];
    const result = redactDefinitions("srv", tools, { name: "srv", version: token.slice(2, 12) }, [
      token,
      `Bearer ${token}`,
    ]);
    expect(result.tools).toEqual([
      {
        name: "whoami",
        description: "token …***, key ***",
        inputSchema: { type: "object", properties: { "k_***": { type: "string" } } },
      },
      { name: "short", description: `id ${token.slice(8, 15)}`, inputSchema: { type: "object" } },
      { name: "both", description: "*** and …***", inputSchema: { type: "object" } },
    ]);
    expect(result.serverInfo).toEqual({ name: "srv", version: "***" });
    expect(result.findings.map((f) => [f.tool, f.pointer, f.message])).toEqual([
      [
        "whoami",
        "/description",
        "Tool `whoami` holds part of a secret mcp-contract sent the server (8 or more of its characters, at /description and 1 more); it was replaced with *** before hashing and locking.",
      ],
      [
        "both",
        "/description",
        "Tool `both` holds a secret mcp-contract sent the server (at /description); it was replaced with *** before hashing and locking.",
      ],
      [
        undefined,
        "/serverInfo/version",
        "The server's serverInfo holds part of a secret mcp-contract sent the server (8 or more of its characters, at /serverInfo/version); it was replaced with *** before locking.",
      ],
    ]);
  });

  it("replaces runs of a secret in prompts, resources and instructions, one finding per item", () => {
    const token = "sk-live-4f9a2cF00dBeef7Qz1";
    const surface = {
      prompts: [{ name: "triage", description: `as ${token.slice(5, 15)}` }],
      resources: [{ uri: "echo://s", name: "s", description: "clean" }],
      instructions: `Use key …${token.slice(-8)}.`,
    };
    const findings = redactSurface("srv", surface, [token]);
    expect(surface).toEqual({
      prompts: [{ name: "triage", description: "as ***" }],
      resources: [{ uri: "echo://s", name: "s", description: "clean" }],
      instructions: "Use key …***.",
    });
    expect(findings.map((f) => [f.rule, f.kind, f.item, f.pointer])).toEqual([
      ["secret-in-definition", "prompt", "triage", "/description"],
      ["secret-in-definition", "instructions", undefined, ""],
    ]);
  });

  it("the quick look at a definition's JSON never misses a secret or a run of one, whatever JSON escapes in it", () => {
    const char = fc.constantFrom("a", "Z", "9", '"', "\\", "\n", "\u0001", "é", "😀", "/", "+", "=", " ");
    const text = fc.array(char, { maxLength: 30 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(
        fc.array(char, { minLength: 4, maxLength: 40 }).map((cs) => cs.join("")),
        text,
        text,
        fc.nat(),
        fc.nat(),
        (secret, before, after, a, b) => {
          const scanner = secretScanner([secret]);
          if (scanner === undefined) return; // shorter than 4 UTF-16 units: never redacted
          const len = secret.length < 8 ? secret.length : 8 + (b % (secret.length - 7));
          const start = a % (secret.length - len + 1);
          const value = { description: `${before}${secret.slice(start, start + len)}${after}` };
          expect(scanner.mayHoldJson(JSON.stringify(value))).toBe(true);
          const clean = scanner.runs(scanner.whole(value.description));
          for (let i = 0; i + 8 <= secret.length; i++) expect(clean).not.toContain(secret.slice(i, i + 8));
          if (secret.length < 8) expect(clean).not.toContain(secret);
        },
      ),
      { numRuns: 150 },
    );
    // A run cut through a surrogate pair at both ends: its edges are \udxxx escapes in JSON text.
    const paired = "😀abcdef😀";
    const tools = [{ name: "t", description: `x${paired.slice(1, 9)}y` }];
    expect(redactDefinitions("s", tools, undefined, [paired]).findings.map((f) => f.tool)).toEqual(["t"]);
    expect(tools[0]!.description).toBe("x***y");
  });

  it("no secrets, no findings, nothing touched", () => {
    const tools = [{ name: "a", description: SECRET }];
    expect(redactDefinitions("s", tools, undefined, [])).toEqual({ tools, findings: [] });
    expect(tools[0]!.description).toBe(SECRET);
  });
});

describe("a server that reflects its bearer token into a tool description", () => {
  it("is fetched with the token replaced, locked with the replaced text, and reported on that tool", async () => {
    const fixture = await startFixture({
      requireBearer: SECRET,
      tools: [
        { name: "whoami", description: `Called with Bearer ${SECRET}`, inputSchema: { type: "object" } },
        { name: "ping", inputSchema: { type: "object" } },
      ],
    });
    const snapshot = await fetchServer(
      "echo",
      httpConfig(fixture.url, { headers: { Authorization: `Bearer ${SECRET}` } }),
      fetchOptions({ secrets: [SECRET, `Bearer ${SECRET}`] }),
    );
    expect(snapshot.tools.map((t) => t.description)).toEqual(["Called with ***", undefined]);
    expect(snapshot.findings?.map((f) => [f.rule, f.tool, f.pointer])).toEqual([
      ["secret-in-definition", "whoami", "/description"],
    ]);
    expect(JSON.stringify(lockServer(snapshot))).not.toContain(SECRET);
  });
});
