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
 * widens it (`output-bound-loosened`). `contentSchema` (the decoded document's schema) is compared
 * as a sub-schema when both sides have one.
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
  "content-schema-added": {
    severity: "warning",
    summary:
      "A string parameter gained a `contentSchema`: the document it holds must now fit a schema (validators do not check it; the server may).",
    direction: "input",
    bump: "minor",
    keywords: ["contentSchema"],
    witness: "none",
    inverse: ["content-schema-removed"],
  },
  "content-schema-removed": {
    severity: "info",
    summary:
      "A string parameter's `contentSchema` was removed: the document it holds is no longer described.",
    direction: "input",
    bump: "minor",
    keywords: ["contentSchema"],
    witness: "none",
    inverse: ["content-schema-added"],
  },
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
  checkContentSchema(d, a, b, at, where);
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

/**
 * `contentSchema`: the schema of the document a string holds once decoded. Added to an input it is
 * a warning (like a media type: validators do not apply it, a server that parses the document may),
 * removed info; in an output added narrows, removed widens. Present on both sides, it is compared
 * like any sub-schema, at `…/contentSchema`, so what changed inside is named by the usual rules.
 */
function checkContentSchema(d: SchemaDiff, a: SchemaNode, b: SchemaNode, at: Loc, where: string): void {
  const ca = a.keywords.contentSchema;
  const cb = b.keywords.contentSchema;
  if (ca === undefined && cb === undefined) return;
  const loc = child(at, ["contentSchema"], at.label);
  if (ca !== undefined && cb !== undefined) {
    d.compare(ca, cb, child(at, ["contentSchema"], `${at.label}<content>`));
    return;
  }
  if (ca === undefined) {
    const msg = `${where} gained a contentSchema: the document it holds must now fit it.`;
    if (d.dir === "input") d.emit(contentRules["content-schema-added"], loc, msg, { after: cb });
    else d.emit(outputShapeRules["output-narrowed"], loc, msg, { after: cb });
  } else {
    const msg = `${where} lost its contentSchema: the document it holds is no longer described.`;
    if (d.dir === "input") d.emit(contentRules["content-schema-removed"], loc, msg, { before: ca });
    else d.emit(constraintRules["output-bound-loosened"], loc, msg, { before: ca });
  }
}

/** String contents. */
export const contentFamily: Family<keyof typeof contentRules, NodeCheck> = {
  name: "content",
  rules: contentRules,
  check: structural(checkContent),
};
