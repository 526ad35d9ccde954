/**
 * `mcp-contract logout SERVER`: removes the token files `login` stored for the
 * server's URL (every client's). Nothing is sent to the server.
 */
import { ExitCode } from "../../errors.js";
import type { CommandIO } from "../io.js";
import { oauthServer } from "../oauth-server.js";

/** Options of `logout`. */
export interface LogoutOptions {
  config?: string;
}

export async function runLogout(name: string, options: LogoutOptions, io: CommandIO): Promise<number> {
  const { server } = await oauthServer(name, options.config, io, "logout");
  const { removeServerTokens } = await import("../../fetch/auth-store.js");
  const removed = await removeServerTokens(io.env, server.url);
  io.stdout(
    removed.length === 0
      ? `server "${name}": no stored token; nothing to remove\n`
      : `logged out of server "${name}" (removed ${removed.join(", ")})\n`,
  );
  return ExitCode.Ok;
}
