/**
 * The pipeline: one staged function per command (`checkProject`, `lockProject`,
 * `diffFiles`, `mergeReportFiles`, `renderProject`), the same for the CLI and the library. config → sources → snapshots → lockfile diff → templates → policy →
 * report data; commands only parse flags, call it, print and map the outcome
 * to an exit code.
 */
export {
  ACKNOWLEDGEMENTS_FILE,
  acknowledgementsPath,
  readAcknowledgements,
  writeAcknowledgements,
} from "./acknowledgements.js";
export { type CheckProjectOptions, type CheckResult, checkProject } from "./check.js";
export { type DiffFilesOptions, type DiffResult, type DiffSide, diffFiles } from "./diff.js";
export { type LockProjectOptions, type LockResult, lockProject } from "./lock.js";
export { type MergeReportFilesOptions, mergeReportFiles } from "./merge.js";
export { type RenderProjectOptions, renderProject } from "./render.js";
export { decide, type Findings, type PolicyInput } from "./report.js";
export type { FetchProgress, PipelineHooks, RunOptions } from "./run.js";
export type { FetchSettings } from "./sources.js";
