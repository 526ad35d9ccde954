/**
 * The acknowledgements file: where it is, reading and validating it (the
 * policy stage's input), adding to it (`lock --accept-breaking`). The I/O
 * edge of policy/acknowledgements.ts.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { parseJson } from "../core/json.js";
import { ConfigError } from "../errors.js";
import { removeStaleTempFiles, writeFileAtomic } from "../lockfile/io.js";
import {
  type Acknowledgement,
  type AcknowledgementsFile,
  addAcknowledgements,
} from "../policy/acknowledgements.js";

/** Default acknowledgements file name, next to the config (or in the working directory for `diff`). */
export const ACKNOWLEDGEMENTS_FILE = "mcp-contract.acks.json";

/**
 * Where a run's acknowledgements live: `given` (relative to `cwd`) when set, else
 * `mcp-contract.acks.json` in `baseDir`.
 */
export function acknowledgementsPath(given: string | undefined, baseDir: string, cwd: string): string {
  return given ? resolve(cwd, given) : join(baseDir, ACKNOWLEDGEMENTS_FILE);
}

/**
 * Reads and validates the acknowledgements file. A missing default file means
 * none; a missing file named with `--acknowledgements` (`given`) is a config
 * error, so a typo never silently drops every acknowledgement.
 */
export async function readAcknowledgements(
  path: string,
  cwd: string,
  given = false,
): Promise<Acknowledgement[]> {
  let text: string;
  try {
    // Synchronously, as the config is (src/config/load.ts): a small file, no thread-pool round trips.
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      if (!given) return [];
      throw new ConfigError(
        `${display(path, cwd)}: no such acknowledgements file (given with --acknowledgements)`,
      );
    }
    throw new ConfigError(`${display(path, cwd)}: cannot read (${(error as NodeJS.ErrnoException).code})`);
  }
  // A syntax error names its line:column, as in the config and the lockfile.
  const data = parseJson(text, display(path, cwd), ConfigError);
  const { parseAcknowledgements } = await import("../policy/validate.js");
  const result = parseAcknowledgements(data, display(path, cwd));
  if (!result.file)
    throw new ConfigError(
      `${result.errors[0]}${result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : ""}`,
    );
  return result.file.acknowledgements;
}

/**
 * Adds acknowledgements to the file (creating it), one per fingerprint, sorted. Written atomically
 * as the lockfile is (a failed or interrupted write leaves the old file whole), after removing
 * the temp files of earlier writes that were killed.
 */
export async function writeAcknowledgements(
  path: string,
  added: readonly Acknowledgement[],
  cwd: string,
): Promise<void> {
  const existing = await readAcknowledgements(path, cwd);
  const file: AcknowledgementsFile = { version: 1, acknowledgements: addAcknowledgements(existing, added) };
  removeStaleTempFiles(path);
  writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, {
    kind: "acknowledgements file",
    ErrorClass: ConfigError,
    shown: display(path, cwd),
  });
}

/** A path as shown to users: relative to the working directory, forward slashes. */
function display(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return (rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel).split("\\").join("/");
}
