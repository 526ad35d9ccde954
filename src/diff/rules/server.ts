/**
 * Server-level rules: a server appearing or disappearing between two
 * lockfiles, and a server version that did not rise as much as its changes
 * require.
 */
import { defineRules } from "../../core/rule.js";

/** Server rules. */
export const serverRules = defineRules("server", {
  "server-removed": {
    severity: "breaking",
    summary: "A server is gone: every tool it offered is gone with it.",
  },
  "server-added": { severity: "info", summary: "A new server." },
  "version-not-bumped": {
    severity: "warning",
    summary: "The server's reported version rose less than its changes require under semver.",
  },
});
