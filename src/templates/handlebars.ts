/**
 * The Handlebars module. It is CommonJS (`export =`) and the project compiles
 * without `esModuleInterop`, so it is loaded through `createRequire`: one place,
 * typed, and only when a template is actually parsed or rendered (a cached
 * offline check never loads it).
 */
import { createRequire } from "node:module";

let loaded: typeof import("handlebars") | undefined;

/** The handlebars package's API (parse, create, SafeString, ...), loaded on first use. */
export function handlebars(): typeof import("handlebars") {
  loaded ??= createRequire(import.meta.url)("handlebars") as typeof import("handlebars");
  return loaded;
}
