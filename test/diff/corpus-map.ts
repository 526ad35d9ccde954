// Maps the corpus's change vocabulary (fixtures/corpus/expected.json) onto mcp-contract rule ids and pointers.
import type { Change } from "../../src/diff/index.js";
import { ANNOTATION_KEYWORDS } from "../../src/diff/keywords.js";
import { DIFF_RECORDS } from "../../src/diff/rules/index.js";

/** One expected change as the corpus lists it. */
export interface ExpectedChange {
  tool: string;
  kind: string;
  detail: string;
  severity: "breaking" | "warning" | "safe";
  unsure?: boolean;
  note?: string;
}

/** One consecutive pair of versions in expected.json. */
export interface ExpectedPair {
  server: string;
  from: string;
  to: string;
  breaking: boolean;
  identical?: boolean;
  unsure?: boolean;
  rawOnly?: string[];
  changes?: ExpectedChange[];
}

/** Keywords of the corpus's parameter kinds (param-removed, param-added-required, …), not of its constraints. */
const PARAMETER_SET = new Set(["properties", "required", "dependentRequired"]);
/** Keywords that say nothing about which values validate. */
const NOT_VALUES = new Set([...ANNOTATION_KEYWORDS, "$schema"]);

/**
 * The corpus's constraint-tightened and constraint-loosened, from the rule records: input rules that
 * judge which values validate (not which parameters exist, not annotations), breaking or info.
 */
function valueRules(severity: "breaking" | "info"): string[] {
  return [...DIFF_RECORDS.values()]
    .filter(
      (r) =>
        r.severity === severity &&
        (r.direction === "input" || r.direction === "both") &&
        r.keywords.length > 0 &&
        r.keywords.every((k) => !PARAMETER_SET.has(k) && !NOT_VALUES.has(k)),
    )
    .map((r) => r.id);
}
const INPUT_NARROWING = valueRules("breaking");
const INPUT_WIDENING = valueRules("info");

/** Rule ids that can stand for a corpus `kind`. */
export const KIND_TO_RULES: Record<string, string[]> = {
  "tool-removed": ["tool-removed", "tool-renamed"],
  "tool-added": ["tool-added", "tool-renamed"],
  "param-removed": ["param-removed", "param-renamed"],
  "param-added-required": ["required-param-added", "param-renamed"],
  "param-added-optional": ["param-added", "param-renamed"],
  "param-became-required": ["param-became-required"],
  "param-became-optional": ["param-became-optional"],
  "param-renamed-likely": ["param-renamed"],
  "type-changed": [
    "param-type-changed",
    "param-type-widened",
    "branch-added",
    "nullable-added",
    "nullable-removed",
  ],
  "enum-value-removed": ["enum-value-removed"],
  "enum-value-added": ["enum-value-added", "enum-removed"],
  "constraint-tightened": INPUT_NARROWING,
  "constraint-loosened": INPUT_WIDENING,
  "description-changed": ["tool-description-changed", "param-description-changed"],
  "annotation-changed": ["tool-annotation-changed", "tool-annotation-metadata-changed"],
  "output-schema-changed": [
    "output-schema-added",
    "output-schema-removed",
    "schema-dialect-changed",
    "output-branch-added",
    "output-property-removed",
    "output-type-changed",
  ],
};

