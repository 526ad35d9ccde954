/** Starts the demo CRM server over Streamable HTTP on 127.0.0.1 with an ephemeral port. */
import { type ChildProcess, spawn } from "node:child_process";
import { serverScript } from "./servers.js";

/** The demo CRM server as the tests start it: its bundle (test/helpers/servers.ts). */
export const crmServerPath = serverScript("fixtures/servers/crm/server.mjs");

export interface RunningServer {
  url: string;
  close: () => Promise<void>;
}

export function startCrmHttp(version: "v1" | "v2", extraArgs: string[] = []): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      [crmServerPath, "--tools", version, "--http", ...extraArgs],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const match = /listening (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(out);
      if (match) {
        resolve({
          url: match[1]!,
          close: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
      }
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`CRM server exited early with ${code}`)));
  });
}
