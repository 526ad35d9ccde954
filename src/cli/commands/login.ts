/**
 * `mcp-contract login SERVER`: the OAuth authorization-code flow with PKCE for
 * a person. The server's metadata is discovered from its 401, the client
 * registered if it must be, the browser sent to the authorization server, the
 * redirect received on 127.0.0.1, the code exchanged; then the tools are listed
 * once, so step-up authorizations happen here too. The tokens go to the
 * user's token file (mode 0600), never to the project.
 */
import { ExitCode } from "../../errors.js";
import type { CommandIO } from "../io.js";
import { oauthServer } from "../oauth-server.js";

/** Options of `login`. */
export interface LoginOptions {
  config?: string;
  /** How long to wait for the person, in milliseconds. */
  timeout: number;
}

export async function runLogin(name: string, options: LoginOptions, io: CommandIO): Promise<number> {
  const { server, secrets } = await oauthServer(name, options.config, io, "login");
  // Imported here: only a login needs the listener and the SDK.
  const { startLoginDriver } = await import("../../fetch/auth-login.js");
  const { clientKey, tokenFile } = await import("../../fetch/auth-store.js");
  const { fetchServer } = await import("../../fetch/index.js");
  const driver = await startLoginDriver({
    server: name,
    env: io.env,
    print: (line) => io.stderr(`mcp-contract: ${line}\n`),
    signal: io.signal,
  });
  let tools: number;
  try {
    const snapshot = await fetchServer(name, server, {
      timeoutMs: options.timeout,
      concurrency: 1,
      maxPages: 1000,
      secrets,
      signal: io.signal,
      env: io.env,
      login: driver,
    });
    tools = snapshot.tools.length;
  } finally {
    await driver.close();
  }
  const settings = server.auth?.type === "oauth" ? server.auth : {};
  const file = tokenFile(io.env, server.url, clientKey(settings));
  io.stdout(
    `logged in to server "${name}" (${tools} ${tools === 1 ? "tool" : "tools"} listed); the token is stored in ${file}\n`,
  );
  return ExitCode.Ok;
}
