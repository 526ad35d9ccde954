// A config text the result cache says was validated (by this build) loads without validating it
// again, so the precompiled validators never load on a warm run (the module trace,
// test/bench/offline-path.test.ts, checks that); the mark is keyed on the text, so any edit is
// validated again, and only a document that passed is ever marked.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parsedConfigStore, ResultCache } from "../../src/cache/index.js";
import { loadConfig, type ParsedConfigStore } from "../../src/config/load.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "validated-config-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const VALID = "servers:\n  crm:\n    file: tools.json\n";
const INVALID = "servers:\n  crm:\n    file: tools.json\n    colour: blue\n";

it("marks a validated parse, skips validation for it, and validates any other text", async () => {
  const path = join(dir, "mcp-contract.yaml");
  const store = parsedConfigStore(new ResultCache(join(dir, "cache")));
  const load = (parsed: ParsedConfigStore) => loadConfig({ cwd: dir, env: {}, interpolate: false, parsed });
  await writeFile(path, VALID);
  expect(store.get(path, VALID)).toBeUndefined();
  const config = await load(store);
  expect(Object.keys(config.servers)).toEqual(["crm"]);
  expect(store.get(path, VALID)).toEqual({
    data: { servers: { crm: { file: "tools.json" } } },
    validated: true,
  });
  expect(await load(store)).toEqual(config);

  // An invalid text is refused, and never marked.
  await writeFile(path, INVALID);
  await expect(load(store)).rejects.toThrow(`${path}: $.servers.crm.colour: unknown key`);
  expect(store.get(path, INVALID)?.validated).toBeUndefined();
  await expect(load(store)).rejects.toThrow("unknown key");

  // What the mark means: a document marked validated is taken as it is (here a store that claims
  // the invalid text passed), so only validation's own result may set it.
  const claims: ParsedConfigStore = {
    get: (p, text) => store.get(p, text) && { data: store.get(p, text)!.data, validated: true },
    set: () => undefined,
  };
  expect(Object.keys((await load(claims)).servers)).toEqual(["crm"]);
});
