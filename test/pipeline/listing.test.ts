// The template listing is remembered under the stamps of the directories it was listed from
// (src/pipeline/listing.ts). On real directories: a file added, removed or renamed in any listed
// directory (templates, nested directories, partials), and a new directory, each make the
// remembered listing stale at once, and the listing then given equals a fresh glob's.
//
// A listing is only remembered when its directories last changed at least `RACY_MS` before it was
// made (a change within the file system's clock tick could leave the stamp as it was). Instead of
// sleeping through that second after each change, the test waits for what the second stands for:
// the file system's clock has moved past the change (`settle`: a probe file written again until its
// change time differs, a few ms), so any later change stamps the directory with a later time; then
// it lists with a clock `RACY_MS` ahead. The refusal itself is checked on the real clock (last test).
import { mkdir, mkdtemp, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResultCache, stageMemo } from "../../src/cache/index.js";
import { RACY_MS } from "../../src/cache/stamp.js";
import { directoryPrefixes, listTemplates, rememberedListing } from "../../src/pipeline/listing.js";

let dir: string;
let cacheDir: string;
/** Until the file system's clock has moved on since now: a probe (outside the listed directories) gets a later change time. */
async function settle(): Promise<void> {
  const probe = join(cacheDir, "clock-probe");
  let writes = 0;
  await writeFile(probe, `${writes++}`);
  const first = (await stat(probe, { bigint: true })).ctimeNs;
  for (;;) {
    await writeFile(probe, `${writes++}`);
    if ((await stat(probe, { bigint: true })).ctimeNs > first) return;
    await new Promise((done) => setTimeout(done, 1));
  }
}
/** The clock the listing is given: `RACY_MS` after the real one (see above). */
const later = () => Date.now() + RACY_MS + 1;
const list = (c = config()) => listTemplates(c, memo, later);
const config = () => ({
  dir,
  templates: ["prompts/**/*.hbs", "!prompts/skip.hbs"],
  partials: ["shared/partials"],
});
let memo: ReturnType<typeof stageMemo>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "listing-"));
  // Outside the listed directories, as node_modules/.cache is.
  cacheDir = await mkdtemp(join(tmpdir(), "listing-cache-"));
  memo = stageMemo(new ResultCache(cacheDir));
  await mkdir(join(dir, "prompts", "nested"), { recursive: true });
  await mkdir(join(dir, "shared", "partials"), { recursive: true });
  await writeFile(join(dir, "prompts", "a.hbs"), "a");
  await writeFile(join(dir, "prompts", "skip.hbs"), "skip");
  await writeFile(join(dir, "prompts", "nested", "b.hbs"), "b");
  await writeFile(join(dir, "shared", "partials", "footer.hbs"), "f");
  await settle();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(cacheDir, { recursive: true, force: true });
});

const sorted = (l: { templates: string[]; partials: [string, string][] }) => ({
  templates: [...l.templates].sort(),
  partials: [...l.partials].sort(),
});

/** The listing from the memo (after `change`, which must make the remembered one stale), and a fresh glob's. */
async function afterChange(change: () => Promise<unknown>) {
  await list();
  expect(rememberedListing(config(), memo)).toBeDefined();
  await change();
  expect(rememberedListing(config(), memo)).toBeUndefined();
  const listed = sorted(await list());
  expect(listed).toEqual(sorted(await listTemplates(config())));
  await settle();
  return listed;
}

