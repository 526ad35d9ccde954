/**
 * Where `mcp-contract login` keeps what the authorization server gave: one
 * JSON file per MCP server URL and client, under the user's config directory
 * (`$XDG_CONFIG_HOME/mcp-contract/tokens/`, default
 * `~/.config/mcp-contract/tokens/`), the directory mode 0700 and every file
 * 0600, written atomically. Nothing here is ever written to the project's
 * config, lockfile or cache.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type {
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from "@modelcontextprotocol/client";
import { sha256 } from "../core/hash.js";
import { isRecord } from "../core/json.js";
import { own } from "../core/own.js";

/** What one file holds. */
export interface StoredAuth {
  /** The MCP server the tokens are for, without credentials in the URL (for people reading the file). */
  server: string;
  /** The client the tokens were issued to, as registered (dynamically, by metadata document, or configured). */
  client?: StoredOAuthClientInformation;
  tokens?: StoredOAuthTokens;
  /** When the tokens were saved (ms since the epoch): with `expires_in`, when they expire. */
  savedAt?: number;
  /** Where discovery found the authorization server, kept with the tokens for their refresh. */
  discovery?: OAuthDiscoveryState;
}

/** Reads and writes one server's entry; `MemoryAuthStore` for CI's refresh tokens, `FileAuthStore` for logins. */
export interface AuthStore {
  /** Where the entry lives, for messages (undefined: memory only). */
  readonly path: string | undefined;
  read(): Promise<StoredAuth | undefined>;
  write(entry: StoredAuth): Promise<void>;
  remove(): Promise<void>;
}

/** The directory of every token file: `$XDG_CONFIG_HOME/mcp-contract/tokens`, default `~/.config/mcp-contract/tokens`. */
export function tokenDirectory(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = own(env, "XDG_CONFIG_HOME");
  const home = own(env, "HOME") || homedir();
  const base = xdg !== undefined && xdg !== "" ? xdg : join(home, ".config");
  return join(base, "mcp-contract", "tokens");
}

/** The prefix every file of one server URL starts with (logout removes them all). */
function serverKey(serverUrl: string): string {
  return sha256(`mcp-contract-server\n${serverUrl}`).slice(0, 32);
}

/** The client part of the key: the configured client id or metadata URL, else the dynamically registered one. */
export function clientKey(settings: { clientId?: string; clientMetadataUrl?: string }): string {
  const id = settings.clientId ?? settings.clientMetadataUrl ?? "dynamic-registration";
  return sha256(`mcp-contract-client\n${id}`).slice(0, 16);
}

/** The token file of one server URL and client. */
export function tokenFile(
  env: Readonly<Record<string, string | undefined>>,
  serverUrl: string,
  client: string,
): string {
  return join(tokenDirectory(env), `${serverKey(serverUrl)}-${client}.json`);
}

/** A token file (mode 0600 in a 0700 directory). */
export class FileAuthStore implements AuthStore {
  constructor(readonly path: string) {}

  async read(): Promise<StoredAuth | undefined> {
    // Most servers have no login: one stat says so without a rejected open, its error and its stack
    // (every HTTP server without auth asks, at the start of each fetch).
    if (!existsSync(this.path)) return undefined;
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new Error(
        `cannot read the OAuth token file ${this.path} (${(error as NodeJS.ErrnoException).code ?? error})`,
      );
    }
    try {
      const value: unknown = JSON.parse(text);
      if (isRecord(value) && typeof value.server === "string") return value as unknown as StoredAuth;
    } catch {
      // Unreadable: as if there were none (a new login writes it again).
    }
    return undefined;
  }

  async write(entry: StoredAuth): Promise<void> {
    const dir = join(this.path, "..");
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await writeFile(temp, `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o600, flag: "wx" });
      // The mode given to open() is narrowed by the umask only; chmod makes it exact.
      await chmod(temp, 0o600);
      await rename(temp, this.path);
    } catch (error) {
      await rm(temp, { force: true });
      throw new Error(
        `cannot write the OAuth token file ${this.path} (${(error as NodeJS.ErrnoException).code ?? error})`,
      );
    }
  }

  async remove(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

/** Kept in memory only: tokens got from `refreshTokenEnv` in CI are never written. */
export class MemoryAuthStore implements AuthStore {
  readonly path = undefined;
  #entry: StoredAuth | undefined;

  constructor(entry?: StoredAuth) {
    this.#entry = entry;
  }

  async read(): Promise<StoredAuth | undefined> {
    return this.#entry;
  }

  async write(entry: StoredAuth): Promise<void> {
    this.#entry = entry;
  }

  async remove(): Promise<void> {
    this.#entry = undefined;
  }
}

/** Every token file of `serverUrl` (whatever the client), sorted. */
export async function serverTokenFiles(
  env: Readonly<Record<string, string | undefined>>,
  serverUrl: string,
): Promise<string[]> {
  const dir = tokenDirectory(env);
  const prefix = `${serverKey(serverUrl)}-`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(prefix) && name.endsWith(".json"))
    .sort()
    .map((name) => join(dir, name));
}

/** Removes every token file of `serverUrl` (whatever the client); returns their paths. */
export async function removeServerTokens(
  env: Readonly<Record<string, string | undefined>>,
  serverUrl: string,
): Promise<string[]> {
  const files = await serverTokenFiles(env, serverUrl);
  for (const file of files) await rm(file, { force: true });
  return files;
}
