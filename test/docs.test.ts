// Keeps the docs in step with the code: every rule id has its page, the
// README's rule table lists exactly the rules in RULES (regenerate with UPDATE_README=1),
// and every link in README.md and docs/ opens something.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_DOCS_BASE_URL } from "../src/report/options.js";
import { RULES } from "../src/rules.js";

const root = join(import.meta.dirname, "..");
const START = "<!-- rules:start -->";
const END = "<!-- rules:end -->";

function rulesTable(): string {
  const rows = Object.values(RULES)
    .sort((a, b) => a.family.localeCompare(b.family) || a.id.localeCompare(b.id))
    .map(
      (r) =>
        `| [\`${r.id}\`](docs/rules/${r.id}.md) | ${r.family} | ${r.severity} | ${r.summary.replace(/\|/g, "\\|")} |`,
    );
  return [
    "| rule | family | default severity | what it detects |",
    "| --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  repository: { url: string };
  files: string[];
};
/** Files of the repository on GitHub, from package.json's `repository`: https://github.com/OWNER/NAME/blob/main/. */
const REPO_BLOB = `${pkg.repository.url.replace(/^git\+/, "").replace(/\.git$/, "")}/blob/main/`;

/** README.md and every page under docs/, as paths relative to the root. */
const pages = [
  "README.md",
  ...readdirSync(join(root, "docs"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".md"))
    .map((file) => join("docs", file)),
];

/** The target of every [text](target) link of a page (without the #anchor). */
function linkTargets(page: string): string[] {
  const text = readFileSync(join(root, page), "utf8");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!.replace(/#.*$/, "")).filter((t) => t !== "");
}

/** Whether a path of the repository is in the npm package (package.json `files`, plus what npm always packs). */
function shipped(path: string): boolean {
  return ["package.json", "README.md", ...pkg.files].some(
    (entry) => path === entry || path.startsWith(`${entry}/`),
  );
}

describe("docs", () => {
  it("every rule id has docs/rules/<id>.md", () => {
    const missing = Object.keys(RULES).filter((id) => !existsSync(join(root, "docs", "rules", `${id}.md`)));
    expect(missing).toEqual([]);
  });

  it("the README's rule table lists every rule", () => {
    const readmePath = join(root, "README.md");
    const readme = readFileSync(readmePath, "utf8");
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, "README needs the rules:start/rules:end markers").toBeGreaterThan(0);
    const expected = `${START}\n${rulesTable()}\n${END}`;
    const actual = readme.slice(start, end + END.length);
    if (process.env.UPDATE_README === "1" && actual !== expected) {
      writeFileSync(readmePath, readme.slice(0, start) + expected + readme.slice(end + END.length));
      return;
    }
    expect(actual, "README rule table is stale: run UPDATE_README=1 npx vitest run test/docs.test.ts").toBe(
      expected,
    );
  });

  it("package.json's repository is the one the README, the SARIF help links and these links name", () => {
    expect(REPO_BLOB).toBe("https://github.com/mcp-contract/mcp-contract/blob/main/");
    expect(DEFAULT_DOCS_BASE_URL).toBe(`${REPO_BLOB}docs/rules/`);
    expect(readFileSync(join(root, "README.md"), "utf8")).toContain(
      "https://github.com/mcp-contract/mcp-contract",
    );
  });

  it("every link to a file of the repository resolves to a file that exists", () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const target of linkTargets(page)) {
        let path: string;
        if (target.startsWith(REPO_BLOB)) path = decodeURIComponent(target.slice(REPO_BLOB.length));
        else if (/^[a-z][a-z0-9+.-]*:/i.test(target))
          continue; // another site
        else path = relative(root, join(root, dirname(page), decodeURIComponent(target)));
        if (path.startsWith("..") || !existsSync(join(root, path))) broken.push(`${page}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  // The npm package ships docs/ (and README.md) but not fixtures/, src/ or test/: a relative link
  // from a shipped page must point at a shipped file, and what only the repository holds is linked
  // on GitHub. fixtures/ stays out of the package: it is test data (hundreds of files), and each rule
  // page already shows its example inline.
  it("shipped pages link relatively only to shipped files, and cite fixtures/ only through a GitHub link", () => {
    const problems: string[] = [];
    for (const page of pages.filter(shipped)) {
      for (const target of linkTargets(page)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const path = relative(root, join(root, dirname(page), decodeURIComponent(target)));
        if (!shipped(path))
          problems.push(`${page}: ${target} is not in the package; link ${REPO_BLOB}${path}`);
      }
      const text = readFileSync(join(root, page), "utf8");
      for (const m of text.matchAll(/`(fixtures\/[^`]*)`/g)) {
        const link = `[\`${m[1]}\`](${REPO_BLOB}${m[1]})`;
        if (text.slice(m.index - 1, m.index - 1 + link.length) !== link) {
          problems.push(`${page}: \`${m[1]}\` is not in the package; link it as ${link}`);
        }
      }
    }
    expect(problems).toEqual([]);
    // The rule pages do cite their fixtures, so the check above has something to check.
    expect(readFileSync(join(root, "docs", "rules", "param-removed.md"), "utf8")).toContain(
      `[\`fixtures/rules/param-removed/fires/before.json\`](${REPO_BLOB}fixtures/rules/param-removed/fires/before.json)`,
    );
  });
});
