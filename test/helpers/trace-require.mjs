// For the module-trace preloads (trace-loads.mjs, trace-imports.mjs): tells `report` the file URL of
// each CommonJS file of the project (outside node_modules) that `require` loads, once, which Node
// 20's loader hooks do not see: the bin and the hot path's bundle (both CommonJS, bin/package.json
// and scripts/bundle.mjs). Packages are left to the hooks and to require.cache, as before.
import { createRequire } from "node:module";
import { sep } from "node:path";
import { pathToFileURL } from "node:url";

export function traceRequired(report) {
  const Module = createRequire(import.meta.url)("node:module");
  const told = new Set();
  // Node 20 loads .cjs files with the ".js" loader (it has no ".cjs" one).
  for (const extension of [".js", ".cjs"]) {
    const load = Module._extensions[extension];
    if (typeof load !== "function") continue;
    Module._extensions[extension] = function traced(module, filename) {
      if (!filename.split(sep).includes("node_modules") && !told.has(filename)) {
        told.add(filename);
        report(pathToFileURL(filename).href);
      }
      return load.call(this, module, filename);
    };
  }
}
