/**
 * The template listing of a config (which files its `templates` globs and
 * `partials` directories hold), remembered under the stamps of every directory
 * a match could appear in: adding, removing or renaming a file (or a
 * directory) changes the stamp of the directory that holds it, so while every
 * stamp is the same the listing is too, and the pre-commit path answers it
 * with a few `stat` calls instead of a glob walk (and without loading the glob
 * library). Any difference, or a pattern whose directories cannot be told
 * (a `/` inside braces or parentheses, a backslash), globs again.
 */
import { readdirSync, statSync } from "node:fs";
import { dirname, extname, relative, resolve, sep } from "node:path";
import { openCache, type StageMemo, stageMemo } from "../cache/index.js";
import { RACY_MS } from "../cache/stamp.js";
import type { ResolvedConfig } from "../config/types.js";

/** Extensions a partials directory's files may have. */
export const PARTIAL_GLOB = "**/*.{hbs,handlebars}";

/** Which files a config's globs and partials directories name. */
export interface TemplateListing {
  /** Files the `templates` globs match (absolute). */
  templates: string[];
  /** Partial files (absolute) and their Handlebars names (`shared/footer`). */
  partials: [file: string, name: string][];
  /**
   * The directories (absolute) whose entries decide the listing, with their stamps when it was
   * made; undefined when they cannot be told (the listing is then never remembered).
   */
  directories?: [dir: string, stamp: string][];
}

type ListingConfig = Pick<ResolvedConfig, "dir" | "templates" | "partials">;

const isListing = (value: unknown): value is Required<TemplateListing> => {
  const v = value as TemplateListing | null;
  return (
    typeof v === "object" &&
    v !== null &&
    Array.isArray(v.templates) &&
    Array.isArray(v.partials) &&
    Array.isArray(v.directories)
  );
};

/** A directory's stamp (device, inode, size, modification and change times), or undefined when it is not a directory. */
export function directoryStamp(dir: string): string | undefined {
  try {
    const s = statSync(dir, { bigint: true, throwIfNoEntry: false });
    if (!s?.isDirectory()) return undefined;
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return undefined;
  }
}

function memoInputs(config: ListingConfig): string[] {
  return [resolve(config.dir), JSON.stringify(config.templates), JSON.stringify(config.partials)];
}

/**
 * The remembered listing when every directory it depends on still has its
 * stamp; undefined otherwise (or without a memo).
 */
export function rememberedListing(
  config: ListingConfig,
  memo: StageMemo | undefined,
): Required<TemplateListing> | undefined {
  const hit = memo?.get("template-listing", memoInputs(config), isListing);
  if (!hit) return undefined;
  for (const [dir, stamp] of hit.directories) if (directoryStamp(dir) !== stamp) return undefined;
  return hit;
}

/**
 * The directories a remembered listing of `config` depends on, in the result cache `cwd` and
 * `env` select, while it still holds; undefined otherwise.
 */
export function rememberedDirectories(
  config: ListingConfig,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): string[] | undefined {
  const cache = openCache({}, cwd, env);
  return cache && rememberedListing(config, stageMemo(cache))?.directories.map(([dir]) => dir);
}

/**
 * Lists the config's templates and partials: from `memo` when no directory
 * changed, else by globbing (and then remembered, unless a directory changed
 * while it was listed or too recently to trust its stamp, see `RACY_MS`).
 * `clock` is what "too recently" is measured against, read once the glob is done
 * (test/pipeline/listing.test.ts moves it on instead of sleeping through `RACY_MS`).
 */
