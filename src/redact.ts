/**
 * Secret redaction. Every value that came from the environment or config as a
 * credential is replaced before anything is printed or written.
 */

const REDACTED = "***";

/** Secrets shorter than this are too likely to collide with ordinary text to redact safely. */
const MIN_SECRET_LENGTH = 4;

/** Replaces every occurrence of every secret (and its URL-encoded form) in `text`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret containing another is replaced whole.
  const sorted = [...new Set(secrets)]
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  for (const secret of sorted) {
    out = out.split(secret).join(REDACTED);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join(REDACTED);
    const base64 = Buffer.from(secret).toString("base64");
    if (base64.length >= 8) out = out.split(base64).join(REDACTED);
  }
  return out;
}
