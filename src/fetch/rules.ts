import { defineRules } from "../core/rule.js";

/** Findings raised while fetching, before any diff: the server's own list is malformed. */
export const fetchRules = defineRules("fetch", {
  "invalid-tool-definition": {
    severity: "warning",
    summary:
      "A tool the server sent does not satisfy the MCP Tool schema; it was kept as sent, or skipped when it has no name.",
  },
  "secret-in-definition": {
    severity: "breaking",
    summary:
      "A tool definition the server sent holds a secret mcp-contract sent it (a header, environment or OAuth value), or 8 or more of its characters; it is replaced with *** before it is locked.",
  },
  "invalid-surface-definition": {
    severity: "warning",
    summary:
      "A prompt, resource template or resource the server sent has no name (URI, URI template) to lock it under, or repeats one; it was skipped, the rest of the list kept.",
  },
  "duplicate-tool-name": {
    severity: "breaking",
    summary: "Two or more tools the server sent share a name; agents cannot tell which one they call.",
  },
});
