/**
 * Capability rules: a server capability (`prompts`, `resources.subscribe`, `tools.listChanged`, …)
 * removed or added between two handshakes. Compared by path: each capability, and each of its
 * flags that is `true` or an object.
 */

import { type Change, newChange } from "../../core/change.js";
import { defineRecords, type Family } from "../../core/rule.js";

const change = { direction: "none", keywords: [], witness: "none" } as const;

/** Capability rules. */
export const capabilitiesRules = defineRecords("capabilities", {
  "capability-removed": {
    ...change,
    severity: "breaking",
    summary:
      "The server no longer declares a capability (e.g. `prompts` or `tools.listChanged`): clients that use it lose it.",
    bump: "major",
    inverse: ["capability-added"],
  },
  "capability-added": {
    ...change,
    severity: "info",
    summary: "The server declares a new capability.",
    bump: "minor",
    inverse: ["capability-removed"],
  },
});

/** The capabilities family: checked by `diffSurface`. */
export const capabilitiesFamily: Family = { name: "capabilities", rules: capabilitiesRules };

/** `prompts`, `tools.listChanged`: every declared capability and flag, two levels deep (`experimental` by name only). */
export function capabilityPaths(capabilities: Readonly<Record<string, unknown>>): Set<string> {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(capabilities)) {
    if (value === undefined || value === null || value === false) continue;
    out.add(name);
    if (name === "experimental" || typeof value !== "object" || Array.isArray(value)) continue;
    for (const [flag, set] of Object.entries(value as Record<string, unknown>))
      if (set === true || (typeof set === "object" && set !== null)) out.add(`${name}.${flag}`);
  }
  return out;
}

/** The capability findings between two known capability sets. */
export function diffCapabilities(
  server: string,
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): Change[] {
  const a = capabilityPaths(before);
  const b = capabilityPaths(after);
  const out: Change[] = [];
  const at = (path: string) => ({ kind: "capabilities" as const, item: path });
  const pointer = (path: string) => `/${path.split(".").join("/")}`;
  // A capability removed whole is one finding, not one per flag.
  for (const path of [...a].sort())
    if (!b.has(path) && !(path.includes(".") && !b.has(path.split(".")[0]!)))
      out.push(
        newChange(
          capabilitiesRules["capability-removed"],
          server,
          at(path),
          pointer(path),
          `Server \`${server}\` no longer declares capability \`${path}\`.`,
          { before: path },
        ),
      );
  for (const path of [...b].sort())
    if (!a.has(path) && !(path.includes(".") && !a.has(path.split(".")[0]!)))
      out.push(
        newChange(
          capabilitiesRules["capability-added"],
          server,
          at(path),
          pointer(path),
          `Server \`${server}\` now declares capability \`${path}\`.`,
          { after: path },
        ),
      );
  return out;
}
