// Runs json-schema-diff once on two schema files in a child process, so a blow-up on a stress fixture
// cannot hang the benchmark (the parent kills it at a time limit). Prints the elapsed milliseconds and
// the verdict as one JSON line.
// Usage: node bench/jsd-child.mjs SOURCE.json DESTINATION.json
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const jsd = createRequire(import.meta.url)("json-schema-diff");
const [source, destination] = process.argv.slice(2).map((file) => JSON.parse(readFileSync(file, "utf8")));
const start = performance.now();
const result = await jsd.diffSchemas({ sourceSchema: source, destinationSchema: destination });
const elapsedMs = performance.now() - start;
process.stdout.write(
  `${JSON.stringify({ elapsedMs, removalsFound: result.removalsFound, additionsFound: result.additionsFound })}\n`,
);
