// Preload for tests (`--import`): writes "LOADED <url>" to stderr for every module Node loads
// through its ES loader (each chunk of a bundle, each CommonJS file imported), so a test can read
// what a real process loaded from its stderr.
import { register } from "node:module";

register(new URL("./trace-loads-hooks.mjs", import.meta.url));
