/**
 * Token revocation (RFC 7009) for `logout`: when the authorization server's metadata names a
 * `revocation_endpoint`, the stored refresh token and then the access token are revoked there,
 * the client authenticating as at the token endpoint (`client_secret_basic`,
 * `client_secret_post` or `none`, chosen as the SDK chooses for the token endpoint). Best effort:
 * what fails is said in one line, without a token, a secret or the server's error text, and the
 * caller still deletes the local tokens.
 */
import {
  assertSecureTokenEndpoint,
  discoverAuthorizationServerMetadata,
  discoverOAuthServerInfo,
  selectClientAuthMethod,
} from "@modelcontextprotocol/client";
import type { StoredAuth } from "./auth-store.js";
import { safeUrl } from "./url.js";

/** What revoking one token file's tokens did. */
export type RevocationOutcome =
  /** Both tokens (or the one stored) were revoked at `endpoint`. */
  | { revoked: number; endpoint: string }
  /** Nothing to revoke: no token stored, or the authorization server offers no revocation endpoint. */
  | { skipped: "no-tokens" | "no-endpoint" }
  /** A revocation was refused or could not be sent: `reason` is safe to print. */
  | { failed: string; endpoint?: string };

export interface RevokeOptions {
  /** The MCP server's URL: where discovery starts when the token file kept none. */
  serverUrl: string;
  /** The client secret of a configured client (the token file keeps only what was registered). */
  clientSecret?: string;
  signal?: AbortSignal;
  fetchFn?: typeof fetch;
  /** Most milliseconds one revocation request may take (default 10,000). */
  timeoutMs?: number;
}

/** Revokes the refresh token and then the access token of one token file. */
export async function revokeStoredTokens(
  entry: StoredAuth,
  options: RevokeOptions,
): Promise<RevocationOutcome> {
  const tokens = [
    ...(entry.tokens?.refresh_token ? [{ token: entry.tokens.refresh_token, hint: "refresh_token" }] : []),
    ...(entry.tokens?.access_token ? [{ token: entry.tokens.access_token, hint: "access_token" }] : []),
  ];
  if (tokens.length === 0) return { skipped: "no-tokens" };
  const fetchFn = options.fetchFn ?? fetch;
  // The metadata discovery found at login, else discovered again (the 0600 file may predate it).
  let metadata = entry.discovery?.authorizationServerMetadata;
  try {
    if (metadata === undefined && entry.discovery?.authorizationServerUrl !== undefined)
      metadata = await discoverAuthorizationServerMetadata(entry.discovery.authorizationServerUrl, {
        fetchFn,
      });
    else if (metadata === undefined)
      metadata = (await discoverOAuthServerInfo(options.serverUrl, { fetchFn })).authorizationServerMetadata;
  } catch {
    return { failed: "its authorization server's metadata could not be read" };
  }
  const endpoint = (metadata as { revocation_endpoint?: unknown } | undefined)?.revocation_endpoint;
  if (typeof endpoint !== "string") return { skipped: "no-endpoint" };
  const shown = safeUrl(endpoint);
  const client = entry.client;
  if (client?.client_id === undefined)
    return { failed: "no client is stored with the tokens", endpoint: shown };
  try {
    assertSecureTokenEndpoint(endpoint);
  } catch {
    return { failed: "the revocation endpoint is not HTTPS", endpoint: shown };
  }
  const secret = options.clientSecret ?? client.client_secret;
  const information = { ...client, ...(secret === undefined ? {} : { client_secret: secret }) };
  const supported =
    (metadata as { revocation_endpoint_auth_methods_supported?: string[] })
      .revocation_endpoint_auth_methods_supported ??
    metadata?.token_endpoint_auth_methods_supported ??
    [];
  const method = selectClientAuthMethod(information, supported);
  let revoked = 0;
  for (const { token, hint } of tokens) {
    const body = new URLSearchParams({ token, token_type_hint: hint });
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (method === "client_secret_basic" && secret !== undefined)
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
    else {
      body.set("client_id", client.client_id);
      if (method === "client_secret_post" && secret !== undefined) body.set("client_secret", secret);
    }
    const signals = [
      AbortSignal.timeout(options.timeoutMs ?? 10_000),
      ...(options.signal ? [options.signal] : []),
    ];
    let response: Response;
    try {
      response = await fetchFn(endpoint, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.any(signals),
        redirect: "error",
      });
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      return { failed: `the ${hint.replace("_", " ")} could not be sent (${code})`, endpoint: shown };
    }
    // RFC 7009 §2.2: 200 for a revoked token and for one the server does not know.
    await response.body?.cancel().catch(() => {});
    if (response.status !== 200)
      return {
        failed: `the ${hint.replace("_", " ")} was refused (HTTP ${response.status})`,
        endpoint: shown,
      };
    revoked++;
  }
  return { revoked, endpoint: shown };
}
