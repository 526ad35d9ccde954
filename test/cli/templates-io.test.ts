import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TemplateError } from "../../src/errors.js";
import { readCommittedLockfile, readTemplateFile, readTemplateFiles } from "../../src/pipeline/files.js";
import { git } from "../helpers/git.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-templates-"));
  dirs.push(dir);
  return dir;
}
function write(dir: string, file: string, text: string): void {
  mkdirSync(join(dir, file, ".."), { recursive: true });
  writeFileSync(join(dir, file), text);
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("readTemplateFiles", () => {
  it("reads the template globs and the partials directories, sorted, partials flagged and named", async () => {
    const dir = tempDir();
    write(dir, "prompts/b.hbs", "B");
    write(dir, "prompts/sub/a.handlebars", "A");
    write(dir, "prompts/notes.txt", "not a template");
    write(dir, "partials/shared/footer.hbs", "F");
    const files = await readTemplateFiles({
      path: join(dir, "mcp-contract.yaml"),
      dir,
      templates: ["prompts/**/*.{hbs,handlebars}"],
      partials: ["partials"],
    });
    expect(files.templates).toEqual([
      { file: "partials/shared/footer.hbs", source: "F", partial: true },
      { file: "prompts/b.hbs", source: "B" },
      { file: "prompts/sub/a.handlebars", source: "A" },
    ]);
    expect(files.partials).toEqual({ "shared/footer": "F" });
  });

  it("names files relative to the given directory and finds nothing when nothing matches", async () => {
    const dir = tempDir();
    write(dir, "cfg/prompts/x.hbs", "X");
    const config = {
      path: join(dir, "cfg", "mcp-contract.yaml"),
      dir: join(dir, "cfg"),
      templates: ["prompts/*.hbs"],
      partials: [],
    };
    expect((await readTemplateFiles(config, dir)).templates).toEqual([
      { file: "cfg/prompts/x.hbs", source: "X" },
    ]);
    expect((await readTemplateFiles({ ...config, templates: ["nothing/**/*.hbs"] })).templates).toEqual([]);
  });

  it("names a missing template file in a TemplateError", async () => {
    await expect(readTemplateFile("/nonexistent/x.hbs", "x.hbs")).rejects.toThrow(
      new TemplateError("x.hbs: no such template file"),
    );
  });
});

describe("readCommittedLockfile", () => {
  it("returns the committed text when the working copy differs, else undefined", async () => {
    const dir = tempDir();
    git(dir, "init", "-q");
    write(dir, "sub/mcp-contract.lock.json", "v1\n");
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "lock");
    const path = join(dir, "sub/mcp-contract.lock.json");
    expect(await readCommittedLockfile(path, "v1\n")).toBeUndefined();
    expect(await readCommittedLockfile(path, "v2\n")).toBe("v1\n");
  });

  it("returns undefined outside git or for a file never committed", async () => {
    const dir = tempDir();
    expect(await readCommittedLockfile(join(dir, "lock.json"), "x")).toBeUndefined();
    git(dir, "init", "-q");
    expect(await readCommittedLockfile(join(dir, "lock.json"), "x")).toBeUndefined();
  });
});
