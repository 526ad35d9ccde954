/**
 * A compact word diff for description changes, so a reviewer sees what was
 * slipped into a description (tool poisoning arrives this way) without
 * reading both versions in full.
 */

const MAX_WORDS = 600;
const MAX_SHOWN = 80;

function clip(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/** Runs of removed and added words between two texts (longest common subsequence of words). */
export function wordChanges(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split(/\s+/).filter(Boolean);
  const b = after.split(/\s+/).filter(Boolean);
  if (a.length > MAX_WORDS || b.length > MAX_WORDS) {
    return { removed: [clip(before)], added: [clip(after)] };
  }
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const removed: string[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  let runR: string[] = [];
  let runA: string[] = [];
  const flush = () => {
    if (runR.length) removed.push(runR.join(" "));
    if (runA.length) added.push(runA.join(" "));
    runR = [];
    runA = [];
  };
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      flush();
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      runA.push(b[j]!);
      j++;
    } else {
      runR.push(a[i]!);
      i++;
    }
  }
  flush();
  return { removed, added };
}

/** `: removed "…", added "…"` for two descriptions (empty when either is missing or nothing word-level changed). */
export function wordDiff(before: unknown, after: unknown): string {
  if (typeof before !== "string" || typeof after !== "string") {
    const only = typeof after === "string" ? after : typeof before === "string" ? before : "";
    return only ? `: "${clip(only)}"` : "";
  }
  const { removed, added } = wordChanges(before, after);
  const parts: string[] = [];
  if (removed.length) parts.push(`removed "${clip(removed.join(" … "))}"`);
  if (added.length) parts.push(`added "${clip(added.join(" … "))}"`);
  if (parts.length === 0) return " (whitespace only)";
  return `: ${parts.join(", ")}`;
}
