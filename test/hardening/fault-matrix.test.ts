// The fault matrix: every fault a server can commit × every transport it can commit it on
// (Streamable HTTP, legacy HTTP+SSE, stdio, plain JSON), through the built CLI's `lock` against
// real fault-injecting servers (fixtures/servers/fixture-server.mjs). Each cell asserts the exit
// code, the words of the one-line message (the server's own error text redacted, the cursor
// fault, the protocol violation), a time bound far below --timeout (the fault is reported when
// it happens, not when the timeout runs out; only a silent server times out), and that the
// lockfile is byte-identical afterwards. docs/security.md ("Faults") lists what this proves.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_TOOLS,
  type FixtureOptions,
  startHttpFixture,
} from "../../fixtures/servers/fixture-server.mjs";
import { runCliInProcess } from "../helpers/cli.js";
import { serverScript } from "../helpers/servers.js";

const FIXTURE_SERVER = serverScript("fixtures/servers/fixture-server.mjs");
const LOCKFILE = "mcp-contract.lock.json";

/** The default --timeout, given explicitly: the whole of it is what a fault used to cost. */
const TIMEOUT_MS = 30_000;
/**
 * Half the timeout: a cell that waited for it fails. Generous, for a loaded CI machine (and the
 * stdio cells' child start); on an idle one a fault takes well under a second to report.
 */
const BOUND_MS = 15_000;
/** The silent server's cells run with this timeout: the one case where "timed out" is right. */
const SILENT_TIMEOUT_MS = 1500;

/** A secret the config holds (an HTTP header, a stdio env value) that a server echoes in its error. */
const SECRET = "tok-9c1e7a5d-fault-matrix";

type Transport = "streamable-http" | "sse" | "stdio" | "json";
const TRANSPORTS: readonly Transport[] = ["streamable-http", "sse", "stdio", "json"];

interface Cell {
  fault: string;
  transport: Transport;
  options: FixtureOptions;
  /** Extra `lock` arguments. */
  args?: string[];
  /** Config transport for HTTP servers, when not the cell's own (the 404 cell: auto). */
  configTransport?: "auto";
  code: number;
  /** Exact text the output must hold: stderr for failures, stdout for a salvaged list. */
  says: string[];
  timeoutMs?: number;
}

const SERVER_ERROR = `db connection refused for ${SECRET}`;
const MID_LIST = { generate: 6, pageSize: 2, crashOnPage: 2 } as const;
const NAMELESS = { tools: [...DEFAULT_TOOLS, { description: "an entry without a name" }] };

