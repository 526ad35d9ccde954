/**
 * The diff of a server's surface beside its tools: prompts, resource templates, static resources,
 * instructions and capabilities. A section one side does not have (a version 1 lockfile, a file
 * source that does not list it) is unknown: it is not compared, so nothing in it is reported
 * removed or added. Pure.
 */

import type { Change } from "../core/change.js";
import type { LockedItem, LockedServer } from "../core/lockfile.js";
import { dictFrom } from "../core/own.js";
import { diffCapabilities } from "./rules/capabilities.js";
import { diffInstructions } from "./rules/instructions.js";
import { diffPrompts } from "./rules/prompts.js";
import { diffResources, diffResourceTemplates } from "./rules/resources.js";

/** The definitions of a locked section, by key. */
function definitions<D>(items: Readonly<Record<string, LockedItem<D>>>): Record<string, D> {
  return dictFrom(Object.entries(items).map(([key, item]) => [key, item.definition]));
}

/** Every finding about the sections both entries have. */
export function diffSurface(
  server: string,
  a: LockedServer,
  b: LockedServer,
  options: { detectRenames?: boolean } = {},
): Change[] {
  const out: Change[] = [];
  if (a.prompts && b.prompts)
    out.push(
      ...diffPrompts(server, definitions(a.prompts), definitions(b.prompts), options.detectRenames !== false),
    );
  if (a.resourceTemplates && b.resourceTemplates)
    out.push(
      ...diffResourceTemplates(server, definitions(a.resourceTemplates), definitions(b.resourceTemplates)),
    );
  if (a.resources && b.resources)
    out.push(...diffResources(server, definitions(a.resources), definitions(b.resources)));
  if (a.instructions !== undefined && b.instructions !== undefined)
    out.push(...diffInstructions(server, a.instructions, b.instructions));
  if (a.capabilities && b.capabilities)
    out.push(...diffCapabilities(server, a.capabilities.definition, b.capabilities.definition));
  return out;
}
