// The lean fetch the HTTP transports send through (src/fetch/node-fetch.ts) against Node's own
// `fetch`, on a real node:http server on 127.0.0.1: what the server receives and what the caller
// reads must be the same.
import { createServer, type IncomingHttpHeaders } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenOnLoopback } from "../../fixtures/servers/loopback.mjs";
import { ALSO_ABORTED_BY, nodeFetch } from "../../src/fetch/node-fetch.js";
import { Utf8Watch, utf8Check, utf8CheckedFetch } from "../../src/fetch/utf8.js";

let base = "";

/** A GET of `path` with its own abort controller, its body's first chunk already read. */
async function abortableStream(path: string) {
  const controller = new AbortController();
  const response = await nodeFetch(`${base}${path}`, {
    method: "GET",
    redirect: "manual",
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  return { controller, reader, first: await reader.read() };
}
let close: () => Promise<void> = async () => {};
const received: Array<{
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The client's port: the same one for requests on the same kept-alive connection. */
  port: number | undefined;
}> = [];
/** The connections the server saw close, by the client's port. */
const closedPorts: number[] = [];
const watched = new WeakSet<object>();

beforeAll(async () => {
  const server = createServer((req, res) => {
    const port = req.socket.remotePort;
    if (!watched.has(req.socket)) {
      watched.add(req.socket);
      req.socket.once("close", () => closedPorts.push(port ?? 0));
    }
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, port });
      if (req.url === "/gzip") {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
        res.end(gzipSync('{"ok":true}'));
      } else if (req.url === "/redirect") {
        res.writeHead(307, { location: "/plain" });
        res.end();
      } else if (req.url === "/hang") {
        // Half a body, then nothing: the caller aborts.
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: 1\n\n");
      } else if (req.url === "/late-end") {
        // An event, then the end of the response a moment later (as an SDK server ends an answer).
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: 1\n\n");
        setTimeout(() => res.end(), 20);
      } else if (req.url === "/cut") {
        res.writeHead(200, { "content-type": "text/event-stream", "content-length": "100" });
        res.write("data: 1\n\n", () => res.socket?.destroy());
      } else if (req.url === "/split") {
        // "é" (C3 A9) split across two writes, then Latin-1 "é" (E9) when asked.
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(Buffer.from([0x63, 0x61, 0x66, 0xc3]));
        setTimeout(() => res.end(Buffer.from(body === "latin-1" ? [0xa9, 0x20, 0xe9] : [0xa9])), 20);
      } else if (req.url === "/empty") {
        res.writeHead(204);
        res.end();
      } else {
        res.writeHead(200, { "content-type": "text/plain", "x-two": "a" });
        res.end(`you sent ${req.method} ${body}`);
      }
    });
  });
  const listening = await listenOnLoopback(server);
  base = `http://127.0.0.1:${listening.port}`;
  close = listening.close;
});

afterAll(() => close());

/** What the server saw of one request made with `fetchFn`. */
async function seen(fetchFn: typeof fetch, init: RequestInit) {
  received.length = 0;
  const response = await fetchFn(`${base}/plain`, init);
  const text = await response.text();
  const request = received[0]!;
  const { host: _host, ...headers } = request.headers;
  const { port: _port, ...sent } = { ...request, headers };
  return {
    status: response.status,
    statusText: response.statusText,
    type: response.headers.get("content-type"),
    text,
    request: { method: sent.method, body: sent.body, headers: sent.headers },
  };
}

