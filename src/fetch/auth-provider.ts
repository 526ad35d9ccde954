/**
 * OAuth the way the MCP authorization spec asks for it, for `auth: {type:
 * oauth}` and for servers with no auth configured: the SDK's `auth()` does
 * the protocol (WWW-Authenticate, RFC 9728 protected-resource metadata, RFC
 * 8414 / OpenID Connect discovery with the 2025-03-26 fallbacks, client ID
 * metadata documents, RFC 7591 registration, PKCE S256, the token endpoint's
 * authentication method, refresh, step-up); this provider says which client
 * to be, where tokens are kept (auth-store.ts) and what happens when a person
 * is needed: `login` drives a browser (a `LoginDriver`), `lock` and `check`
 * stop with one line saying to run `mcp-contract login`.
 */
import { randomBytes } from "node:crypto";
import {
  auth,
  checkResourceAllowed,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  resourceUrlFromServerUrl,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
} from "@modelcontextprotocol/client";
import { FetchError } from "../errors.js";
import { type AuthStore, clientKey, FileAuthStore, MemoryAuthStore, tokenFile } from "./auth-store.js";
import type { FetchContext } from "./context.js";
import { causeChain } from "./describe.js";
import type { FetchFn, ResolvedUserOAuth } from "./http.js";
import type { LoginDriver } from "./options.js";
import { safeUrl } from "./url.js";

/** How many authorizations one login may start (the first, then step-ups) before it gives up. */
export const MAX_AUTHORIZATIONS = 3;

/** Why a person must log in: the message names the command that does it. */
function needsLogin(server: string, reason?: string): FetchError {
  const name = /^[\w.@-]+$/.test(server) ? server : `'${server.replaceAll("'", "'\\''")}'`;
  const why = reason === undefined ? "" : ` (${reason})`;
  return new FetchError(
    server,
    `server "${server}" needs an OAuth login${why}: run mcp-contract login ${name} (or set refreshTokenEnv for CI)`,
  );
}

/** The one-line error a provider threw on purpose (needs a login, too many step-ups), if `error` holds one. */
export function oauthFailure(error: unknown, server: string): FetchError | undefined {
  return causeChain(error).find(
    (item): item is FetchError => item instanceof FetchError && item.server === server,
  );
}

/** A file-backed (or, for `refreshTokenEnv`, memory-only) OAuth client for one MCP server. */
export class StoredOAuthProvider implements OAuthClientProvider {
  readonly clientMetadataUrl: string | undefined;
  #entry: { value: Awaited<ReturnType<AuthStore["read"]>> } | undefined;
  #verifier: string | undefined;
  #discovery: OAuthDiscoveryState | undefined;
  #state: string | undefined;
  /** The authorization URL handed to the person and not yet answered. */
  pending: { state: string } | undefined;
  authorizations = 0;
  /** Set when the server refused what was stored (a refresh token, a registered client). */
  refused: "tokens" | "client" | undefined;

  constructor(
    private readonly server: string,
    private readonly serverUrl: string,
    private readonly settings: ResolvedUserOAuth,
    readonly store: AuthStore,
    private readonly onSecret: (secret: string) => void,
    private readonly login?: LoginDriver,
  ) {
    this.clientMetadataUrl = settings.clientMetadataUrl;
  }

