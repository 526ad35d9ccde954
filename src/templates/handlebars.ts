/**
 * The Handlebars module. It is CommonJS (`export =`) and the project compiles
 * without `esModuleInterop`, so it is loaded through `createRequire`: one place,
 * typed, and only when a template command actually runs.
 */
import { createRequire } from "node:module";

/** The handlebars package's API (parse, create, SafeString, ...). */
export const Handlebars = createRequire(import.meta.url)("handlebars") as typeof import("handlebars");
