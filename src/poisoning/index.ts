/**
 * Tool poisoning, offline: warnings about what a tool definition says to the
 * model (hidden instructions, invisible Unicode, shadowing, look-alike names,
 * destructive tools that claim to be safe, remote `$ref`s).
 */
export { poisoningRules } from "./rules.js";
export {
  combineScans,
  confusableToolNames,
  type ScanMemo,
  type ServerScan,
  type ServerTools,
  scanLockfile,
  scanServer,
  scanTools,
  toolOwners,
} from "./scan.js";
export { findInvisible, skeleton } from "./unicode.js";
