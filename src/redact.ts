/**
 * Secret redaction. Every value that came from the environment or config as a
 * credential is replaced before anything is printed or written.
 *
 * Text is always redacted before it is cut: cutting first can split a secret
 * so that its kept half no longer matches and escapes. `truncate`,
 * `truncateStart` and `redactFragment` are the only ways text leaving the
 * process is shortened; each also drops a partial secret at the cut edge (a
 * kept end that is the start of a secret, a kept start that is its end), for
 * text that was already cut before it reached us, such as a ring buffer, and
 * any run of 8 or more characters of a secret that the text quotes (a server
 * that echoes part of the token it was sent).
 */

const REDACTED = "***";
/** Marks where text was cut. */
const ELLIPSIS = "…";

/** Secrets shorter than this are too likely to collide with ordinary text to redact safely. */
const MIN_SECRET_LENGTH = 4;

/** The secrets worth redacting, longest first, so a secret containing another is replaced whole. */
function usable(secrets: readonly string[]): string[] {
  return [...new Set(secrets)]
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}

/** Every form of `secret` that `redact` replaces: raw, URL-encoded, base64. */
function formsOf(secret: string): string[] {
  const forms = [secret];
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) forms.push(encoded);
  const base64 = Buffer.from(secret).toString("base64");
  if (base64.length >= 8) forms.push(base64);
  return forms;
}

/** Replaces every occurrence of every secret (and its URL-encoded and base64 forms) in `text`. */
export function redact(text: string, secrets: readonly string[]): string {
  return redactor(secrets)(text);
}

/** Every form of every usable secret that `redact` replaces (raw, URL-encoded, base64). */
export function secretForms(secrets: readonly string[]): string[] {
  return usable(secrets).flatMap(formsOf);
}

/** `redact` with its secrets prepared once, for redacting many strings (every string of a tool list). */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const forms = usable(secrets).map(formsOf);
  return (text) => {
    let out = text;
    for (const secretForms of forms) {
      for (const form of secretForms) if (out.includes(form)) out = out.split(form).join(REDACTED);
    }
    return out;
  };
}

/** Which edges of a text are cut edges: text beyond them was not seen, so a secret may straddle them. */
export interface CutEdges {
  /** The text starts in the middle of something longer (e.g. the tail of a ring buffer). */
  start?: boolean;
  /** The text stops in the middle of something longer. */
  end?: boolean;
}

/**
 * Redacts `text`, a piece of a longer text, and removes a partial secret at
 * each cut edge: at the end, the longest suffix that is a proper prefix of a
 * secret's form; at the start, the longest prefix that is a proper suffix.
 * A harmless character that happens to match is dropped too: the edge was cut
 * anyway, and no part of a secret may show. Last, every run of 8 or more
 * characters of a secret that the text still quotes is replaced (`redactEchoes`).
 */
export function redactFragment(text: string, secrets: readonly string[], edges: CutEdges): string {
  let out = redact(text, secrets);
  const forms = usable(secrets).flatMap(formsOf);
  if (edges.end) out = out.slice(0, out.length - partialAtEnd(out, forms));
  if (edges.start) out = out.slice(partialAtStart(out, forms));
  return redactEchoes(out, forms);
}

/**
 * A server may quote part of a secret it was sent ("token sk-live-ABCDE... is invalid"): a run
 * of this many characters of a secret's form, or more, is as much a leak as the whole.
 */
const ECHO_CHARS = 8;

/**
 * The runs of ECHO_CHARS characters of some texts (a secret's forms), and a filter to find them
 * in a text without looking at every window: a run of 8 characters holds a 4-character block
 * starting at one of any 5 consecutive positions, so the text is sampled every 5 characters, each
 * sample's 4 characters are looked up in a bit set of every 4-character block of the runs, and only
 * a hit has the 5 windows around it looked up in the set of runs.
 */
interface Runs {
  set: Set<string>;
  blocks: Uint32Array;
}

const BLOCK = 4;
const STRIDE = ECHO_CHARS - BLOCK + 1;
const BLOCK_BITS = 16;

/** The bit of the block of 4 characters at `i` (its characters packed, then spread over BLOCK_BITS bits). */
function blockSlot(text: string, i: number): number {
  const packed =
    text.charCodeAt(i) ^
    (text.charCodeAt(i + 1) << 8) ^
    (text.charCodeAt(i + 2) << 16) ^
    (text.charCodeAt(i + 3) << 24);
  return Math.imul(packed, 0x9e3779b1) >>> (32 - BLOCK_BITS);
}

function runsOf(forms: readonly string[]): Runs | undefined {
  const set = new Set<string>();
  for (const form of forms) {
    for (let i = 0; i + ECHO_CHARS <= form.length; i++) set.add(form.slice(i, i + ECHO_CHARS));
  }
  if (set.size === 0) return undefined;
  const blocks = new Uint32Array(1 << (BLOCK_BITS - 5));
  for (const run of set) {
    for (let i = 0; i + BLOCK <= ECHO_CHARS; i++) {
      const at = blockSlot(run, i);
      blocks[at >>> 5]! |= 1 << (at & 31);
    }
  }
  return { set, blocks };
}

/** The first index at or after `from` where `text` holds one of `runs`, or -1. */
function nextRun(text: string, from: number, runs: Runs): number {
  const { set, blocks } = runs;
  const last = text.length - ECHO_CHARS;
  // A run at p >= from holds the block at the one sample j in [p, p + 4], and p is in [j - 4, j]:
  // the first sample that leads to a run leads to the first run.
  for (let j = from; j + BLOCK <= text.length; j += STRIDE) {
    const at = blockSlot(text, j);
    if ((blocks[at >>> 5]! & (1 << (at & 31))) === 0) continue;
    for (let p = Math.max(from, j - STRIDE + 1); p <= j && p <= last; p++)
      if (set.has(text.slice(p, p + ECHO_CHARS))) return p;
  }
  return -1;
}

