/**
 * Format names, apart from the reporters so the CLI can offer them as
 * choices without loading any reporter.
 */

/** An output format name. */
export type Format = "text" | "json" | "markdown" | "github" | "sarif" | "junit" | "html";

/** Every format name, in the order `--help` lists them; cannot drift from `Format`. */
export const FORMATS = Object.keys({
  text: true,
  json: true,
  markdown: true,
  github: true,
  sarif: true,
  junit: true,
  html: true,
} satisfies Record<Format, unknown>) as Format[];
