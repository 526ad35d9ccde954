/**
 * Rename detection: pairs a removed name with an added one when they are of a
 * compatible type and their names or descriptions say the same thing. A pair
 * must clear a threshold and each name is used at most once (best pairs first).
 */
import { distance } from "fastest-levenshtein";
import { isObject, type JsonObject, normalize } from "./schema.js";

const PARAM_THRESHOLD = 0.5;
const TOOL_THRESHOLD = 0.6;

/** Splits `startRef`, `start_ref`, `start-ref` into lower-case words. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size === 0 && sb.size === 0) return 0;
  let common = 0;
  for (const t of sa) if (sb.has(t)) common++;
  return common / (sa.size + sb.size - common);
}

/** 0..1: how alike two identifiers are (shared words, or few edits once separators are ignored). */
export function nameSimilarity(a: string, b: string): number {
  const flatA = nameTokens(a).join("");
  const flatB = nameTokens(b).join("");
  if (flatA === flatB) return 1;
  const edit = 1 - distance(flatA, flatB) / Math.max(flatA.length, flatB.length);
  return Math.max(jaccard(nameTokens(a), nameTokens(b)), edit >= 0.75 ? edit : 0);
}

function words(text: unknown): string[] {
  if (typeof text !== "string") return [];
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 2);
}

/**
 * 0..1: word overlap of two descriptions (0 when either is missing). A short description that is
 * mostly contained in a longer one (a sentence dropped or added) counts too, a little less.
 */
export function descriptionSimilarity(a: unknown, b: unknown): number {
  const sa = new Set(words(a));
  const sb = new Set(words(b));
  if (sa.size === 0 || sb.size === 0) return 0;
  let common = 0;
  for (const w of sa) if (sb.has(w)) common++;
  const containment = Math.min(sa.size, sb.size) >= 4 ? (0.8 * common) / Math.min(sa.size, sb.size) : 0;
  return Math.max(common / (sa.size + sb.size - common), containment);
}

function typesCompatible(a: unknown, b: unknown, rootA: unknown, rootB: unknown): boolean {
  const na = normalize(a, rootA);
  const nb = normalize(b, rootB);
  if (!na.types || !nb.types) return true;
  for (const t of na.types) {
    if (nb.types.has(t)) return true;
    if ((t === "integer" && nb.types.has("number")) || (t === "number" && nb.types.has("integer")))
      return true;
  }
  return false;
}

interface Candidate {
  from: string;
  to: string;
  /** Must reach the threshold for the pair to count at all. */
  score: number;
  /**
   * Orders competing pairs (defaults to `score`): every signal counts, so `startRef`/`endRef` go to
   * `startTarget`/`endTarget` even when their descriptions are equally alike.
   */
  rank?: number;
}

function greedy(scores: Candidate[], threshold: number): Map<string, string> {
  const rank = (c: Candidate) => c.rank ?? c.score;
  scores.sort((x, y) => rank(y) - rank(x) || (x.from < y.from ? -1 : 1) || (x.to < y.to ? -1 : 1));
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const s of scores) {
    if (s.score < threshold) continue;
    if (out.has(s.from) || used.has(s.to)) continue;
    out.set(s.from, s.to);
    used.add(s.to);
  }
  return out;
}

/** Likely renames among the removed and added properties of one object: removed name → added name. */
export function findRenames(
  removed: readonly string[],
  added: readonly string[],
  propsA: JsonObject,
  propsB: JsonObject,
  rootA: unknown,
  rootB: unknown,
): Map<string, string> {
  if (removed.length === 0 || added.length === 0) return new Map();
  const scores: Candidate[] = [];
  for (const from of removed) {
    for (const to of added) {
      if (!typesCompatible(propsA[from], propsB[to], rootA, rootB)) continue;
      const da = normalize(propsA[from], rootA).keywords.description;
      const db = normalize(propsB[to], rootB).keywords.description;
      const name = nameSimilarity(from, to);
      const desc = descriptionSimilarity(da, db);
      scores.push({ from, to, score: Math.max(name, desc), rank: name + desc });
    }
  }
  return greedy(scores, PARAM_THRESHOLD);
}

function propertyNames(tool: JsonObject): string[] {
  const schema = tool.inputSchema;
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  return Object.keys(schema.properties).sort();
}

/** Likely renamed tools: removed name → added name, by name, description and parameter-set similarity. */
export function findToolRenames(
  removed: readonly string[],
  added: readonly string[],
  before: Record<string, JsonObject>,
  after: Record<string, JsonObject>,
): Map<string, string> {
  if (removed.length === 0 || added.length === 0) return new Map();
  const scores: Candidate[] = [];
  for (const from of removed) {
    for (const to of added) {
      const a = before[from] as JsonObject;
      const b = after[to] as JsonObject;
      const nameSim = nameSimilarity(from, to);
      const textSim = Math.max(nameSim, descriptionSimilarity(a.description, b.description));
      const pa = propertyNames(a);
      const pb = propertyNames(b);
      // Parameters weigh most; a near-identical name alone may still carry a rename, a shared boilerplate description may not.
      const score =
        pa.length + pb.length > 0
          ? Math.max(0.6 * jaccard(pa, pb) + 0.4 * textSim, 0.9 * nameSim)
          : 0.9 * textSim;
      scores.push({ from, to, score, rank: score + nameSim / 10 });
    }
  }
  return greedy(scores, TOOL_THRESHOLD);
}