describe("nodeFetch", () => {
  it("sends what fetch sends and reads what fetch reads", async () => {
    const init: RequestInit = {
      method: "POST",
      redirect: "manual",
      headers: new Headers({ "content-type": "application/json", "mcp-session-id": "abc" }),
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"name":"café"}}',
    };
    const ours = await seen(nodeFetch, init);
    expect(ours).toEqual(await seen(fetch, init));
    expect(ours.text).toBe(
      'you sent POST {"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"name":"café"}}',
    );
    expect(ours.request.headers["content-length"]).toBe(String(Buffer.byteLength(init.body as string)));
  });

  it("decodes a gzip body as fetch does", async () => {
    const response = await nodeFetch(`${base}/gzip`, { method: "GET", redirect: "manual" });
    expect(response.headers.get("content-encoding")).toBe("gzip");
    expect(await response.json()).toEqual({ ok: true });
  });

  it("returns a redirect as it came when asked for manual, and leaves following to fetch", async () => {
    const manual = await nodeFetch(`${base}/redirect`, { method: "GET", redirect: "manual" });
    expect([manual.status, manual.headers.get("location")]).toEqual([307, "/plain"]);
    const followed = await nodeFetch(`${base}/redirect`, { method: "GET" });
    expect([followed.status, followed.redirected, await followed.text()]).toEqual([
      200,
      true,
      "you sent GET ",
    ]);
  });

  it("a 204 has no body", async () => {
    const response = await nodeFetch(`${base}/empty`, { method: "POST", redirect: "manual", body: "{}" });
    expect([response.status, response.body]).toEqual([204, null]);
  });

  it("an abort mid-body errors the body with the abort's reason", async () => {
    const { controller, reader, first } = await abortableStream("/hang");
    expect(new TextDecoder().decode(first.value)).toBe("data: 1\n\n");
    const reason = new Error("the run was cancelled");
    controller.abort(reason);
    await expect(reader.read()).rejects.toBe(reason);
  });

  it("a second signal under ALSO_ABORTED_BY aborts as init.signal does", async () => {
    const controller = new AbortController();
    const response = await nodeFetch(`${base}/hang`, {
      method: "GET",
      redirect: "manual",
      signal: new AbortController().signal,
      [ALSO_ABORTED_BY]: controller.signal,
    } as RequestInit);
    const reader = response.body!.getReader();
    await reader.read();
    const reason = new Error("the server's deadline passed");
    controller.abort(reason);
    await expect(reader.read()).rejects.toBe(reason);
    await expect(
      nodeFetch(`${base}/plain`, {
        method: "GET",
        redirect: "manual",
        [ALSO_ABORTED_BY]: AbortSignal.abort(reason),
      } as RequestInit),
    ).rejects.toBe(reason);
  });

  it("aborted just before its body ends, a response leaves its connection for the next request", async () => {
    received.length = 0;
    const { controller, reader } = await abortableStream("/late-end");
    const reason = new Error("the session is over");
    controller.abort(reason);
    await expect(reader.read()).rejects.toBe(reason);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await (await nodeFetch(`${base}/plain`, { method: "GET", redirect: "manual" })).text();
    expect(received.map((r) => r.url)).toEqual(["/late-end", "/plain"]);
    expect(received[1]!.port).toBe(received[0]!.port);
    expect(closedPorts).not.toContain(received[0]!.port);
  });

  it("aborted mid-body, a response that does not end soon has its connection closed", async () => {
    received.length = 0;
    const { controller, reader } = await abortableStream("/hang");
    controller.abort(new Error("over"));
    await reader.read().catch(() => {});
    const port = received[0]!.port!;
    for (let waited = 0; !closedPorts.includes(port) && waited < 2000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closedPorts).toContain(port);
  });

  it("an abort before the request rejects with the reason and sends nothing", async () => {
    received.length = 0;
    const reason = new Error("already over");
    await expect(
      nodeFetch(`${base}/plain`, { method: "GET", redirect: "manual", signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(received).toEqual([]);
  });

  it("a body the server cuts short fails as undici's, with UND_ERR_SOCKET", async () => {
    const response = await nodeFetch(`${base}/cut`, { method: "GET", redirect: "manual" });
    const error = await response.text().then(
      () => undefined,
      (e: unknown) => e as TypeError & { cause?: { code?: string } },
    );
    expect([error?.message, error?.cause?.code]).toEqual(["terminated", "UND_ERR_SOCKET"]);
  });

  it("a refused connection is fetch's TypeError with the network code as its cause", async () => {
    const listening = await listenOnLoopback(createServer());
    await listening.close();
    const error = await nodeFetch(`http://127.0.0.1:${listening.port}/mcp`, {
      method: "GET",
      redirect: "manual",
    }).then(
      () => undefined,
      (e: unknown) => e as TypeError & { cause?: { code?: string } },
    );
    expect([error?.name, error?.message, error?.cause?.code]).toEqual([
      "TypeError",
      "fetch failed",
      "ECONNREFUSED",
    ]);
  });

  it("checks the body as UTF-8 for utf8CheckedFetch as it streams: a split character is fine, Latin-1 is not", async () => {
    const read = async (body: string) => {
      const watch = new Utf8Watch();
      const response = await utf8CheckedFetch(nodeFetch, watch)(`${base}/split`, {
        method: "POST",
        redirect: "manual",
        body,
      });
      return [await response.text(), watch.invalid];
    };
    expect(await read("utf-8")).toEqual(["café", false]);
    expect(await read("latin-1")).toEqual(["café \uFFFD", true]);
  });
});

describe("utf8Check", () => {
  /** The fatal decoder's verdict on the whole of `bytes`: what the check must say, however it is cut. */
  const decoderSays = (bytes: Uint8Array): boolean => {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      return true;
    } catch {
      return false;
    }
  };
  const cases = [
    [0x63, 0x61, 0x66, 0xc3, 0xa9], // café
    [0xf0, 0x9f, 0x98, 0x80, 0x21], // 😀!
    [0xe2, 0x82, 0xac], // €
    [0x61, 0xe9, 0x62], // Latin-1 é
    [0xc3], // cut short at the end
    [0xf0, 0x9f, 0x98], // cut short at the end
    [0xed, 0xa0, 0x80], // a surrogate
    [0xc0, 0xaf], // an overlong /
    [0xe0, 0x80, 0xaf], // an overlong / in three bytes
    [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
    [0xf8, 0x88, 0x80, 0x80, 0x80], // a five-byte form
    [0x80, 0x61], // a continuation byte alone
    [0xe2, 0x28, 0xa1], // a lead byte without its continuation
  ].map((bytes) => Uint8Array.from(bytes));

  it("agrees with a fatal TextDecoder on every case, cut into chunks at every one or two places", () => {
    for (const bytes of cases) {
      const expected = decoderSays(bytes);
      for (let a = 0; a <= bytes.length; a++)
        for (let b = a; b <= bytes.length; b++) {
          const watch = new Utf8Watch();
          const check = utf8Check(watch);
          for (const chunk of [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)]) check(chunk);
          check();
          expect([Array.from(bytes), a, b, !watch.invalid]).toEqual([Array.from(bytes), a, b, expected]);
        }
    }
  });
});
