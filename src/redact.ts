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
 * Replaces every run of at least ECHO_CHARS characters that also appears inside one of `forms`
 * (a server's own cut of a secret: its start, its end, its middle) with "***".
 */
function redactEchoes(text: string, forms: readonly string[]): string {
  if (text.length < ECHO_CHARS) return text;
  const grams = new Set<string>();
  for (const form of forms) {
    for (let i = 0; i + ECHO_CHARS <= form.length; i++) grams.add(form.slice(i, i + ECHO_CHARS));
  }
  if (grams.size === 0) return text;
  let out = "";
  let kept = 0; // text before this index is in `out`
  let coveredTo = -1; // end of the run being replaced, while one is open
  for (let i = 0; i + ECHO_CHARS <= text.length; i++) {
    if (!grams.has(text.slice(i, i + ECHO_CHARS))) continue;
    if (i > coveredTo) {
      if (coveredTo >= 0) {
        out += REDACTED;
        kept = coveredTo;
      }
      out += text.slice(kept, i);
    }
    coveredTo = i + ECHO_CHARS;
  }
  if (coveredTo < 0) return text;
  return `${out}${REDACTED}${text.slice(coveredTo)}`;
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
