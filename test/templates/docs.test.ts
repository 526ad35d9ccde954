import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TEMPLATE_RULES } from "../../src/templates/rules.js";

const docs = new URL("../../docs/", import.meta.url);

describe("template rule docs", () => {
  it.each(Object.keys(TEMPLATE_RULES))(
    "%s has a summary, a docs page with every section, linked from docs/templates.md, and no TODO left by npm run new-rule",
    (id) => {
      expect(TEMPLATE_RULES[id as keyof typeof TEMPLATE_RULES].summary).not.toMatch(/TODO/);
      const page = new URL(`rules/${id}.md`, docs);
      expect(existsSync(page)).toBe(true);
      const text = readFileSync(page, "utf8");
      expect(text.startsWith(`# ${id}\n`)).toBe(true);
      for (const section of ["## What changed", "## Why it breaks agents", "## How to fix", "## Example"]) {
        expect(text).toContain(section);
      }
      expect(text).toContain(`**Severity:** ${TEMPLATE_RULES[id as keyof typeof TEMPLATE_RULES].severity}`);
      expect(text).not.toMatch(/TODO/);
      const guide = readFileSync(new URL("templates.md", docs), "utf8");
      expect(guide).toContain(`(rules/${id}.md)`);
      expect(guide).not.toMatch(new RegExp(`\\(rules/${id}\\.md\\).*TODO`));
    },
  );
});