/** `a.b[]{*}<anyOf1>` → `/properties/a/properties/b/items/additionalProperties/anyOf/1`. */
export function pathToPointer(path: string): string {
  if (path === "(root)" || path === "") return "";
  let out = "";
  for (const segment of path.split(".")) {
    const m = /^([^[{<]*)(.*)$/.exec(segment);
    const name = m?.[1] ?? segment;
    let rest = m?.[2] ?? "";
    if (name) out += `/properties/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    while (rest) {
      if (rest.startsWith("[]")) {
        out += "/items";
        rest = rest.slice(2);
      } else if (rest.startsWith("{*}")) {
        out += "/additionalProperties";
        rest = rest.slice(3);
      } else {
        const b = /^<(anyOf|oneOf|allOf)(\d+)>/.exec(rest);
        if (!b) break;
        out += `/${b[1]}/${b[2]}`;
        rest = rest.slice(b[0].length);
      }
    }
  }
  return out;
}

/** The parameter path an expected change's detail starts with, if any. */
export function detailPath(e: ExpectedChange): string | undefined {
  const d = e.detail;
  if (e.kind === "description-changed") {
    const m = /^param (\S+) description/.exec(d);
    return m ? m[1] : undefined;
  }
  if (/^tool /.test(d) || /^annotations/.test(d) || /^execution/.test(d) || /^outputSchema/.test(d))
    return undefined;
  if (/^_meta/.test(d) || /^\[other\]/.test(d)) return undefined;
  const m = /^(\(root\)|[A-Za-z0-9_$\-.[\]{}*<>]+)(?=[: ]|$)/.exec(d);
  return m ? m[1] : undefined;
}

/** Which actual changes an expected change can be matched by: candidate rules and the pointer prefix. */
export function matcher(e: ExpectedChange): {
  rules: string[];
  pointerPrefix?: string;
  tool: string;
  afterTool?: boolean;
} {
  const d = e.detail;
  if (e.kind === "other") {
    if (/^tool title/.test(d))
      return { rules: ["tool-title-changed"], pointerPrefix: "/title", tool: e.tool };
    if (/^execution/.test(d))
      return { rules: ["tool-execution-changed", "task-support-required"], tool: e.tool };
    if (/\$schema/.test(d))
      return { rules: ["schema-dialect-changed"], pointerPrefix: "/inputSchema/$schema", tool: e.tool };
    if (/^_meta/.test(d)) return { rules: ["tool-meta-changed"], tool: e.tool };
    if (/: default /.test(d)) {
      const p = detailPath(e);
      return {
        rules: ["default-changed"],
        pointerPrefix: `/inputSchema${pathToPointer(p ?? "")}`,
        tool: e.tool,
      };
    }
    if (/anyOf -> oneOf/.test(d)) {
      const p = detailPath(e);
      return {
        rules: ["combinator-changed"],
        pointerPrefix: `/inputSchema${pathToPointer(p ?? "")}`,
        tool: e.tool,
      };
    }
    // Free-form "other": any change of the same severity under the parameter path it names.
    const p = detailPath(e);
    return {
      rules: ["*"],
      tool: e.tool,
      ...(p !== undefined ? { pointerPrefix: `/inputSchema${pathToPointer(p)}` } : {}),
    };
  }
  const rules = KIND_TO_RULES[e.kind] ?? [];
  if (e.kind === "output-schema-changed") {
    if (/^\[other\] output: \$schema/.test(d)) {
      return { rules: ["schema-dialect-changed"], pointerPrefix: "/outputSchema/$schema", tool: e.tool };
    }
    return { rules, pointerPrefix: "/outputSchema", tool: e.tool };
  }
  if (e.kind === "tool-added") return { rules, tool: e.tool, afterTool: true };
  if (e.kind === "description-changed" && /^tool description/.test(d)) {
    return { rules: ["tool-description-changed"], pointerPrefix: "/description", tool: e.tool };
  }
  if (e.kind === "annotation-changed") {
    return {
      rules: [e.severity === "warning" ? "tool-annotation-changed" : "tool-annotation-metadata-changed"],
      tool: e.tool,
    };
  }
  const path = detailPath(e);
  if (path === undefined) return { rules, tool: e.tool };
  // A parameter added optionally or required may be the successor of a renamed one: then it is found by `after`.
  return { rules, pointerPrefix: `/inputSchema${pathToPointer(path)}`, tool: e.tool };
}

/** Whether `c` reproduces expected change `e`. */
export function reproduces(e: ExpectedChange, c: Change): boolean {
  const m = matcher(e);
  if (!m.rules.includes(c.rule) && !m.rules.includes("*")) return false;
  // The successor of a renamed tool is not added on its own: the rename (breaking) stands for both.
  if (c.rule === "tool-renamed" && m.afterTool) return c.after === e.tool;
  const severity = e.severity === "safe" ? "info" : e.severity;
  if (c.severity !== severity) return false;
  if (c.rule === "tool-renamed") return c.tool === e.tool;
  if (c.tool !== e.tool) return false;
  if (e.kind === "param-renamed-likely") {
    // `fields[].ref -> fields[].target`: the successor must be the one the corpus names.
    const successor = /^\S+ -> (\S+)/.exec(e.detail)?.[1]?.split(".").pop()?.replace(/\[\]$/, "");
    if (successor !== undefined && c.after !== successor) return false;
  }
  if (m.pointerPrefix === undefined) return true;
  if (c.pointer.startsWith(m.pointerPrefix)) return true;
  // A renamed parameter's successor is named in `after` (pointer is at the old name).
  if (c.rule === "param-renamed" && typeof c.after === "string") {
    const parent = c.pointer.slice(0, c.pointer.lastIndexOf("/"));
    return `${parent}/${c.after}`.startsWith(m.pointerPrefix);
  }
  return false;
}
