/**
 * String contents: `contentEncoding` (how the string's characters stand for
 * bytes, e.g. base64) and `contentMediaType` (what document those bytes are,
 * e.g. application/json). Validators do not check either, so no witness is
 * looked for; what changes is how the server or the agent reads the string.
 *
 * Severity per direction: a changed encoding is breaking both ways (the same
 * text now decodes to other bytes, whoever reads it). A media type that
 * changed is breaking both ways (a document of the old type is read as the
 * new one); one that was added to an input is a warning (like `format`: the
 * server now expects such a document, but a validator accepts any string);
 * one that was removed from an input is info. In an output an added media
 * type narrows what the agent reads (`output-narrowed`) and a removed one
 * widens it (`output-bound-loosened`).
 */

import { defineRecords, type Family } from "../../core/rule.js";
import { child, type Loc, type NodeCheck, type SchemaDiff } from "../engine.js";
import { jsonEqual, type SchemaNode, show } from "../schema.js";
import { constraintRules } from "./constraints.js";
import { structural } from "./gate.js";
import { capital, describeLoc } from "./messages.js";
import { outputShapeRules } from "./output.js";

/** Content rules. */
export const contentRules = defineRecords("content", {
  "content-encoding-changed": {
    severity: "breaking",
    summary:
      "A string's `contentEncoding` was added, changed or removed: the same text now stands for other bytes.",
    direction: "both",
    bump: "major",
    keywords: ["contentEncoding"],
    witness: "none",
    inverse: ["content-encoding-changed"],
  },
  "content-media-type-added": {
    severity: "warning",
    summary:
      "A string parameter gained a `contentMediaType`: the server now reads it as a document of that type.",
    direction: "input",
    bump: "minor",
    keywords: ["contentMediaType"],
    witness: "none",
    inverse: ["content-media-type-removed"],
  },
  "content-media-type-changed": {
    severity: "breaking",
    summary: "A string's `contentMediaType` changed: a document of the old type is read as the new one.",
    direction: "both",
    bump: "major",
    keywords: ["contentMediaType"],
    witness: "none",
    inverse: ["content-media-type-changed"],
  },
  "content-media-type-removed": {
    severity: "info",
    summary: "A string parameter's `contentMediaType` was removed.",
    direction: "input",
    bump: "minor",
    keywords: ["contentMediaType"],
    witness: "none",
    inverse: ["content-media-type-added"],
  },
});

/** Compares `contentEncoding` and `contentMediaType` of a node pair. */
export function checkContent(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc): void {
  const where = capital(describeLoc(d, at));
  const ea = a.keywords.contentEncoding;
  const eb = b.keywords.contentEncoding;
  if (!jsonEqual(ea, eb)) {
    d.emit(
      contentRules["content-encoding-changed"],
      child(at, ["contentEncoding"], at.label),
      `${where} contentEncoding changed from ${show(ea)} to ${show(eb)}: the same text now stands for other bytes.`,
      { before: ea, after: eb },
    );
  }
  const ma = a.keywords.contentMediaType;
  const mb = b.keywords.contentMediaType;
  if (jsonEqual(ma, mb)) return;
  const loc = child(at, ["contentMediaType"], at.label);
  if (ma === undefined) {
    const msg = `${where} gained contentMediaType ${show(mb)}.`;
    if (d.dir === "input") d.emit(contentRules["content-media-type-added"], loc, msg, { after: mb });
    else d.emit(outputShapeRules["output-narrowed"], loc, msg, { after: mb });
  } else if (mb === undefined) {
    const msg = `${where} lost contentMediaType ${show(ma)}.`;
    if (d.dir === "input") d.emit(contentRules["content-media-type-removed"], loc, msg, { before: ma });
    else d.emit(constraintRules["output-bound-loosened"], loc, msg, { before: ma });
  } else {
    d.emit(
      contentRules["content-media-type-changed"],
      loc,
      `${where} contentMediaType changed from ${show(ma)} to ${show(mb)}.`,
      { before: ma, after: mb },
    );
  }
}

/** String contents. */
export const contentFamily: Family<keyof typeof contentRules, NodeCheck> = {
  name: "content",
  rules: contentRules,
  check: structural(checkContent),
};