const cells: Cell[] = [
  // ---- a JSON-RPC error answer to tools/list: the server's own words, redacted
  ...(["streamable-http", "sse", "stdio"] as const).map(
    (transport): Cell => ({
      fault: "JSON-RPC error to tools/list",
      transport,
      options: { listError: SERVER_ERROR },
      code: 3,
      says: [
        'server "s": the server answered tools/list with JSON-RPC error -32603: db connection refused for ***',
      ],
    }),
  ),
  // ---- pagination faults
  ...(["streamable-http", "sse", "stdio"] as const).flatMap((transport): Cell[] => [
    {
      fault: "repeated cursor",
      transport,
      options: { cursors: "repeat" },
      code: 3,
      says: ['server "s": the server returned cursor "again" twice (pagination loop)'],
    },
    {
      fault: "cycling cursor",
      transport,
      options: { cursors: "cycle" },
      code: 3,
      says: ['server "s": the server returned cursor "a" twice (pagination loop)'],
    },
    {
      fault: "endless cursor",
      transport,
      options: { cursors: "endless" },
      args: ["--max-pages", "20"],
      code: 3,
      says: ['server "s": more than 20 pages of tools (the server keeps returning nextCursor'],
    },
  ]),
  // ---- the stream or connection closes in the middle of the answer to tools/list
  {
    fault: "event stream closed mid-response",
    transport: "streamable-http",
    options: { closeOn: "tools/list" },
    code: 3,
    says: ['server "s": closed the event stream before answering tools/list'],
  },
  {
    fault: "connection closed mid-response",
    transport: "streamable-http",
    options: { closeMidResponse: true },
    code: 3,
    says: ["closed the connection while listing tools (UND_ERR_SOCKET)"],
  },
  {
    fault: "event stream closed mid-response",
    transport: "sse",
    options: { closeOn: "tools/list" },
    code: 3,
    says: ['server "s": closed the event stream while listing tools'],
  },
  {
    fault: "stdout closed mid-response",
    transport: "stdio",
    options: { closeOn: "tools/list" },
    code: 3,
    says: ['server "s": closed its stdout in the middle of a message while listing tools'],
  },
  {
    fault: "connection closed mid-response",
    transport: "json",
    options: { closeMidResponse: true },
    code: 3,
    says: ["/tools closed the connection while listing tools (UND_ERR_SOCKET)"],
  },
  // ---- the same during the handshake
  {
    fault: "closed on initialize",
    transport: "streamable-http",
    options: { closeOn: "initialize" },
    code: 3,
    says: ['server "s": closed the event stream before answering initialize'],
  },
  {
    fault: "closed on initialize",
    transport: "sse",
    options: { closeOn: "initialize" },
    code: 3,
    says: ['server "s": closed the event stream during the handshake'],
  },
  {
    fault: "closed on initialize",
    transport: "stdio",
    options: { closeOn: "initialize" },
    code: 3,
    says: ['server "s": closed its stdout in the middle of a message during the handshake'],
  },
  // ---- a message that is not JSON
  ...(["streamable-http", "sse"] as const).flatMap((transport): Cell[] => [
    {
      fault: "invalid JSON message on tools/list",
      transport,
      options: { invalidJsonOn: "tools/list" },
      code: 3,
      says: ['server "s": sent a message that is not valid JSON while listing tools'],
    },
    {
      fault: "invalid JSON message on initialize",
      transport,
      options: { invalidJsonOn: "initialize" },
      code: 3,
      says: ['server "s": sent a message that is not valid JSON during the handshake'],
    },
  ]),
  {
    fault: "invalid JSON message on tools/list",
    transport: "stdio",
    options: { invalidJsonOn: "tools/list" },
    code: 3,
    says: ['server "s": wrote non-protocol text to stdout: "{\\"jsonrpc\\"', "while listing tools"],
  },
  {
    fault: "invalid JSON message on initialize",
    transport: "stdio",
    options: { invalidJsonOn: "initialize" },
    code: 3,
    says: ['server "s": wrote non-protocol text to stdout: "{\\"jsonrpc\\"', "during the handshake"],
  },
  {
    fault: "invalid JSON body",
    transport: "json",
    options: { invalidJson: true },
    code: 3,
    says: ["/tools did not return JSON"],
  },
  // ---- the server crashes while listing
  {
    fault: "crash mid tools/list",
    transport: "streamable-http",
    options: MID_LIST,
    code: 3,
    says: ["/mcp closed the connection while listing tools (UND_ERR_SOCKET) after 1 retry"],
  },
  {
    fault: "crash mid tools/list",
    transport: "sse",
    options: MID_LIST,
    code: 3,
    says: ['server "s": closed the event stream while listing tools'],
  },
  {
    fault: "crash mid tools/list",
    transport: "stdio",
    options: MID_LIST,
    code: 3,
    says: [
      'server "s": the server process exited with code 70 while listing tools; stderr: fixture: crashing mid-list on purpose',
    ],
  },
  {
    fault: "crash mid tools/list",
    transport: "json",
    options: { crashOnPage: 1 },
    code: 3,
    says: ["/tools closed the connection while listing tools (UND_ERR_SOCKET) after 1 retry"],
  },
  // ---- the URL is wrong
  {
    fault: "404 on Streamable HTTP (auto falls back to SSE, which gets 405)",
    transport: "streamable-http",
    configTransport: "auto",
    options: { postStatus: 404 },
    code: 3,
    says: ["/mcp answered HTTP 404; the legacy SSE fallback got HTTP 405"],
  },
  {
    fault: "404",
    transport: "json",
    options: { status: 404 },
    code: 3,
    says: ["/tools answered HTTP 404"],
  },
  // ---- a silent server: the one fault that is a timeout
  ...TRANSPORTS.map(
    (transport): Cell => ({
      fault: "silent server",
      transport,
      options: { delayMs: 60_000 },
      timeoutMs: SILENT_TIMEOUT_MS,
      code: 3,
      says: ['server "s": timed out after 1.5s (raise --timeout if the server is just slow)'],
    }),
  ),
  // ---- one nameless tool: skipped with a warning, the rest locked (the same lockfile as without it)
  ...TRANSPORTS.map(
    (transport): Cell => ({
      fault: "one nameless tool",
      transport,
      options: NAMELESS,
      code: 0,
      says: [
        "warning  Entry 3 of the tool list has no string `name` and was skipped. (The rest of the list was kept; ask the server's maintainers to give every tool a name.)  invalid-tool-definition",
      ],
    }),
  ),
];

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

