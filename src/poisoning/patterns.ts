/**
 * Phrases that mark text written for the model rather than for the user.
 * Each pattern is modelled on a published tool-poisoning attack (see
 * docs/rules/hidden-instructions.md) and kept narrow: a false alarm on an
 * honest server teaches people to ignore the warning.
 */

/** One kind of hidden instruction, with the reason shown in the message. */
export interface InstructionPattern {
  /** Short, stable label used in the message (`<IMPORTANT> block`, `keep it from the user`, …). */
  label: string;
  pattern: RegExp;
}

// The tag names attackers wrap instructions in; a real description has no use for them.
const TAGS =
  "important|system|instructions?|hidden|secret|admin|note[_ -]?to[_ -]?(?:ai|assistant|model)|ai[_ -]?instructions?";

/** All patterns, checked against every string in a tool definition. Case-insensitive. */
export const INSTRUCTION_PATTERNS: readonly InstructionPattern[] = [
  { label: "an <IMPORTANT>-style tag", pattern: new RegExp(`<\\s*/?\\s*(?:${TAGS})\\s*>`, "i") },
  {
    label: "a chat-template control token",
    pattern: /<\|(?:im_start|im_end|system|endoftext)\|>|\[\/?INST\]/i,
  },
  {
    label: "an instruction to keep something from the user",
    pattern:
      /\b(?:do\s+not|don'?t|never|without)\s+(?:tell(?:ing)?|mention(?:ing)?|inform(?:ing)?|notify(?:ing)?|reveal(?:ing)?|show(?:ing)?|alert(?:ing)?|disclos(?:e|ing))\b[^.\n]{0,100}?\buser\b|\b(?:hide|conceal)\b[^.\n]{0,30}?\bfrom\s+the\s+user\b|\buser\s+(?:must|should)\s+(?:not|never)\s+(?:know|see|be\s+told)\b/i,
  },
  {
    label: "an instruction to override earlier instructions",
    pattern:
      /\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:the\s+)?(?:previous|prior|above|earlier|other|system)\s+(?:instructions|rules|prompts?|directions)\b/i,
  },
  {
    label: "a reference to SSH keys",
    pattern: /~\/\.ssh\b|\.ssh\/|\bid_(?:rsa|dsa|ecdsa|ed25519)\b/i,
  },
  {
    label: "a reference to an MCP client's config file",
    pattern: /\bmcp\.json\b|~\/\.cursor\b|claude_desktop_config\.json|\.codeium\/windsurf|\.vscode\/mcp/i,
  },
  {
    label: "a reference to a credentials file",
    pattern:
      /~\/\.(?:aws|kube|docker|gnupg|netrc|npmrc|pypirc|git-credentials)\b|\.aws\/credentials|\/etc\/(?:passwd|shadow)\b|\.git-credentials\b/i,
  },
  {
    label: "a request to read or send secrets or the environment",
    pattern:
      /\b(?:read|cat|send|pass|include|attach|upload|forward|copy|leak|exfiltrate|append|put)\b[^.\n]{0,60}?\b(?:environment\s+variables|env\s+vars|process\.env|\.env\s+file|api[\s_-]?keys?|private\s+keys?|secret\s+keys?|access\s+tokens?|passwords?|credentials)\b/i,
  },
];

/**
 * Matches exactly the texts some pattern matches: their alternation, in one pass over the text
 * (the patterns are all case-insensitive, with no backreference, so each keeps its meaning).
 * Most texts match none, and then this one test replaces eight.
 */
export const ANY_INSTRUCTION = new RegExp(
  INSTRUCTION_PATTERNS.map(({ pattern }) => `(?:${pattern.source})`).join("|"),
  "i",
);

/** Labels of every pattern that matches `text`, with the first matched excerpt of each. */
export function findInstructions(text: string): { label: string; excerpt: string }[] {
  const out: { label: string; excerpt: string }[] = [];
  if (!ANY_INSTRUCTION.test(text)) return out;
  for (const { label, pattern } of INSTRUCTION_PATTERNS) {
    const m = pattern.exec(text);
    if (m) out.push({ label, excerpt: m[0] });
  }
  return out;
}

const DESTRUCTIVE_WORDS = new Set([
  "delete",
  "del",
  "drop",
  "remove",
  "rm",
  "destroy",
  "purge",
  "erase",
  "wipe",
  "truncate",
  "terminate",
  "kill",
  "unlink",
  "revoke",
  "overwrite",
]);

/** The words of a tool name: split on `_`, `-`, `.`, `/`, spaces and camelCase humps, lower-cased. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== "")
    .map((w) => w.toLowerCase());
}

/**
 * Matches every name with a destructive word, and most others not: one of the words anywhere,
 * in any case, or a character beyond ASCII (whose lower case may be ASCII: U+212A KELVIN SIGN is
 * `k`). A name that does not match is not split into words at all.
 */
const MAY_BE_DESTRUCTIVE = new RegExp(`[^\\x00-\\x7f]|${[...DESTRUCTIVE_WORDS].join("|")}`, "i");

/** The first word of `name` that says it destroys something (`delete`, `drop`, …), if any. */
export function destructiveWord(name: string): string | undefined {
  if (!MAY_BE_DESTRUCTIVE.test(name)) return undefined;
  return nameWords(name).find((w) => DESTRUCTIVE_WORDS.has(w));
}
