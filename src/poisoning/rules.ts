import { defineRules } from "../core/rule.js";

/**
 * Tool-poisoning rules: what a tool definition says to the model that it
 * should not. All are warnings: they are offline heuristics over text the
 * server wrote, shown so a person reads the definition before trusting it.
 */
export const poisoningRules = defineRules("poisoning", {
  "hidden-instructions": {
    severity: "warning",
    summary:
      "A description carries instructions aimed at the model: an <IMPORTANT>-style block, a request to keep something from the user, or a request to read keys, config files or the environment.",
  },
  "invisible-unicode": {
    severity: "warning",
    summary:
      "A tool definition contains invisible or bidirectional-control Unicode (zero-width, tag characters, bidi overrides) that a person reviewing it cannot see.",
  },
  "tool-shadowing": {
    severity: "warning",
    summary:
      "A tool's description names a tool of another server: it may try to change how the model uses that tool.",
  },
  "confusable-tool-name": {
    severity: "warning",
    summary:
      "Two tool names differ only by look-alike (confusable) characters, so a person cannot tell them apart.",
  },
  "destructive-tool-marked-safe": {
    severity: "warning",
    summary:
      "A tool named like delete/drop/remove/destroy declares `readOnlyHint: true` or `destructiveHint: false`, so clients may run it without asking.",
  },
  "remote-schema-ref": {
    severity: "warning",
    summary:
      "A schema `$ref` points outside the tool definition (a URL or another file); mcp-contract never fetches it, so that part of the contract is not checked.",
  },
});