/** A project directory whose one server `s` is the fixture with `options` over `transport`. */
async function project(
  transport: Transport,
  options: FixtureOptions,
  configTransport?: "auto",
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-faults-"));
  let server: Record<string, unknown>;
  if (transport === "stdio") {
    server = {
      command: process.execPath,
      args: [FIXTURE_SERVER, JSON.stringify({ transport: "stdio", ...options })],
      env: { API_TOKEN: SECRET },
    };
  } else {
    const fixture = await startHttpFixture({ transport, ...options });
    closers.push(fixture.close);
    server = { url: fixture.url, transport: configTransport ?? transport, headers: { "X-Api-Key": SECRET } };
  }
  writeFileSync(join(dir, "mcp-contract.json"), JSON.stringify({ servers: { s: server } }));
  return dir;
}

/** Per transport: the lockfile a healthy server (the default tools) gets. */
const baseline = new Map<Transport, string>();

beforeAll(async () => {
  await Promise.all(
    TRANSPORTS.map(async (transport) => {
      const dir = await project(transport, {});
      const result = await runCliInProcess(["lock", "--quiet"], { cwd: dir });
      expect(result.code, result.stderr).toBe(0);
      const lock = readFileSync(join(dir, LOCKFILE), "utf8");
      expect(Object.keys(JSON.parse(lock).servers.s.tools)).toEqual([
        "escalate_ticket",
        "lookup_customer",
        "ping",
      ]);
      baseline.set(transport, lock);
    }),
  );
});

describe("fault matrix", () => {
  it("has a cell for every fault on every transport it applies to (at least 30)", () => {
    expect(cells.length).toBeGreaterThanOrEqual(30);
    const keys = cells.map((c) => `${c.fault} × ${c.transport}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.concurrent.each(cells.map((cell) => [`${cell.fault} × ${cell.transport}`, cell] as const))(
    "%s",
    async (_, cell) => {
      const dir = await project(cell.transport, cell.options, cell.configTransport);
      const before = baseline.get(cell.transport)!;
      writeFileSync(join(dir, LOCKFILE), before);
      const timeoutMs = cell.timeoutMs ?? TIMEOUT_MS;
      const started = Date.now();
      const result = await runCliInProcess(["lock", "--timeout", String(timeoutMs), ...(cell.args ?? [])], {
        cwd: dir,
      });
      const elapsed = Date.now() - started;
      const output = cell.code === 0 ? result.stdout : result.stderr;
      expect(result.code, result.stderr).toBe(cell.code);
      for (const words of cell.says) expect(output).toContain(words);
      if (cell.code !== 0) {
        // One line for the server, one saying nothing was written.
        expect(
          result.stderr
            .replaceAll(dir, "<tmp>")
            .split("\n")
            .filter((line) => line !== ""),
        ).toEqual([
          expect.stringMatching(/^mcp-contract: server "s": /),
          "mcp-contract: no server could be fetched; <tmp>/mcp-contract.lock.json was not changed",
        ]);
      }
      if (cell.timeoutMs === undefined) expect(result.stderr).not.toContain("timed out");
      else expect(elapsed).toBeGreaterThanOrEqual(timeoutMs);
      expect(elapsed).toBeLessThan(BOUND_MS);
      expect(result.stdout + result.stderr).not.toContain(SECRET);
      expect(readFileSync(join(dir, LOCKFILE), "utf8")).toBe(before);
    },
  );
});
