/**
 * What `login` and `logout` share: the one configured server they name, with
 * its `${VAR}` filled in, which must be an HTTP server that takes an OAuth
 * login (`auth: {type: oauth}`, or no auth at all).
 */
import { interpolateServers, loadConfig, readEnvFile } from "../config/load.js";
import type { HttpServerConfig, ResolvedConfig } from "../config/types.js";
import { unknownNameHint } from "../core/suggest.js";
import { UsageError } from "../errors.js";
import type { CommandIO } from "./io.js";
import { registerSecrets } from "./secrets.js";

/** The server `name` of the config, ready to contact. */
export async function oauthServer(
  name: string,
  configPath: string | undefined,
  io: CommandIO,
  command: "login" | "logout",
): Promise<{ config: ResolvedConfig; server: HttpServerConfig; secrets: string[] }> {
  const config = await loadConfig({ configPath, cwd: io.cwd, env: io.env, interpolate: false });
  registerSecrets(io, config.secrets);
  if (!Object.hasOwn(config.servers, name)) {
    throw new UsageError(
      `unknown server "${name}"; ${unknownNameHint(name, Object.keys(config.servers), config.path)}`,
    );
  }
  const configured = config.servers[name]!;
  if (configured.kind !== "http")
    throw new UsageError(
      `server "${name}" is a ${configured.kind === "stdio" ? "stdio" : "file"} server; only HTTP servers ${command === "login" ? "log in" : "log out"} with OAuth`,
    );
  const auth = configured.auth;
  if (auth !== undefined && auth.type !== "oauth")
    throw new UsageError(
      `server "${name}" uses auth.type ${auth.type}, which takes no login; ${command} is for auth.type oauth (or no auth)`,
    );
  const { servers, secrets } = interpolateServers(config, { [name]: configured }, io.env, readEnvFile);
  registerSecrets(io, secrets);
  return { config, server: servers[name] as HttpServerConfig, secrets: [...config.secrets, ...secrets] };
}