export async function listTemplates(
  config: ListingConfig,
  memo?: StageMemo,
  clock: () => number = Date.now,
): Promise<TemplateListing> {
  const remembered = rememberedListing(config, memo);
  if (remembered) return remembered;
  // Nothing to remember (`--no-cache`): simple patterns are listed without the glob library.
  if (!memo) {
    const simple = listSimply(config);
    if (simple) return simple;
  }
  const { glob, isDynamicPattern } = await import("tinyglobby");
  const directories = async (): Promise<string[] | undefined> => {
    const patterns: { cwd: string; pattern: string }[] = config.templates
      .filter((p) => !p.startsWith("!"))
      .map((pattern) => ({ cwd: config.dir, pattern }));
    for (const dir of config.partials)
      patterns.push({ cwd: resolve(config.dir, dir), pattern: PARTIAL_GLOB });
    const found = new Set<string>([resolve(config.dir)]);
    for (const { cwd, pattern } of patterns) {
      const prefixes = directoryPrefixes(pattern);
      if (prefixes === undefined) return undefined;
      // The pattern's base directory, or the nearest one above it that exists (creating it changes that one).
      let base = resolve(cwd);
      while (directoryStamp(base) === undefined && dirname(base) !== base) base = dirname(base);
      found.add(base);
      for (const prefix of prefixes) {
        if (!isDynamicPattern(prefix)) {
          if (directoryStamp(resolve(cwd, prefix)) !== undefined) found.add(resolve(cwd, prefix));
          continue;
        }
        for (const dir of await glob(prefix, {
          cwd,
          absolute: true,
          onlyDirectories: true,
          expandDirectories: false,
        }))
          found.add(resolve(dir));
      }
    }
    return [...found].sort();
  };
  const before = memo && (await directories());
  const stamped = before?.map((dir) => [dir, directoryStamp(dir)] as const);
  const listing = await globTemplates(config, glob);
  const after = before && (await directories());
  const now = clock();
  if (
    memo &&
    stamped &&
    after &&
    after.join("\n") === before.join("\n") &&
    stamped.every(([dir, stamp]) => stamp !== undefined && stamp === directoryStamp(dir) && !racy(dir, now))
  ) {
    listing.directories = stamped as [string, string][];
    memo.set("template-listing", memoInputs(config), listing);
  }
  return listing;
}

async function globTemplates(
  config: ListingConfig,
  glob: typeof import("tinyglobby").glob,
): Promise<TemplateListing> {
  const partials: [string, string][] = [];
  for (const dir of config.partials) {
    const root = resolve(config.dir, dir);
    for (const file of await glob(PARTIAL_GLOB, { cwd: root, absolute: true, onlyFiles: true })) {
      const name = relative(root, file).split(sep).join("/");
      partials.push([resolve(file), name.slice(0, -extname(name).length)]);
    }
  }
  const templates =
    config.templates.length === 0
      ? []
      : await glob(config.templates, {
          cwd: config.dir,
          absolute: true,
          onlyFiles: true,
          expandDirectories: false,
        });
  return { templates, partials };
}

/** Whether the directory changed less than `RACY_MS` before `now` (or cannot be read). */
function racy(dir: string, now: number): boolean {
  try {
    const s = statSync(dir);
    return now - s.mtimeMs < RACY_MS || now - s.ctimeMs < RACY_MS;
  } catch {
    return true;
  }
}

/**
 * The directory parts of a glob from the first segment down (`prompts/**` and
 * `prompts` for `prompts/**\/*.hbs`): every directory a match could be in, or
 * whose entries could create one, matches one of them. Undefined when the
 * pattern's segments cannot be told apart safely.
 */
export function directoryPrefixes(pattern: string): string[] | undefined {
  if (pattern.includes("\\")) return undefined;
  const segments = pattern.split("/");
  for (const segment of segments) if (!balanced(segment)) return undefined;
  const prefixes: string[] = [];
  for (let i = 1; i < segments.length; i++) {
    const prefix = segments.slice(0, i).join("/");
    if (prefix !== "" && prefix !== ".") prefixes.push(prefix);
  }
  return prefixes;
}

