/**
 * How findings are worded: the helpers every family's messages share.
 */
import { type Direction, type Loc, MAX_SCHEMA_DEPTH } from "../engine.js";

/** Capitalises the first letter of a sentence fragment. */
export function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** How a location is named in messages: "parameter `a.b`", or "the input schema" at the root. */
export function describeLoc(d: { readonly dir: Direction }, at: Loc): string {
  if (at.label) return d.dir === "input" ? `parameter \`${at.label}\`` : `output field \`${at.label}\``;
  return d.dir === "input" ? "the input schema" : "the output schema";
}

/** The message of `schema-too-deep`. */
export function tooDeepMessage(tool: string, dir: Direction): string {
  return `The ${dir} schema of \`${tool}\` nests more than ${MAX_SCHEMA_DEPTH} JSON Pointer segments deep; it was compared only down to that depth.`;
}
