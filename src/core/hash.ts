import { hash } from "node:crypto";

/** Lower-case hex sha256 of a string (as UTF-8) or of bytes. */
export function sha256(data: string | Uint8Array): string {
  // The one-shot hash (Node 20.12+) skips a Hash object per call: it matters at one call per tool.
  return hash("sha256", data, "hex");
}
