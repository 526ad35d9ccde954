/**
 * mcp-contract as a library: the same functions the CLI uses. `checkProject`,
 * `diffFiles` and `lockProject` are whole commands as data (the pipeline the
 * CLI runs); `formatReport` prints a report as any `--format` does and
 * `getExitCode` is the exit code the CLI would give it. Nothing here prints or
 * exits; errors are the typed errors of ./errors.js. See docs/library.md.
 */
export { canonicalJson, hashServer, hashTool } from "./canonical/index.js";
export { findConfigFile, loadConfig, parseConfigText } from "./config/load.js";
export { resolveConfig } from "./config/resolve.js";
export type * from "./config/types.js";
export type { Change, Severity, SourceLocation, Summary } from "./core/change.js";
export { compareChanges, SEVERITIES, summarize } from "./core/change.js";
export { FAIL_ON_LEVELS, type FailOn } from "./core/fail-on.js";
export { sha256 } from "./core/hash.js";
export type { LockedServer, LockedTool, Lockfile, ToolDefinition } from "./core/lockfile.js";
export { LOCKFILE_VERSION } from "./core/lockfile.js";
export {
  type AppliedAcknowledgement,
  createReport,
  mergeReports,
  type PolicyMarks,
  REPORT_VERSION,
  type RecordedChange,
  type Report,
  type ReportError,
  type ReportedChange,
  type ReportJson,
  type ReportSummary,
  type ShardInfo,
  ShardMismatchError,
  toReportJson,
} from "./core/report.js";
export type { RuleMeta } from "./core/rule.js";
export type { ServerSnapshot } from "./core/snapshot.js";
export { diffLockfiles, diffTools } from "./diff/index.js";
export * from "./errors.js";
export { type FetchOutcome, fetchServer, fetchServers } from "./fetch/index.js";
export type { FetchOptions } from "./fetch/options.js";
export { emptyLockfile, lockServer, lockTools, nextLockfile } from "./lockfile/build.js";
export { readLockfileIfExists, serializeLockfile, writeLockfile } from "./lockfile/io.js";
export { parseLockfile, validateLockfile } from "./lockfile/parse.js";
export * from "./pipeline/index.js";
export {
  type Acknowledgement,
  type AcknowledgementsFile,
  acknowledge,
  addAcknowledgements,
  isExpired,
} from "./policy/acknowledgements.js";
export {
  applyPolicy,
  failsPolicy,
  getExitCode,
  isAcknowledged,
  markReport,
  type PolicyOptions,
  type RuleSetting,
} from "./policy/policy.js";
export { redact } from "./redact.js";
export {
  type Checked,
  DEFAULT_DOCS_BASE_URL,
  FORMATS,
  type Format,
  formatReport,
  type Locate,
  lockfileLocator,
  type ReporterOptions,
  toolListLocator,
} from "./report/index.js";
export { RULES } from "./rules.js";
export {
  type ArgDoc,
  type CheckTemplatesInput,
  checkTemplates,
  extractReferences,
  formatPromptDoc,
  formatResourceDoc,
  formatToolDoc,
  type ParamDoc,
  type PromptDoc,
  promptsView,
  type RenderOptions,
  type ResourceDoc,
  renderTemplate,
  resourcesView,
  TEMPLATE_RULES,
  type TemplateReference,
  type TemplateReferences,
  type TemplateSource,
  type ToolDoc,
  toolsView,
} from "./templates/index.js";
