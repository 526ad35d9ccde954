// Without a cache to remember the listing in (`--no-cache`), simple template patterns are listed by a
// directory walk of our own (`listSimply`, src/pipeline/listing.ts) instead of the glob library: on
// real trees it gives exactly tinyglobby's files, and it declines (undefined) whatever it does not
// read as tinyglobby does.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import fc from "fast-check";
import { glob } from "tinyglobby";
import { afterAll, describe, expect, it } from "vitest";
import { listSimply, listTemplates, PARTIAL_GLOB } from "../../src/pipeline/listing.js";

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function tree(files: readonly string[], dirs: readonly string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), "listing-simple-"));
  roots.push(root);
  for (const dir of dirs) mkdirSync(join(root, dir), { recursive: true });
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), "x");
  }
  return root;
}

/** What listTemplates lists through tinyglobby (globTemplates' options), sorted. */
async function globbed(dir: string, templates: string[], partials: string[]) {
  const files =
    templates.length === 0
      ? []
      : await glob(templates, { cwd: dir, absolute: true, onlyFiles: true, expandDirectories: false });
  const partialFiles: string[] = [];
  for (const p of partials)
    partialFiles.push(
      ...(await glob(PARTIAL_GLOB, { cwd: resolve(dir, p), absolute: true, onlyFiles: true })),
    );
  return {
    templates: files.map((f) => resolve(f)).sort(),
    partials: partialFiles.map((f) => resolve(f)).sort(),
  };
}

function simply(dir: string, templates: string[], partials: string[]) {
  const listing = listSimply({ dir, templates, partials });
  return (
    listing && {
      templates: [...listing.templates].sort(),
      partials: listing.partials.map(([file]) => file).sort(),
    }
  );
}

const FILES = [
  "top.hbs",
  "prompts/a.hbs",
  "prompts/.hidden.hbs",
  "prompts/.dir/x.hbs",
  "prompts/nested/deep/b.hbs",
  "prompts/nested/.deeper/c.hbs",
  "prompts/c.HBS",
  "prompts/d.hbs.txt",
  "prompts/e.txt",
  "prompts/.hbs",
  "prompts/hbs",
  "prompts/dir.hbs/f.hbs",
  "prompts/sp ace.hbs",
  "prompts/ünï.hbs",
  "prompts/g.handlebars",
  "Other/h.hbs",
  "shared/partials/footer.hbs",
  "shared/partials/x/y.handlebars",
  "shared/partials/z.mustache",
  "shared/partials/.w.hbs",
];

describe("listSimply lists what tinyglobby lists", () => {
  const dir = tree(FILES, ["prompts/empty", "shared/partials/none"]);

  it.each([
    ["prompts/**/*.hbs"],
    ["prompts/*.hbs"],
    ["*.hbs"],
    ["**/*.hbs"],
    ["prompts/nested/**/*.hbs"],
    ["prompts/**/*.{hbs,txt}"],
    ["prompts/**/*.{hbs,handlebars}"],
    ["Other/*.hbs"],
  ])("%s", async (pattern) => {
    const ours = simply(dir, [pattern, "prompts/*.txt"], ["shared/partials"]);
    expect(ours).toBeDefined();
    expect(ours).toEqual(await globbed(dir, [pattern, "prompts/*.txt"], ["shared/partials"]));
    expect(ours!.templates.length).toBeGreaterThan(0);
  });

  it("names each partial by its path inside the directory, without its extension", () => {
    const listing = listSimply({ dir, templates: [], partials: ["shared/partials"] });
    expect(listing?.templates).toEqual([]);
    expect(listing?.partials.sort()).toEqual([
      [resolve(dir, "shared/partials/footer.hbs"), "footer"],
      [resolve(dir, "shared/partials/x/y.handlebars"), "x/y"],
    ]);
  });

  it("declines what it does not read as tinyglobby does", async () => {
    for (const pattern of [
      "!prompts/a.hbs",
      "./prompts/*.hbs",
      "prompts/**",
      "prompts/a.hbs",
      "prompts/*/b.hbs",
      "prompts/**/nested/*.hbs",
      "prompts/?.hbs",
      "prompts/[ab].hbs",
      "prompts/*.hb?",
      ".dir/*.hbs",
      "prompts//*.hbs",
      "missing/**/*.hbs",
      // Not this name's case: a case-insensitive file system would open it all the same.
      "PROMPTS/*.hbs",
    ])
      expect(simply(dir, [pattern], []), pattern).toBeUndefined();
    expect(simply(dir, ["prompts/*.hbs"], ["shared/partials", "shared"])).toBeUndefined();
    expect(simply(dir, ["prompts/*.hbs"], ["missing"])).toBeUndefined();
    // A symbolic link anywhere the walk goes: tinyglobby follows it.
    const linked = tree(["prompts/a.hbs", "elsewhere/b.hbs"]);
    symlinkSync(join(linked, "elsewhere"), join(linked, "prompts", "link"));
    expect(simply(linked, ["prompts/**/*.hbs"], [])).toBeUndefined();
    expect(simply(linked, ["elsewhere/*.hbs"], [])).toBeDefined();
  });

  it("is what listTemplates gives without a cache, and with one (through the glob library)", async () => {
    const config = { dir, templates: ["prompts/**/*.hbs"], partials: ["shared/partials"] };
    const sort = (l: { templates: string[]; partials: [string, string][] }) => ({
      templates: l.templates.map((f) => resolve(f)).sort(),
      partials: l.partials.map(([f, n]) => [resolve(f), n]).sort(),
    });
    const without = await listTemplates(config);
    expect(sort(without)).toEqual(sort(listSimply(config)!));
    const globs = await globbed(dir, config.templates, config.partials);
    expect(sort(without).templates).toEqual(globs.templates);
  });

  it("on random trees", async () => {
    const name = fc.constantFrom(
      "a",
      ".b",
      "c.hbs",
      ".d.hbs",
      "E.HBS",
      "f.handlebars",
      "g.txt",
      "h.hbs.bak",
      "i j.hbs",
    );
    const path = fc.array(name, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/"));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(path, { maxLength: 12 }), async (paths) => {
        // A path that is a prefix of another is a directory there: keep only the files that can be.
        const files = paths.filter((p) => !paths.some((q) => q.startsWith(`${p}/`)));
        const root = tree(
          files.map((f) => `p/${f}`),
          ["p"],
        );
        for (const pattern of ["p/**/*.hbs", "p/*.hbs", "p/**/*.{hbs,handlebars}", "**/*.txt"]) {
          const ours = simply(root, [pattern], []);
          expect(ours, pattern).toBeDefined();
          expect(ours!.templates, pattern).toEqual((await globbed(root, [pattern], [])).templates);
        }
        rmSync(root, { recursive: true, force: true });
      }),
      { numRuns: 60 },
    );
  });
});
