/**
 * Resource rules: resource templates (by name) removed, added, their `uriTemplate` or `mimeType`
 * changed; static resources (by URI, locked only when the server entry asks) removed, added, their
 * `mimeType` changed.
 */

import { type Change, newChange, type SurfaceItem } from "../../core/change.js";
import type { ResourceDefinition, ResourceTemplateDefinition } from "../../core/lockfile.js";
import { defineRecords, type Family } from "../../core/rule.js";
import { uriTemplateShape } from "../../core/uri-template.js";
import { jsonEqual, show } from "../schema.js";

const change = { direction: "none", keywords: [], witness: "none" } as const;

/** Resource rules. */
export const resourcesRules = defineRecords("resources", {
  "resource-template-removed": {
    ...change,
    severity: "breaking",
    summary: "A resource template is gone: URIs built from it no longer resolve.",
    bump: "major",
    inverse: ["resource-template-added"],
  },
  "resource-template-added": {
    ...change,
    severity: "info",
    summary: "A new resource template.",
    bump: "minor",
    inverse: ["resource-template-removed"],
  },
  "resource-template-uri-changed": {
    ...change,
    severity: "breaking",
    summary:
      "A resource template's uriTemplate changed: a variable renamed or removed, or the fixed part changed, breaks the URIs agents build (an added optional query expansion such as `{?page}` is reported as info).",
    bump: "major",
    inverse: ["resource-template-uri-changed"],
  },
  "resource-template-mime-type-changed": {
    ...change,
    severity: "warning",
    summary: "A resource template's mimeType changed: what an agent reads from it is in another format.",
    bump: "minor",
    inverse: ["resource-template-mime-type-changed"],
  },
  "resource-removed": {
    ...change,
    severity: "breaking",
    summary: "A static resource is gone from resources/list.",
    bump: "major",
    inverse: ["resource-added"],
  },
  "resource-added": {
    ...change,
    severity: "info",
    summary: "A new static resource.",
    bump: "minor",
    inverse: ["resource-removed"],
  },
  "resource-mime-type-changed": {
    ...change,
    severity: "warning",
    summary: "A static resource's mimeType changed: what an agent reads from it is in another format.",
    bump: "minor",
    inverse: ["resource-mime-type-changed"],
  },
});

/** The resources family: checked by `diffSurface`. */
export const resourcesFamily: Family = { name: "resources", rules: resourcesRules };

/**
 * How a uriTemplate changed: `breaking` when its fixed part (literals, path variables) changed or
 * a query variable is gone, `info` when it only gained query variables.
 */
export function uriTemplateChange(
  before: string,
  after: string,
): { severity: "breaking" | "info"; why: string } {
  const a = uriTemplateShape(before);
  const b = uriTemplateShape(after);
  if (a.fixed !== b.fixed)
    return { severity: "breaking", why: "URIs built from the old template no longer match" };
  const gone = [...a.query].filter((v) => !b.query.has(v));
  if (gone.length > 0)
    return { severity: "breaking", why: `query variable ${gone.map((v) => `\`${v}\``).join(", ")} is gone` };
  const added = [...b.query].filter((v) => !a.query.has(v));
  return {
    severity: "info",
    why: `only optional query variable ${added.map((v) => `\`${v}\``).join(", ")} was added`,
  };
}

/** Every resource template finding between two servers' templates (keyed by name). */
export function diffResourceTemplates(
  server: string,
  before: Readonly<Record<string, ResourceTemplateDefinition>>,
  after: Readonly<Record<string, ResourceTemplateDefinition>>,
): Change[] {
  const out: Change[] = [];
  const at = (item: string): SurfaceItem => ({ kind: "resourceTemplate", item });
  for (const name of Object.keys(before).sort()) {
    const a = before[name]!;
    if (!Object.hasOwn(after, name)) {
      out.push(
        newChange(
          resourcesRules["resource-template-removed"],
          server,
          at(name),
          "",
          `Resource template \`${name}\` (\`${a.uriTemplate}\`) was removed.`,
          { before: a.uriTemplate },
        ),
      );
      continue;
    }
    const b = after[name]!;
    if (a.uriTemplate !== b.uriTemplate) {
      const { severity, why } = uriTemplateChange(a.uriTemplate, b.uriTemplate);
      out.push(
        newChange(
          resourcesRules["resource-template-uri-changed"],
          server,
          at(name),
          "/uriTemplate",
          `Resource template \`${name}\` changed its uriTemplate from \`${a.uriTemplate}\` to \`${b.uriTemplate}\`: ${why}.`,
          { before: a.uriTemplate, after: b.uriTemplate, severity },
        ),
      );
    }
    if (!jsonEqual(a.mimeType, b.mimeType))
      out.push(
        newChange(
          resourcesRules["resource-template-mime-type-changed"],
          server,
          at(name),
          "/mimeType",
          `Resource template \`${name}\` mimeType changed from ${show(a.mimeType)} to ${show(b.mimeType)}.`,
          { before: a.mimeType, after: b.mimeType },
        ),
      );
  }
  for (const name of Object.keys(after).sort())
    if (!Object.hasOwn(before, name))
      out.push(
        newChange(
          resourcesRules["resource-template-added"],
          server,
          at(name),
          "",
          `Resource template \`${name}\` (\`${after[name]!.uriTemplate}\`) was added.`,
          { after: after[name]!.uriTemplate },
        ),
      );
  return out;
}

/** Every static resource finding between two servers' resources (keyed by URI). */
export function diffResources(
  server: string,
  before: Readonly<Record<string, ResourceDefinition>>,
  after: Readonly<Record<string, ResourceDefinition>>,
): Change[] {
  const out: Change[] = [];
  const at = (item: string): SurfaceItem => ({ kind: "resource", item });
  for (const uri of Object.keys(before).sort()) {
    if (!Object.hasOwn(after, uri)) {
      out.push(
        newChange(
          resourcesRules["resource-removed"],
          server,
          at(uri),
          "",
          `Resource \`${uri}\` was removed.`,
          {
            before: uri,
          },
        ),
      );
      continue;
    }
    const a = before[uri]!;
    const b = after[uri]!;
    if (!jsonEqual(a.mimeType, b.mimeType))
      out.push(
        newChange(
          resourcesRules["resource-mime-type-changed"],
          server,
          at(uri),
          "/mimeType",
          `Resource \`${uri}\` mimeType changed from ${show(a.mimeType)} to ${show(b.mimeType)}.`,
          { before: a.mimeType, after: b.mimeType },
        ),
      );
  }
  for (const uri of Object.keys(after).sort())
    if (!Object.hasOwn(before, uri))
      out.push(
        newChange(resourcesRules["resource-added"], server, at(uri), "", `Resource \`${uri}\` was added.`, {
          after: uri,
        }),
      );
  return out;
}
