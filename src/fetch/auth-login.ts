/**
 * The person's side of `mcp-contract login`: the authorization URL goes to the
 * browser (`$BROWSER` when set, as git and gh do, with the URL as its
 * argument; else the platform's opener when there is a display) and is
 * printed too; the redirect comes back to a listener on 127.0.0.1 at an
 * ephemeral port, whose `state` must be the one sent.
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { LoginDriver } from "./options.js";

/** What the driver needs from the command. */
export interface LoginDriverOptions {
  /** The server being logged in to, for the printed lines. */
  server: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Prints one line for the person (stderr). */
  print: (line: string) => void;
  signal: AbortSignal;
}

const PAGE = (title: string, text: string): string =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><p>${text}</p>\n`;

/** Starts the loopback listener; `close` stops it. */
export async function startLoginDriver(
  options: LoginDriverOptions,
): Promise<LoginDriver & { close(): Promise<void> }> {
  let waiter:
    | { state: string; resolve: (query: URLSearchParams) => void; reject: (error: Error) => void }
    | undefined;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET" || url.pathname !== "/callback") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    const current = waiter;
    if (current === undefined) {
      res.writeHead(400, { "content-type": "text/html" }).end(PAGE("Not waiting", "No login is waiting."));
      return;
    }
    waiter = undefined;
    const query = url.searchParams;
    if (query.get("state") !== current.state) {
      res
        .writeHead(400, { "content-type": "text/html" })
        .end(PAGE("Login refused", "This answer does not belong to the login mcp-contract started."));
      current.reject(
        new Error(
          "the redirect back carried another state than the one sent (a forged or stale answer); nothing was stored, run mcp-contract login again",
        ),
      );
      return;
    }
    const error = query.get("error");
    if (error !== null) {
      res
        .writeHead(400, { "content-type": "text/html" })
        .end(PAGE("Login refused", "The authorization server refused the login."));
      const description = query.get("error_description");
      current.reject(
        new Error(
          `the authorization server refused the login (${error}${description ? `: ${description.slice(0, 200)}` : ""})`,
        ),
      );
      return;
    }
    if (!query.get("code")) {
      res.writeHead(400, { "content-type": "text/html" }).end(PAGE("Login refused", "No code came back."));
      current.reject(new Error("the redirect back carried no authorization code"));
      return;
    }
    res
      .writeHead(200, { "content-type": "text/html" })
      .end(PAGE("Logged in", "mcp-contract is logged in; you can close this tab."));
    current.resolve(query);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const onAbort = (): void => waiter?.reject(new Error("cancelled"));
  options.signal.addEventListener("abort", onAbort, { once: true });
  return {
    redirectUrl: `http://127.0.0.1:${port}/callback`,
    async open(url) {
      options.print(`to log in to server "${options.server}", open this URL in a browser:`);
      options.print(`  ${url.href}`);
      openBrowser(url.href, options);
    },
    callback(state) {
      return new Promise((resolve, reject) => {
        if (options.signal.aborted) {
          reject(new Error("cancelled"));
          return;
        }
        waiter = { state, resolve, reject };
      });
    },
    close() {
      options.signal.removeEventListener("abort", onAbort);
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

/** The command that opens a URL: `$BROWSER` first, else the platform's opener where there is a display. */
function opener(env: Readonly<Record<string, string | undefined>>): string[] | undefined {
  const browser = env.BROWSER;
  // `$BROWSER` may hold arguments (`firefox --new-window`): run by the shell, the URL its own argument.
  if (browser !== undefined && browser.trim() !== "") return ["/bin/sh", "-c", `${browser} "$1"`, "sh"];
  if (process.platform === "darwin") return ["open"];
  if (process.platform === "win32") return ["rundll32", "url.dll,FileProtocolHandler"];
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return ["xdg-open"];
  return undefined;
}

function openBrowser(url: string, options: LoginDriverOptions): void {
  const command = opener(options.env);
  if (command === undefined) return;
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, [...args, url], {
    stdio: "ignore",
    env: { ...options.env } as NodeJS.ProcessEnv,
  });
  child.on("error", () => options.print("could not start a browser; open the URL above yourself"));
  child.on("exit", (code) => {
    if (code !== 0 && code !== null)
      options.print(`the browser command exited with code ${code}; open the URL above yourself`);
  });
  child.unref();
}
