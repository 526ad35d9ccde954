/**
 * Acknowledgements: breaking changes a person accepted, with a reason, who
 * accepted them and an optional expiry. They live in their own reviewed file
 * (`mcp-contract.acks.json` by default, next to the config), so accepting a
 * change is a visible line in a pull request. Pure: parsing, matching and
 * creating; validation (ajv) is in ./validate.ts, reading and writing in src/cli/acknowledgements.ts.
 */
import { type Change, kindRank } from "../core/change.js";
import { cmp } from "../core/json.js";
import type { SurfaceKind } from "../core/lockfile.js";
import type { RecordedChange } from "../core/report.js";
import { fingerprint } from "./fingerprint.js";

/** Version of the acknowledgements file. */
export const ACKNOWLEDGEMENTS_VERSION = 1;

/**
 * One accepted change. Only `fingerprint` is matched; rule/server/tool/kind/item/pointer/message
 * are for reviewers (an acknowledgement written before `kind` and `item` existed, without them,
 * matches as it always did: the fingerprint already covers them).
 */
export interface Acknowledgement {
  /** `fingerprint(change)` of the accepted change. */
  fingerprint: string;
  rule: string;
  server: string;
  /** Absent for server-level changes and changes to the rest of the surface. */
  tool?: string;
  /** For a change to a prompt, resource template, resource, the instructions or the capabilities: which kind. */
  kind?: SurfaceKind;
  /** The prompt's or resource template's name, or the resource's URI (absent for instructions and capabilities). */
  item?: string;
  pointer: string;
  /** The change's message when it was accepted. */
  message?: string;
  /** Why it is fine (required: an acknowledgement without a reason is not a review). */
  reason: string;
  /** Who accepted it (a name, email or CI actor). */
  acceptedBy: string;
  /** Day it was accepted, YYYY-MM-DD. */
  acceptedAt: string;
  /**
   * Optional end: a date (YYYY-MM-DD, valid through that day, UTC) or an RFC 3339
   * date-time. After it, the change fails again. Absent: never expires.
   */
  expires?: string;
}

/** The acknowledgements file. */
export interface AcknowledgementsFile {
  version: typeof ACKNOWLEDGEMENTS_VERSION;
  acknowledgements: Acknowledgement[];
}

/**
 * The instant after which an expiry no longer holds: the end of the day (UTC)
 * for a date, the instant itself for a date-time. NaN when unparseable.
 */
export function expiryInstant(expires: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(expires)) {
    const start = Date.parse(`${expires}T00:00:00Z`);
    // Date.parse rolls 2026-02-30 over; reject dates that do not round-trip.
    if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== expires) return Number.NaN;
    return start + 24 * 60 * 60 * 1000;
  }
  return Date.parse(expires);
}

/** True when the acknowledgement has an expiry and `now` is past it. */
export function isExpired(ack: Pick<Acknowledgement, "expires">, now: Date): boolean {
  return ack.expires !== undefined && now.getTime() >= expiryInstant(ack.expires);
}

/** Builds the acknowledgement for a change, as `lock --accept-breaking` records it. */
export function acknowledge(
  change: Change,
  accepted: { reason: string; acceptedBy: string; now: Date; expires?: string },
): Acknowledgement {
  // Keys in the order reviewers read them (the order docs/ci.md shows).
  return {
    fingerprint: fingerprint(change),
    rule: change.rule,
    server: change.server,
    ...(change.tool !== undefined ? { tool: change.tool } : {}),
    ...(change.kind !== undefined ? { kind: change.kind } : {}),
    ...(change.item !== undefined ? { item: change.item } : {}),
    pointer: change.pointer,
    message: change.message,
    reason: accepted.reason,
    acceptedBy: accepted.acceptedBy,
    acceptedAt: accepted.now.toISOString().slice(0, 10),
    ...(accepted.expires !== undefined ? { expires: accepted.expires } : {}),
  };
}

/**
 * Adds acknowledgements to a file's list: one per fingerprint (a new one
 * replaces an old one for the same change), sorted by server, tool, kind, item, pointer,
 * so the file diffs well in review.
 */
export function addAcknowledgements(
  existing: readonly Acknowledgement[],
  added: readonly Acknowledgement[],
): Acknowledgement[] {
  const byFingerprint = new Map<string, Acknowledgement>();
  for (const ack of [...existing, ...added]) byFingerprint.set(ack.fingerprint, ack);
  return [...byFingerprint.values()].sort(
    (a, b) =>
      cmp(a.server, b.server) ||
      cmp(a.tool ?? "", b.tool ?? "") ||
      kindRank(a.kind) - kindRank(b.kind) ||
      cmp(a.item ?? "", b.item ?? "") ||
      cmp(a.pointer, b.pointer) ||
      cmp(a.rule, b.rule) ||
      cmp(a.fingerprint, b.fingerprint),
  );
}

/** Acknowledgements that matched none of the changes: candidates for removal. */
export function unusedAcknowledgements(
  acks: readonly Acknowledgement[],
  changes: readonly RecordedChange[],
): Acknowledgement[] {
  const used = new Set(changes.map((c) => c.fingerprint));
  return acks.filter((a) => !used.has(a.fingerprint));
}
