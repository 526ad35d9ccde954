/**
 * Tool poisoning, offline: warnings about what a tool definition says to the
 * model (hidden instructions, invisible Unicode, shadowing, look-alike names,
 * destructive tools that claim to be safe, remote `$ref`s).
 */
export { poisoningRules } from "./rules.js";
export { type ScanMemo, type ServerTools, scanLockfile, scanTools } from "./scan.js";
export { findInvisible, skeleton } from "./unicode.js";