  get redirectUrl(): string {
    // Without a person nothing is ever redirected (redirectToAuthorization refuses first), but
    // a URL keeps the SDK on the authorization-code grant rather than a non-interactive one.
    return this.login?.redirectUrl ?? "http://127.0.0.1/callback";
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "mcp-contract",
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      // A native app on a person's machine keeps no secret (RFC 8252): a public client.
      token_endpoint_auth_method: "none",
      ...(this.settings.scope === undefined ? {} : { scope: this.settings.scope }),
    };
  }

  state(): string {
    this.#state = randomBytes(16).toString("base64url");
    return this.#state;
  }

  private async entry() {
    if (this.#entry === undefined) {
      const value = await this.store.read();
      // A login asks afresh: the tokens stored before it are replaced, the registration kept.
      if (value !== undefined && this.login !== undefined) {
        delete value.tokens;
        delete value.savedAt;
      }
      if (value?.tokens?.access_token) this.onSecret(value.tokens.access_token);
      if (value?.tokens?.refresh_token) this.onSecret(value.tokens.refresh_token);
      if (value?.client?.client_secret) this.onSecret(value.client.client_secret);
      this.#entry = { value };
    }
    return this.#entry.value;
  }

  private async update(change: (entry: NonNullable<Awaited<ReturnType<AuthStore["read"]>>>) => void) {
    const current = (await this.entry()) ?? { server: safeUrl(this.serverUrl) };
    const next = { ...current };
    change(next);
    this.#entry = { value: next };
    await this.store.write(next);
  }

  async clientInformation(): Promise<StoredOAuthClientInformation | undefined> {
    const stored = (await this.entry())?.client;
    if (this.settings.clientId !== undefined) {
      return {
        client_id: this.settings.clientId,
        ...(this.settings.clientSecret === undefined ? {} : { client_secret: this.settings.clientSecret }),
        ...(stored?.issuer === undefined ? {} : { issuer: stored.issuer }),
      };
    }
    if (stored !== undefined) return stored;
    if (this.login === undefined) {
      // Registering a client is a login's business: CI with only a refresh token is the
      // metadata document's client (its URL is the client_id), or has nothing to refresh with.
      if (this.settings.refreshToken !== undefined && this.clientMetadataUrl !== undefined)
        return { client_id: this.clientMetadataUrl };
      throw needsLogin(this.server);
    }
    return undefined;
  }

  async saveClientInformation(info: StoredOAuthClientInformation): Promise<void> {
    if (info.client_secret) this.onSecret(info.client_secret);
    await this.update((entry) => {
      entry.client = info;
    });
  }

  async tokens(): Promise<StoredOAuthTokens | undefined> {
    const stored = await this.entry();
    if (stored?.tokens !== undefined) return stored.tokens;
    if (this.settings.refreshToken !== undefined && this.refused !== "tokens")
      return { access_token: "", token_type: "Bearer", refresh_token: this.settings.refreshToken };
    return undefined;
  }

  /** Whether the stored access token is missing or past its `expires_in` (then refresh first). */
  async stale(now: number): Promise<boolean> {
    const stored = await this.entry();
    const tokens = await this.tokens();
    if (tokens === undefined) return false;
    if (!tokens.access_token) return tokens.refresh_token !== undefined;
    if (tokens.refresh_token === undefined || tokens.expires_in === undefined) return false;
    // A minute early: the token must still be good when the listing reaches the server.
    return (stored?.savedAt ?? 0) + tokens.expires_in * 1000 - 60_000 <= now;
  }

  async saveTokens(tokens: StoredOAuthTokens): Promise<void> {
    this.onSecret(tokens.access_token);
    if (tokens.refresh_token) this.onSecret(tokens.refresh_token);
    // The refresh grant may leave the refresh token out: the one we had stays good (RFC 6749 §6).
    const refresh = tokens.refresh_token ?? (await this.tokens())?.refresh_token;
    await this.update((entry) => {
      entry.tokens = { ...tokens, ...(refresh === undefined ? {} : { refresh_token: refresh }) };
      entry.savedAt = Date.now();
      if (this.#discovery !== undefined) entry.discovery = this.#discovery;
    });
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    if (this.login === undefined) {
      const reason =
        this.refused === "tokens"
          ? this.settings.refreshToken !== undefined && this.settings.refreshTokenEnv !== undefined
            ? `the authorization server refused the refresh token in ${this.settings.refreshTokenEnv}`
            : "the authorization server refused the stored token"
          : undefined;
      throw needsLogin(this.server, reason);
    }
    if (this.authorizations >= MAX_AUTHORIZATIONS) {
      throw new FetchError(
        this.server,
        `server "${this.server}": still refused after ${MAX_AUTHORIZATIONS} authorizations (it asks for more scope each time: ${authorizationUrl.searchParams.get("scope") ?? "none"}); check the account's access`,
      );
    }
    this.authorizations++;
    const state = authorizationUrl.searchParams.get("state") ?? this.#state ?? "";
    this.pending = { state };
    await this.login.open(authorizationUrl);
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.#verifier = codeVerifier;
  }

  codeVerifier(): string {
    if (this.#verifier === undefined) throw new Error("no PKCE code verifier: the login was not started");
    return this.#verifier;
  }

  async saveDiscoveryState(state: OAuthDiscoveryState): Promise<void> {
    this.#discovery = state;
  }

  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    return this.#discovery ?? (await this.entry())?.discovery;
  }

  async invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery"): Promise<void> {
    if (scope === "verifier") {
      this.#verifier = undefined;
      return;
    }
    if (scope === "discovery") {
      this.#discovery = undefined;
      await this.update((entry) => {
        delete entry.discovery;
      });
      return;
    }
    if (scope === "tokens" || scope === "all") this.refused = "tokens";
    if (scope === "client") this.refused = "client";
    await this.update((entry) => {
      if (scope === "tokens" || scope === "all") {
        delete entry.tokens;
        delete entry.savedAt;
      }
      if (scope === "client" || scope === "all") delete entry.client;
    });
  }

  /**
   * RFC 8707 on every authorization and token request: the protected-resource
   * metadata's `resource` when it covers this server (refused otherwise), else
   * the server's own URL (the 2025-03-26 servers publish no such metadata).
   */
  async validateResourceURL(serverUrl: string | URL, resource?: string): Promise<URL | undefined> {
    const own = resourceUrlFromServerUrl(serverUrl);
    if (resource === undefined) return own;
    if (!checkResourceAllowed({ requestedResource: own, configuredResource: resource })) {
      throw new FetchError(
        this.server,
        `server "${this.server}": its protected-resource metadata names the resource ${safeUrl(resource)}, which is not ${safeUrl(own.href)}; no token was requested`,
      );
    }
    return new URL(resource);
  }
}