/**
 * Replaces every run of at least ECHO_CHARS characters that also appears inside one of the forms
 * (a server's own cut of a secret: its start, its end, its middle) with "***"; overlapping or
 * touching runs are one "***".
 */
function redactRuns(text: string, runs: Runs | undefined): string {
  if (runs === undefined) return text;
  let start = nextRun(text, 0, runs);
  if (start < 0) return text;
  let out = "";
  let kept = 0; // text before this index is in `out`
  while (start >= 0) {
    let coveredTo = start + ECHO_CHARS;
    for (let next = nextRun(text, start + 1, runs); ; next = nextRun(text, next + 1, runs)) {
      if (next < 0 || next > coveredTo) {
        out += `${text.slice(kept, start)}${REDACTED}`;
        kept = coveredTo;
        start = next;
        break;
      }
      coveredTo = next + ECHO_CHARS;
    }
  }
  return out + text.slice(kept);
}

function redactEchoes(text: string, forms: readonly string[]): string {
  if (text.length < ECHO_CHARS) return text;
  return redactRuns(text, runsOf(forms));
}

/**
 * What is redacted from the data a server sends (tool definitions, prompts, resources,
 * serverInfo), prepared once for every string of it: the same as output redaction, every form of a
 * secret whole and then every run of 8 or more characters of one.
 */
export interface SecretScanner {
  /** `text` with every whole form of every secret replaced with "***" (as `redact`). */
  whole(text: string): string;
  /** `text` with every run of 8 or more characters of a secret's form replaced with "***" (after `whole`). */
  runs(text: string): string;
  /**
   * Whether the JSON text of a value (JSON.stringify's) may hold a form, or a run of one, in one of
   * its strings or keys: never false when one does; about one pass over the text.
   */
  mayHoldJson(json: string): boolean;
}

/** The scanner for `secrets`, or undefined when none is long enough to redact. */
export function secretScanner(secrets: readonly string[]): SecretScanner | undefined {
  const forms = secretForms(secrets);
  if (forms.length === 0) return undefined;
  const whole = redactor(secrets);
  const runs = runsOf(forms);
  // Inside JSON text a form is escaped character by character, so a run of one, escaped, holds a
  // run of the escaped form: looking for runs of the escaped forms misses none. Not so for a form
  // with a character outside the BMP: cut through its surrogate pair, a run's edge is escaped
  // (\udxxx) where the whole form's is not; such a (rare) secret has every definition walked.
  const escaped = forms.map((form) => JSON.stringify(form).slice(1, -1));
  const jsonRuns = runsOf(escaped);
  // A form shorter than a run is found whole only.
  const short = escaped.filter((form) => form.length < ECHO_CHARS);
  const paired = forms.some((form) => /[\ud800-\udfff]/.test(form));
  return {
    whole,
    runs: (text) => (text.length < ECHO_CHARS ? text : redactRuns(text, runs)),
    mayHoldJson: (json) =>
      paired ||
      short.some((form) => json.includes(form)) ||
      (jsonRuns !== undefined && nextRun(json, 0, jsonRuns) >= 0),
  };
}

/**
 * `text` redacted, then cut to at most `max` characters (the first ones), the
 * cut marked with "…"; no part of a secret survives at the cut.
 * `edges` says whether `text` itself was already cut from something longer.
 */
export function truncate(
  text: string,
  max: number,
  secrets: readonly string[],
  edges: CutEdges = {},
): string {
  const clean = redactFragment(text, secrets, edges);
  if (clean.length <= max) return clean;
  let end = Math.max(0, max - ELLIPSIS.length);
  // Never through a "***": a stray "*" would look like part of the text.
  const marker = clean.lastIndexOf(REDACTED, end - 1);
  if (marker !== -1 && marker + REDACTED.length > end) end = marker;
  return `${redactFragment(clean.slice(0, end), secrets, { end: true })}${ELLIPSIS}`;
}

/**
 * `text` redacted, then cut to at most `max` characters (the last ones), the
 * cut marked with a leading "…"; no part of a secret survives at the cut.
 */
export function truncateStart(
  text: string,
  max: number,
  secrets: readonly string[],
  edges: CutEdges = {},
): string {
  const clean = redactFragment(text, secrets, edges);
  if (clean.length <= max) return clean;
  let start = clean.length - Math.max(0, max - ELLIPSIS.length);
  const marker = clean.lastIndexOf(REDACTED, start - 1);
  if (marker !== -1 && marker + REDACTED.length > start) start = marker + REDACTED.length;
  return `${ELLIPSIS}${redactFragment(clean.slice(start), secrets, { start: true })}`;
}

/** Length of the longest suffix of `text` that is a proper prefix of one of `forms`. */
function partialAtEnd(text: string, forms: readonly string[]): number {
  let longest = 0;
  for (const form of forms) {
    for (let k = Math.min(form.length - 1, text.length); k > longest; k--) {
      if (text.endsWith(form.slice(0, k))) {
        longest = k;
        break;
      }
    }
  }
  return longest;
}

/** Length of the longest prefix of `text` that is a proper suffix of one of `forms`. */
function partialAtStart(text: string, forms: readonly string[]): number {
  let longest = 0;
  for (const form of forms) {
    for (let k = Math.min(form.length - 1, text.length); k > longest; k--) {
      if (text.startsWith(form.slice(form.length - k))) {
        longest = k;
        break;
      }
    }
  }
  return longest;
}
