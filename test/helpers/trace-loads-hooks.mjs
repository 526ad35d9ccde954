import { writeSync } from "node:fs";

// Written to fd 2 at once: process.stderr in the hooks' thread is relayed by the main thread,
// which can exit first, losing the last modules loaded.
export async function load(url, context, next) {
  writeSync(2, `LOADED ${url}\n`);
  return next(url, context);
}
