// The bin runs the CLI from its bundle (dist/bundle/, scripts/bundle.mjs): a module trace of it names
// chunks, not modules. dist/bundle/inputs.json maps each chunk to the src/ and package files in it;
// this reads a trace back to the modules tsc's build would have loaded, so a test can name them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./cli.js";

const bundle = `${pathToFileURL(join(repoRoot, "dist", "bundle")).href}/`;
const dist = `${pathToFileURL(join(repoRoot, "dist")).href}/`;
const root = `${pathToFileURL(repoRoot).href}/`;

/**
 * Each URL of a chunk of dist/bundle/ replaced by the URLs of the files in it: a src/ file as tsc
 * writes it under dist/ (src/diff/engine.ts as …/dist/diff/engine.js), a package file under
 * node_modules/. A module the offline check's compiled bundle initialised (check-offline.cjs#FILE,
 * traced by test/helpers/trace-*.mjs) is that one file. Every other URL is kept as it is.
 */
export function unbundled(urls: readonly string[]): string[] {
  const inputs = JSON.parse(readFileSync(join(repoRoot, "dist", "bundle", "inputs.json"), "utf8")) as Record<
    string,
    string[]
  >;
  const named = (input: string) =>
    input.startsWith("src/") ? `${dist}${input.slice(4).replace(/\.ts$/, ".js")}` : `${root}${input}`;
  return urls.flatMap((url) => {
    if (!url.startsWith(bundle)) return [url];
    const chunk = url.slice(bundle.length);
    const hash = chunk.indexOf("#");
    if (hash !== -1) return [named(chunk.slice(hash + 1))];
    if (!Object.hasOwn(inputs, chunk)) return [url];
    return (inputs[chunk] ?? []).map(named);
  });
}
