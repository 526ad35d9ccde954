/**
 * `resolveConfig`, the library's pure config resolver: always validates (so it
 * loads the precompiled validators, which `loadConfig` skips for a document
 * its store says was validated before).
 */
import { type ResolveOptions, resolveConfigDocument } from "./load.js";
import type { ResolvedConfig } from "./types.js";
import { validateConfigDocument } from "./validate.js";

/** Pure: normalise, validate, interpolate and resolve a parsed config document. */
export function resolveConfig(
  data: unknown,
  path: string,
  env: Readonly<Record<string, string | undefined>>,
  options: ResolveOptions = {},
): ResolvedConfig {
  return resolveConfigDocument(data, path, env, options, validateConfigDocument);
}
