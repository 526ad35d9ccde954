/**
 * Two entries of one server that differ in their tools' descriptions only (and in the hashes over
 * them): `diffLockfiles` of such a pair finds `tool-description-changed` for each tool whose
 * description differs and at most `version-not-bumped`, neither of which a template can cite
 * (`citedChanges`: a warning without a hint, and a server's finding without a tool). The offline
 * check asks this before it loads the diff engine for an edited description
 * (test/diff/descriptions.test.ts holds it against the engine).
 */
import type { LockedServer } from "../core/lockfile.js";

/** The same JSON text: the same value (both parsed from JSON); a different key order only says no. */
const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * Whether `a` and `b` hold the same tools (in the same order) with the same fields, and the rest of
 * the entry the same, except each tool's `description`, each tool's hash and the server's hash.
 */
export function descriptionsOnly(a: LockedServer, b: LockedServer): boolean {
  const keys = Object.keys(a);
  if (!sameKeys(keys, Object.keys(b))) return false;
  for (const key of keys) {
    if (key === "hash") continue;
    const va = (a as unknown as Record<string, unknown>)[key];
    const vb = (b as unknown as Record<string, unknown>)[key];
    if (key !== "tools") {
      if (!same(va, vb)) return false;
      continue;
    }
    const toolsA = va as LockedServer["tools"];
    const toolsB = vb as LockedServer["tools"];
    const names = Object.keys(toolsA);
    if (!sameKeys(names, Object.keys(toolsB))) return false;
    for (const name of names) {
      const ta = toolsA[name]!;
      const tb = toolsB[name]!;
      const fields = Object.keys(ta);
      if (!sameKeys(fields, Object.keys(tb))) return false;
      for (const field of fields) {
        if (field === "hash") continue;
        const fa = (ta as unknown as Record<string, unknown>)[field];
        const fb = (tb as unknown as Record<string, unknown>)[field];
        if (field !== "definition") {
          if (!same(fa, fb)) return false;
        } else if (!sameBesideDescription(fa, fb)) return false;
      }
    }
  }
  return true;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/** Two tool definitions equal but for their top-level `description` (either may lack one). */
function sameBesideDescription(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || a === null || Array.isArray(a)) return false;
  if (typeof b !== "object" || b === null || Array.isArray(b)) return false;
  const da = (a as Record<string, unknown>).description;
  const db = (b as Record<string, unknown>).description;
  if (da !== undefined && typeof da !== "string") return false;
  if (db !== undefined && typeof db !== "string") return false;
  return same({ ...a, description: undefined }, { ...b, description: undefined });
}
