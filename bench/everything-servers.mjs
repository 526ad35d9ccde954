// Starts N real @modelcontextprotocol/server-everything instances over Streamable HTTP, each its own
// process (as the tests start it: fixtures/servers/loopback-preload.cjs pins the listen to 127.0.0.1
// and reports the ephemeral port). Used by the fetch benchmark (bench/run.mjs, rows 4c-4d).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const EVERYTHING = require.resolve("@modelcontextprotocol/server-everything/dist/index.js");
const PRELOAD = fileURLToPath(new URL("../fixtures/servers/loopback-preload.cjs", import.meta.url));

/** Starts `count` servers; resolves to their /mcp URLs and a `close` that ends every process. */
export async function startEverythingServers(count) {
  const children = [];
  const close = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", resolve);
            child.kill("SIGTERM");
          }),
      ),
    );
  };
  const one = () =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--require", PRELOAD, EVERYTHING, "streamableHttp"], {
        env: { PATH: process.env.PATH ?? "", PORT: "0" },
        stdio: ["ignore", "ignore", "pipe"],
      });
      children.push(child);
      let text = "";
      child.stderr.setEncoding("utf8");
      const onData = (chunk) => {
        text += chunk;
        const match = /LISTENING_PORT (\d+)/.exec(text);
        if (!match) return;
        child.stderr.off("data", onData);
        child.stderr.resume(); // keep draining: the server logs every request
        child.removeAllListeners("exit");
        resolve(`http://127.0.0.1:${match[1]}/mcp`);
      };
      child.stderr.on("data", onData);
      child.once("exit", (code) => reject(new Error(`server-everything exited (${code}): ${text}`)));
    });
  try {
    // A few at a time: 20 Node processes starting at once on 2 cores mostly wait on each other.
    const urls = [];
    for (let i = 0; i < count; i += 4) {
      urls.push(...(await Promise.all(Array.from({ length: Math.min(4, count - i) }, one))));
    }
    return { urls, close };
  } catch (error) {
    await close();
    throw error;
  }
}
