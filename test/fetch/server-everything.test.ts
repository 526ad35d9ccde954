import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { StdioServerConfig } from "../../src/config/types.js";
import type { ServerSnapshot } from "../../src/core/snapshot.js";
import { fetchServer } from "../../src/fetch/index.js";
import { lockServer } from "../../src/lockfile/build.js";
import { fetchOptions, httpConfig, REPO_ROOT } from "./helpers.js";

const require = createRequire(import.meta.url);
// A CommonJS module whose typings claim an ES default export: load it as CommonJS.
const canonicalizeModule = require("canonicalize") as
  | ((input: unknown) => string | undefined)
  | { default: (input: unknown) => string | undefined };
const canonicalize =
  typeof canonicalizeModule === "function" ? canonicalizeModule : canonicalizeModule.default;
const EVERYTHING = require.resolve("@modelcontextprotocol/server-everything/dist/index.js");
const PRELOAD = fileURLToPath(new URL("../../fixtures/servers/loopback-preload.cjs", import.meta.url));

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
});

/** Starts server-everything in an HTTP mode on 127.0.0.1 with an ephemeral port. */
async function startEverything(mode: "streamableHttp" | "sse"): Promise<number> {
  const child = spawn(process.execPath, ["--require", PRELOAD, EVERYTHING, mode], {
    env: { PATH: process.env.PATH ?? "", PORT: "0" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  return await new Promise<number>((resolve, reject) => {
    let text = "";
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      text += chunk;
      const match = /LISTENING_PORT (\d+)/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`server-everything ${mode} exited (${code}): ${text}`)));
  });
}

/** Tool hashes as the lockfile computes them: sha256 of RFC 8785 canonical JSON. */
function toolHashes(snapshot: ServerSnapshot): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tool of snapshot.tools) {
    out[tool.name] = createHash("sha256")
      .update(canonicalize(tool) ?? "")
      .digest("hex");
  }
  return out;
}

describe("@modelcontextprotocol/server-everything", () => {
  it("gives the same tool hashes over stdio, Streamable HTTP and SSE", async () => {
    const stdio: StdioServerConfig = {
      kind: "stdio",
      command: process.execPath,
      args: [EVERYTHING, "stdio"],
      env: {},
      cwd: REPO_ROOT,
      inheritEnv: false,
    };
    const [httpPort, ssePort] = await Promise.all([
      startEverything("streamableHttp"),
      startEverything("sse"),
    ]);
    const options = fetchOptions({ timeoutMs: 45_000 });
    const [viaStdio, viaHttp, viaSse] = await Promise.all([
      fetchServer("everything", stdio, options),
      fetchServer(
        "everything",
        httpConfig(`http://127.0.0.1:${httpPort}/mcp`, { transport: "streamable-http" }),
        options,
      ),
      fetchServer("everything", httpConfig(`http://127.0.0.1:${ssePort}/sse`, { transport: "sse" }), options),
    ]);
    const hashes = toolHashes(viaStdio);
    expect(Object.keys(hashes).length).toBeGreaterThan(5);
    expect(toolHashes(viaHttp)).toEqual(hashes);
    expect(toolHashes(viaSse)).toEqual(hashes);
    expect(viaStdio.serverInfo?.name).toBeTruthy();
    expect(viaHttp.serverInfo).toEqual(viaStdio.serverInfo);

    // The rest of the surface, locked the same whatever the transport.
    const sections = (snapshot: ServerSnapshot) => {
      const { prompts, resourceTemplates, resources, instructions, capabilities, clientCapabilities } =
        lockServer(snapshot);
      return { prompts, resourceTemplates, resources, instructions, capabilities, clientCapabilities };
    };
    const locked = sections(viaStdio);
    expect(Object.keys(locked.prompts!).length).toBeGreaterThan(1);
    expect(Object.keys(locked.resourceTemplates!).length).toBeGreaterThan(0);
    expect(locked.resources).toBeUndefined(); // not asked for
    expect(locked.instructions?.text).toMatch(/\w/);
    expect(Object.keys(locked.capabilities!.definition)).toEqual(
      expect.arrayContaining(["tools", "prompts", "resources"]),
    );
    expect(locked.clientCapabilities).toEqual({});
    expect(sections(viaHttp)).toEqual(locked);
    expect(sections(viaSse)).toEqual(locked);
  });

  it("locks static resources and declares client capabilities when the server entry asks", async () => {
    const stdio: StdioServerConfig = {
      kind: "stdio",
      command: process.execPath,
      args: [EVERYTHING, "stdio"],
      env: {},
      cwd: REPO_ROOT,
      inheritEnv: false,
      resources: true,
      clientCapabilities: { roots: {} },
    };
    const httpPort = await startEverything("streamableHttp");
    const options = fetchOptions({ timeoutMs: 45_000 });
    const [viaStdio, viaHttp] = await Promise.all([
      fetchServer("everything", stdio, options),
      fetchServer(
        "everything",
        httpConfig(`http://127.0.0.1:${httpPort}/mcp`, {
          transport: "streamable-http",
          resources: true,
          clientCapabilities: { roots: {} },
        }),
        options,
      ),
    ]);
    const a = lockServer(viaStdio);
    const b = lockServer(viaHttp);
    expect(Object.keys(a.resources!).length).toBeGreaterThan(0);
    expect(b.resources).toEqual(a.resources);
    expect(a.clientCapabilities).toEqual({ roots: {} });
    expect(b.clientCapabilities).toEqual({ roots: {} });
  });
});