describe("the template listing remembered by directory stamps", () => {
  it("is remembered, and answers without a glob while no directory changed", async () => {
    const first = sorted(await list());
    expect(first.templates).toEqual([join(dir, "prompts", "a.hbs"), join(dir, "prompts", "nested", "b.hbs")]);
    expect(first.partials).toEqual([[join(dir, "shared", "partials", "footer.hbs"), "footer"]]);
    const remembered = rememberedListing(config(), memo);
    expect(remembered && sorted(remembered)).toEqual(first);
    expect(remembered?.directories.map(([d]) => d)).toEqual(
      [dir, join(dir, "prompts"), join(dir, "prompts", "nested"), join(dir, "shared", "partials")].sort(),
    );
    // A file's content is not the listing's business: editing one keeps it.
    await writeFile(join(dir, "prompts", "a.hbs"), "a, edited");
    expect(rememberedListing(config(), memo)).toBeDefined();
  });

  it("follows a file added, renamed and removed in a listed directory", async () => {
    let listed = await afterChange(() => writeFile(join(dir, "prompts", "c.hbs"), "c"));
    expect(listed.templates).toContain(join(dir, "prompts", "c.hbs"));
    listed = await afterChange(() => rename(join(dir, "prompts", "c.hbs"), join(dir, "prompts", "d.hbs")));
    expect(listed.templates).toContain(join(dir, "prompts", "d.hbs"));
    expect(listed.templates).not.toContain(join(dir, "prompts", "c.hbs"));
    listed = await afterChange(() => unlink(join(dir, "prompts", "d.hbs")));
    expect(listed.templates).not.toContain(join(dir, "prompts", "d.hbs"));
  });

  it("follows nested directories: a file added in one, and a new directory holding one", async () => {
    let listed = await afterChange(() => writeFile(join(dir, "prompts", "nested", "e.hbs"), "e"));
    expect(listed.templates).toContain(join(dir, "prompts", "nested", "e.hbs"));
    listed = await afterChange(async () => {
      await mkdir(join(dir, "prompts", "nested", "deeper"));
      await writeFile(join(dir, "prompts", "nested", "deeper", "f.hbs"), "f");
    });
    expect(listed.templates).toContain(join(dir, "prompts", "nested", "deeper", "f.hbs"));
    // The new directory is listed too: a file added in it is seen.
    listed = await afterChange(() => writeFile(join(dir, "prompts", "nested", "deeper", "g.hbs"), "g"));
    expect(listed.templates).toContain(join(dir, "prompts", "nested", "deeper", "g.hbs"));
    listed = await afterChange(() => rename(join(dir, "prompts", "nested"), join(dir, "prompts", "moved")));
    expect(listed.templates).toContain(join(dir, "prompts", "moved", "deeper", "g.hbs"));
    expect(listed.templates.some((f) => f.includes("nested"))).toBe(false);
  });

  it("follows partials, and the templates directory itself appearing", async () => {
    let listed = await afterChange(() => writeFile(join(dir, "shared", "partials", "header.hbs"), "h"));
    expect(listed.partials).toContainEqual([join(dir, "shared", "partials", "header.hbs"), "header"]);
    listed = await afterChange(() => rm(join(dir, "prompts"), { recursive: true }));
    expect(listed.templates).toEqual([]);
    listed = await afterChange(async () => {
      await mkdir(join(dir, "prompts"));
      await writeFile(join(dir, "prompts", "back.hbs"), "b");
    });
    expect(listed.templates).toEqual([join(dir, "prompts", "back.hbs")]);
  });

  it("never remembers a listing whose directories cannot be told", async () => {
    expect(directoryPrefixes("prompts/**/*.hbs")).toEqual(["prompts", "prompts/**"]);
    expect(directoryPrefixes("*.hbs")).toEqual([]);
    expect(directoryPrefixes("{a,b}/*.hbs")).toEqual(["{a,b}"]);
    expect(directoryPrefixes("{a/b,c}/*.hbs")).toBeUndefined();
    expect(directoryPrefixes("@(a|b/c)/*.hbs")).toBeUndefined();
    expect(directoryPrefixes("a\\/b/*.hbs")).toBeUndefined();
    const odd = { dir, templates: ["{prompts/x,prompts}/*.hbs"], partials: [] };
    const listed = await list(odd);
    expect(listed.templates).toEqual([join(dir, "prompts", "back.hbs")]);
    expect(listed.directories).toBeUndefined();
    expect(rememberedListing(odd, memo)).toBeUndefined();
  });

  it("does not remember a listing whose directory changed less than RACY_MS ago, on the real clock", async () => {
    await writeFile(join(dir, "prompts", "fresh.hbs"), "fresh");
    const listed = await listTemplates(config(), memo);
    expect(listed.templates).toContain(join(dir, "prompts", "fresh.hbs"));
    expect(listed.directories).toBeUndefined();
    expect(rememberedListing(config(), memo)).toBeUndefined();
    // The same listing with the clock a second on is remembered: the refusal was the clock's.
    await settle();
    expect((await list()).directories).toBeDefined();
    expect(rememberedListing(config(), memo)).toBeDefined();
  });
});
