/**
 * A minimal HTTP forward proxy for tests, on 127.0.0.1 (ephemeral port): it
 * forwards absolute-URI requests (`GET http://host/path`) and tunnels CONNECT,
 * recording each request it saw. With `credentials` it answers 407 unless
 * `Proxy-Authorization: Basic <credentials>` comes along. It only ever
 * connects to 127.0.0.1.
 */
import { createServer, request as httpRequest } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { afterEach } from "vitest";

/** One request the proxy saw. */
export interface ProxiedRequest {
  method: string;
  /** The absolute URI, or `host:port` for CONNECT. */
  target: string;
  proxyAuthorization?: string;
}

/** A running forward proxy. */
export interface ForwardProxy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  seen: ProxiedRequest[];
  close: () => Promise<void>;
}

/** Options: `credentials` as `user:password` to require proxy authentication. */
export interface ForwardProxyOptions {
  credentials?: string;
}

/** Starts a forward proxy; resolves when it listens. */
export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const seen: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const expected =
    options.credentials === undefined
      ? undefined
      : `Basic ${Buffer.from(options.credentials).toString("base64")}`;
  const authorised = (header: string | undefined): boolean => expected === undefined || header === expected;

  const server = createServer((req, res) => {
    const auth = req.headers["proxy-authorization"];
    seen.push({
      method: req.method ?? "",
      target: req.url ?? "",
      ...(auth ? { proxyAuthorization: auth } : {}),
    });
    if (!authorised(auth)) {
      res.writeHead(407, { "proxy-authenticate": 'Basic realm="test"' }).end();
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? "");
    } catch {
      res.writeHead(400).end("absolute URI expected");
      return;
    }
    if (target.protocol !== "http:" || target.hostname !== "127.0.0.1") {
      res.writeHead(403).end("this test proxy only reaches http://127.0.0.1");
      return;
    }
    const headers = { ...req.headers };
    delete headers["proxy-authorization"];
    delete headers["proxy-connection"];
    const upstream = httpRequest(
      {
        host: "127.0.0.1",
        port: target.port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end("upstream failed");
      else res.destroy();
    });
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });

  server.on("connect", (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    const auth = req.headers["proxy-authorization"];
    seen.push({ method: "CONNECT", target: req.url ?? "", ...(auth ? { proxyAuthorization: auth } : {}) });
    if (!authorised(auth)) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n',
      );
      return;
    }
    const [host, port] = (req.url ?? "").split(":");
    if (host !== "127.0.0.1" || port === undefined) {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    const upstream = connect(Number(port), "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Starts forward proxies that close after each test (register once per file). */
export function trackedProxies(): (options?: ForwardProxyOptions) => Promise<ForwardProxy> {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  return async (options) => {
    const proxy = await startForwardProxy(options);
    closers.push(proxy.close);
    return proxy;
  };
}