/** One server's OAuth: the provider for the transports and how a listing is run with it. */
export interface OAuthSession {
  provider: StoredOAuthProvider;
  /** Runs `attempt` (one complete listing); with a person, completes each authorization it starts and runs it again. */
  run<T>(attempt: () => Promise<T>): Promise<T>;
}

/**
 * The OAuth session of an HTTP server with `auth: {type: oauth}` or no auth:
 * tokens from the token file of its URL and client (memory only with
 * `refreshTokenEnv`), refreshed first when expired.
 */
export function oauthSession(
  ctx: FetchContext,
  serverUrl: string,
  settings: ResolvedUserOAuth,
  fetchFn: FetchFn,
): OAuthSession {
  const env = ctx.options.env ?? process.env;
  const login = ctx.options.login;
  const store =
    settings.refreshToken !== undefined && login === undefined
      ? new MemoryAuthStore()
      : new FileAuthStore(tokenFile(env, serverUrl, clientKey(settings)));
  const provider = new StoredOAuthProvider(
    ctx.name,
    serverUrl,
    settings,
    store,
    (secret) => {
      if (secret) ctx.secrets.push(secret);
    },
    login,
  );
  const authorize = (extra: { authorizationCode?: string; iss?: string } = {}) =>
    auth(provider, { serverUrl, fetchFn, ...extra });
  /** Waits for the person's redirect back and exchanges its code (PKCE, state checked by the driver). */
  const complete = async (): Promise<void> => {
    const pending = provider.pending!;
    const query = await login!.callback(pending.state);
    provider.pending = undefined;
    const iss = query.get("iss") ?? undefined;
    await authorize({ authorizationCode: query.get("code") ?? "", ...(iss === undefined ? {} : { iss }) });
  };
  return {
    provider,
    async run(attempt) {
      if (await provider.stale(Date.now())) {
        // Refreshed before the first request; a refused refresh ends in a login (or its message).
        provider.pending = undefined;
        const result = await authorize().catch((error: unknown) => {
          if (provider.pending === undefined) throw error;
          return "REDIRECT" as const;
        });
        if (result === "REDIRECT" && login !== undefined) await complete();
      }
      for (;;) {
        provider.pending = undefined;
        try {
          return await attempt();
        } catch (error) {
          if (login === undefined || provider.pending === undefined) throw error;
          await complete();
        }
      }
    },
  };
}
