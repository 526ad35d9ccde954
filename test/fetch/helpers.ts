import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import { type FixtureOptions, startHttpFixture } from "../../fixtures/servers/fixture-server.mjs";
import type { HttpServerConfig, StdioServerConfig } from "../../src/config/types.js";
import type { FetchOptions } from "../../src/fetch/options.js";
import { serverScript } from "../helpers/servers.js";

/** Absolute path of the fixture server script the tests run: its bundle (test/helpers/servers.ts). */
export const FIXTURE_SERVER = serverScript("fixtures/servers/fixture-server.mjs");
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Fetch options for tests: generous timeout (only to catch hangs). */
export function fetchOptions(overrides: Partial<FetchOptions> = {}): FetchOptions {
  return { timeoutMs: 30_000, concurrency: 4, maxPages: 1000, secrets: [], ...overrides };
}

/** A stdio config running the fixture server with `options`. */
export function stdioFixture(
  options: FixtureOptions = {},
  extra: Partial<StdioServerConfig> = {},
): StdioServerConfig {
  return {
    kind: "stdio",
    command: process.execPath,
    args: [FIXTURE_SERVER, JSON.stringify({ transport: "stdio", ...options })],
    env: {},
    cwd: REPO_ROOT,
    inheritEnv: false,
    ...extra,
  };
}

/** An HTTP config for `url`. */
export function httpConfig(url: string, extra: Partial<HttpServerConfig> = {}): HttpServerConfig {
  return { kind: "http", url, transport: "auto", headers: {}, ...extra };
}

/**
 * Starts HTTP fixture servers that close after each test. Call once at a test
 * file's top level; it registers the afterEach that closes them.
 */
export function trackedHttpFixtures(): (options?: FixtureOptions) => ReturnType<typeof startHttpFixture> {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  return async (options = {}) => {
    const fixture = await startHttpFixture(options);
    closers.push(fixture.close);
    return fixture;
  };
}
