/**
 * `mcp-contract logout SERVER`: revokes the tokens `login` stored for the server's URL at the
 * authorization server when its metadata names a `revocation_endpoint` (RFC 7009: the refresh
 * token, then the access token), then removes the token files (every client's). Revocation is
 * best effort: a failure is one warning line, and the local tokens are removed all the same.
 */
import { own } from "../../core/own.js";
import { ExitCode } from "../../errors.js";
import type { CommandIO } from "../io.js";
import { oauthServer } from "../oauth-server.js";
import { registerSecrets } from "../secrets.js";

/** Options of `logout`. */
export interface LogoutOptions {
  config?: string;
}

export async function runLogout(name: string, options: LogoutOptions, io: CommandIO): Promise<number> {
  const { server } = await oauthServer(name, options.config, io, "logout");
  const { FileAuthStore, removeServerTokens, serverTokenFiles } = await import("../../fetch/auth-store.js");
  const files = await serverTokenFiles(io.env, server.url);
  // A configured confidential client's secret (auth.clientSecretEnv), for the revocation request.
  const secretEnv = server.auth?.type === "oauth" ? server.auth.clientSecretEnv : undefined;
  const clientSecret = secretEnv === undefined ? undefined : own(io.env, secretEnv) || undefined;
  if (clientSecret !== undefined) registerSecrets(io, [clientSecret]);
  let revokedAt: string | undefined;
  for (const file of files) {
    const entry = await new FileAuthStore(file).read().catch(() => undefined);
    if (entry === undefined) continue;
    // Nothing below prints a token, but an unexpected error would be redacted of them too.
    registerSecrets(
      io,
      [entry.tokens?.access_token, entry.tokens?.refresh_token, entry.client?.client_secret].filter(
        (s): s is string => typeof s === "string" && s !== "",
      ),
    );
    const { revokeStoredTokens } = await import("../../fetch/auth-revoke.js");
    const outcome = await revokeStoredTokens(entry, {
      serverUrl: server.url,
      ...(clientSecret === undefined ? {} : { clientSecret }),
      signal: io.signal,
    });
    if ("revoked" in outcome) revokedAt = outcome.endpoint;
    else if ("failed" in outcome)
      io.stderr(
        `mcp-contract: warning: server "${name}": the tokens were not revoked${outcome.endpoint ? ` at ${outcome.endpoint}` : ""}: ${outcome.failed}; they are removed here only\n`,
      );
  }
  const removed = await removeServerTokens(io.env, server.url);
  io.stdout(
    removed.length === 0
      ? `server "${name}": no stored token; nothing to remove\n`
      : `logged out of server "${name}" (${revokedAt === undefined ? "" : `revoked at ${revokedAt}; `}removed ${removed.join(", ")})\n`,
  );
  return ExitCode.Ok;
}
