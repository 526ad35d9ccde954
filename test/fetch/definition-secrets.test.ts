// A server that reflects a secret into what it sends back: every string and key of every tool (and
// serverInfo) is redacted before checking, hashing and locking, with one secret-in-definition finding per
// tool; a walk 10,000 levels deep and keys such as __proto__ are fine.
import { describe, expect, it } from "vitest";
import { redactDefinitions } from "../../src/fetch/definition-secrets.js";
import { fetchServer } from "../../src/fetch/index.js";
import { lockServer } from "../../src/lockfile/build.js";
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