function balanced(segment: string): boolean {
  let braces = 0;
  let parens = 0;
  let brackets = 0;
  for (const ch of segment) {
    if (ch === "{") braces++;
    else if (ch === "}") braces--;
    else if (ch === "(") parens++;
    else if (ch === ")") parens--;
    else if (ch === "[") brackets++;
    else if (ch === "]") brackets--;
    if (braces < 0 || parens < 0 || brackets < 0) return false;
  }
  return braces === 0 && parens === 0 && brackets === 0;
}

// A literal path segment `listSimply` reads as it is: no glob syntax, not `.`, `..` or hidden.
const LITERAL = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
// The file name part: `*.ext` or `*.{ext,ext}`.
const NAME = /^\*\.(?:([A-Za-z0-9]+)|\{([A-Za-z0-9]+(?:,[A-Za-z0-9]+)+)\})$/;

/**
 * The listing tinyglobby gives (`globTemplates`: the same files, absolute), for patterns of the form
 * `a/b/**\/*.ext`, `a/*.ext` or `**\/*.{x,y}` (literal directories, an optional `**`, then `*.` and
 * an extension or a brace list of them), with at most one partials directory (two could name a file
 * twice, in glob order); undefined for anything else, and whenever the walk meets what it does not
 * read as tinyglobby does: a symbolic link, an entry neither a file nor a directory, a literal
 * directory that is missing or differs in case, an error. As tinyglobby, `**` and `*` match no
 * name starting with `.`. `test/pipeline/listing-simple.test.ts` compares both on many trees.
 */
export function listSimply(config: ListingConfig): TemplateListing | undefined {
  if (config.partials.length > 1) return undefined;
  const templates: string[] = [];
  const seen = new Set<string>();
  for (const pattern of config.templates) {
    const files = simpleMatches(config.dir, pattern);
    if (files === undefined) return undefined;
    for (const file of files) {
      if (seen.has(file)) continue;
      seen.add(file);
      templates.push(file);
    }
  }
  const partials: [string, string][] = [];
  for (const dir of config.partials) {
    const root = resolve(config.dir, dir);
    const files = simpleMatches(root, PARTIAL_GLOB);
    if (files === undefined) return undefined;
    for (const file of files) {
      const name = relative(root, file).split(sep).join("/");
      partials.push([file, name.slice(0, -extname(name).length)]);
    }
  }
  return { templates, partials };
}

/** The files `pattern` matches under `cwd` (see `listSimply`), or undefined. */
function simpleMatches(cwd: string, pattern: string): string[] | undefined {
  const segments = pattern.split("/");
  const name = NAME.exec(segments.pop()!);
  if (!name) return undefined;
  const extensions = (name[1] ?? name[2]!).split(",").map((ext) => `.${ext}`);
  const deep = segments.at(-1) === "**";
  if (deep) segments.pop();
  if (!segments.every((segment) => LITERAL.test(segment))) return undefined;
  // Each literal directory exists as a directory by that very name (a case-insensitive file
  // system would open `Prompts` for `prompts`; the glob matches names as they are).
  let dir = resolve(cwd);
  for (const segment of segments) {
    const entry = entries(dir)?.find((e) => e.name === segment);
    if (!entry?.isDirectory()) return undefined;
    dir = resolve(dir, segment);
  }
  const out: string[] = [];
  const walk = (at: string): boolean => {
    const list = entries(at);
    if (list === undefined) return false;
    for (const entry of list) {
      if (entry.name.startsWith(".")) continue;
      // `resolve(at, entry.name)`: `at` is resolved and an entry's name is one plain segment.
      const path = at.endsWith(sep) ? at + entry.name : at + sep + entry.name;
      if (entry.isDirectory()) {
        if (deep && !walk(path)) return false;
      } else if (entry.isFile()) {
        if (extensions.some((ext) => entry.name.endsWith(ext))) out.push(path);
      } else {
        return false; // a symbolic link, a socket, a FIFO, a device
      }
    }
    return true;
  };
  return walk(dir) ? out : undefined;
}

function entries(dir: string): import("node:fs").Dirent[] | undefined {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
}
