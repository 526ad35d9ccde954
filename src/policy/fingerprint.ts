import { createHash } from "node:crypto";
// The project's RFC 8785 serialiser, not the `canonicalize` package: byte-identical output
// (test/canonical/same-as-canonicalize.test.ts), so fingerprints are unchanged, and one CommonJS
// module fewer for every run (fingerprints are computed on the pre-commit path too).
import { canonicalJson } from "../canonical/index.js";
import type { Change } from "../core/change.js";

/**
 * A stable id for one change, used to acknowledge it and to de-duplicate it
 * across runs (SARIF `partialFingerprints`).
 *
 * It covers what identifies the change (rule, server, tool, JSON Pointer, and
 * the template file for template findings) plus a digest of the `before` and
 * `after` values, so an acknowledgement binds to the exact change a person
 * reviewed: if the same place changes again, differently, it is a new change
 * and fails again. It leaves out what moves without the change moving: the
 * message wording, the hint, the template line and column, the severity
 * (a config override must not invalidate acknowledgements).
 *
 * Format: 16 lowercase hex digits (the first 64 bits of a sha256 over the
 * RFC 8785 canonical JSON of those fields).
 */
export function fingerprint(change: Change): string {
  const identity = {
    v: 1,
    rule: change.rule,
    server: change.server,
    tool: change.tool ?? null,
    // Only findings about prompts, resources, instructions and capabilities have these: tool and
    // server findings keep the fingerprints they always had.
    ...(change.kind !== undefined && { kind: change.kind, item: change.item ?? null }),
    pointer: change.pointer,
    file: change.location?.file ?? null,
    before: digest(change.before),
    after: digest(change.after),
  };
  return createHash("sha256").update(canonicalJson(identity)).digest("hex").slice(0, 16);
}

function digest(value: unknown): string | null {
  if (value === undefined) return null;
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}
