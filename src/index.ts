/**
 * mcp-contract as a library: the same functions the CLI uses. Nothing here
 * prints or exits; errors are the typed errors of ./errors.js.
 */
export { canonicalJson, hashServer, hashTool, sha256 } from "./canonical/index.js";
export { findConfigFile, loadConfig, parseConfigText, resolveConfig } from "./config/load.js";
export type * from "./config/types.js";
export type { Change, Severity, SourceLocation, Summary } from "./diff/change.js";
export { compareChanges, SEVERITIES, summarize } from "./diff/change.js";
export { diffLockfiles, diffTools } from "./diff/index.js";
export type { RuleMeta } from "./diff/rule.js";
export * from "./errors.js";
export { type FetchOptions, type FetchOutcome, fetchServer, fetchServers } from "./fetch/index.js";
export type { ServerSnapshot } from "./fetch/types.js";
export { emptyLockfile, lockServer, lockTools, nextLockfile } from "./lockfile/build.js";
export type { LockedServer, LockedTool, Lockfile, ToolDefinition } from "./lockfile/format.js";
export { LOCKFILE_VERSION } from "./lockfile/format.js";
export { readLockfileIfExists, serializeLockfile, writeLockfile } from "./lockfile/io.js";
export { parseLockfile, validateLockfile } from "./lockfile/parse.js";
export { redact } from "./redact.js";
export { RULES } from "./rules.js";
export {
  type CheckTemplatesInput,
  checkTemplates,
  extractReferences,
  formatToolDoc,
  type ParamDoc,
  type RenderOptions,
  renderTemplate,
  TEMPLATE_RULES,
  type TemplateReference,
  type TemplateReferences,
  type TemplateSource,
  type ToolDoc,
  toolsView,
} from "./templates/index.js";
