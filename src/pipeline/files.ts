/**
 * The template readers: the I/O edge of templates (globbing, reading files,
 * asking git for the committed lockfile). Everything they return is plain data
 * for the pure checker and renderer.
 */
import { execFile, spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, relative, resolve, sep } from "node:path";
import type { StageMemo } from "../cache/index.js";
import type { ResolvedConfig } from "../config/types.js";
import { sha256 } from "../core/hash.js";
import { dict } from "../core/own.js";
import { ConfigError, TemplateError } from "../errors.js";
import type { TemplateSource } from "../templates/check.js";
import { listTemplates } from "./listing.js";

/** A config's templates and partials, read. */
export interface TemplateFiles {
  /** Templates and partials (with `partial: true`), path-sorted, paths relative to `relativeTo`. */
  templates: TemplateSource[];
  /** Partial sources by Handlebars name (path inside its directory, without extension: `shared/footer`). */
  partials: Record<string, string>;
}

/**
 * Finds and reads the config's `templates` globs and `partials` directories
 * (both relative to `config.dir`). `relativeTo` (default: the config's
 * directory) is what file names in findings are relative to.
 */
export async function readTemplateFiles(
  config: Pick<ResolvedConfig, "path" | "dir" | "templates" | "partials">,
  relativeTo: string = config.dir,
  memo?: StageMemo,
): Promise<TemplateFiles> {
  checkPartialDirectories(config);
  // The listing from the directories' stamps when none changed (see listing.ts), else a glob walk.
  const listing = await listTemplates(config, memo);
  const partialFiles = new Map<string, string>(listing.partials); // absolute path → partial name
  const templateFiles = listing.templates;
  const all = [...new Set([...templateFiles.map(resolved), ...partialFiles.keys()])].sort();
  const templates: TemplateSource[] = [];
  const partials = dict<string>();
  const base = resolve(relativeTo);
  // Synchronous reads: for hundreds of small, usually page-cached files, one system call each costs
  // far less than the thread-pool round trips of open, fstat, read and close per promise.
  const shownNames = all.map((file) => shownName(relativeTo, base, file));
  const sources = all.map((file, i) => readTemplateFileSync(file, shownNames[i]!));
  for (const [i, file] of all.entries()) {
    const shown = shownNames[i]!;
    const source = sources[i]!;
    const partialName = partialFiles.get(file);
    templates.push({ file: shown, source, ...(partialName !== undefined && { partial: true }) });
    if (partialName !== undefined) partials[partialName] = source;
  }
  return { templates, partials };
}

// A path `resolve` would change: not absolute, or with an empty, `.` or `..` segment, or a trailing `/`.
const UNRESOLVED = /^(?!\/)|\/\.{0,2}(?:\/|$)/;

/** `resolve(path)`, without its walk over a path already absolute and normalized (as listed). */
export function resolved(path: string): string {
  return sep === "/" && !UNRESOLVED.test(path) ? path : resolve(path);
}

/**
 * `file` as findings show it: relative to `relativeTo` (`base`, resolved), its own name when it is
 * that very path. A file inside `base` whose rest names no `.` entry and no empty one is that rest
 * (what `relative` gives, without resolving both paths again for each file).
 */
function shownName(relativeTo: string, base: string, file: string): string {
  const prefix = base.endsWith(sep) ? base : base + sep;
  if (file.startsWith(prefix)) {
    const rest = file.slice(prefix.length);
    if (rest !== "" && !rest.startsWith(".") && !rest.includes(`${sep}.`) && !rest.includes(sep + sep))
      return rest;
  }
  return relative(relativeTo, file) || basename(file);
}

/**
 * Throws a ConfigError naming the config file and the entry when a `partials` directory is missing
 * or not a directory: a glob may match nothing, but a directory named on purpose would otherwise
 * be skipped without a word (and every `{{> name}}` in it with it).
 */
function checkPartialDirectories(config: Pick<ResolvedConfig, "path" | "dir" | "partials">): void {
  for (const [i, dir] of config.partials.entries()) {
    const path = resolve(config.dir, dir);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) continue;
    throw new ConfigError(
      stat === undefined
        ? `${config.path}: $.partials[${i}]: ${path} not found; create the directory or remove it from partials`
        : `${config.path}: $.partials[${i}]: ${path} is not a directory; partials lists directories of .hbs or .handlebars files`,
    );
  }
}

/** Reads one template; a missing or unreadable file is a TemplateError naming it. */
export async function readTemplateFile(path: string, shown: string = path): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw readError(error, shown);
  }
}

function readTemplateFileSync(path: string, shown: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw readError(error, shown);
  }
}

function readError(error: unknown, shown: string): TemplateError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new TemplateError(`${shown}: no such template file`);
  return new TemplateError(`${shown}: cannot read template (${code ?? (error as Error).message})`);
}

/**
 * The lockfile's text as committed at git HEAD, when the lockfile is in a git
 * work tree, is committed, and differs from `currentText`. Undefined otherwise
 * (no git, not a repository, never committed, unchanged): there is no history.
 */
export async function readCommittedLockfile(
  lockfilePath: string,
  currentText?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<string | undefined> {
  const committed = await committedLockfileText(lockfilePath, env);
  if (committed === undefined || committed === currentText) return undefined;
  return committed;
}

/**
 * The lockfile's text as committed at git HEAD, whatever the working copy holds; undefined with
 * no git, outside a repository or when it was never committed. Read as bytes and decoded once.
 */
export async function committedLockfileText(
  lockfilePath: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<string | undefined> {
  return (await committedLockfile(lockfilePath, env))?.text;
}

/** `committedLockfileText` with the sha256 of git's bytes (hashing the 5 MB text again costs more). */
export async function committedLockfile(
  lockfilePath: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<{ text: string; hash: string } | undefined> {
  const bytes = await git(dirname(lockfilePath), ["show", `HEAD:./${basename(lockfilePath)}`], env);
  if (!bytes) return undefined;
  // Decoded and hashed on first use: a check whose lockfile git says equals HEAD's (asked at the
  // same time) uses neither, and keeps no 5 MB text.
  let text: string | undefined;
  let hash: string | undefined;
  return {
    get text() {
      text ??= bytes.toString("utf8");
      return text;
    },
    get hash() {
      hash ??= sha256(bytes);
      return hash;
    },
  };
}

/**
 * Whether the lockfile may differ from git HEAD's: false only when git says the
 * working copy equals HEAD's (`git diff --quiet`, which answers from the index's
 * stat data). When false there is no history, so the pre-commit path skips the
 * diff (and HEAD's text, which it asks for at the same time, is not used).
 */
export async function lockfileMayDifferFromHead(
  lockfilePath: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<boolean> {
  const code = await gitStatus(
    dirname(lockfilePath),
    ["diff", "--quiet", "--no-ext-diff", "--no-textconv", "HEAD", "--", basename(lockfilePath)],
    env,
  );
  return code !== 0;
}

const GIT_ENV = { GIT_PAGER: "cat", GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0" };

function gitStatus(
  cwd: string,
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  return new Promise((done) => {
    // Only the exit code is read: no pipes (three fewer handles to make, read and close; `--quiet`
    // prints nothing, and what git says on stderr was never shown).
    const child = spawn("git", args, { cwd, env: { ...env, ...GIT_ENV }, stdio: "ignore" });
    child.on("error", () => done(-1));
    child.on("close", (code) => done(code ?? -1));
  });
}

function git(
  cwd: string,
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<Buffer | undefined> {
  return new Promise((done) => {
    execFile(
      "git",
      args,
      // Keep git from paging, prompting or reading a global config that changes output. Bytes: one
      // decode of the whole output instead of one per chunk.
      {
        cwd,
        encoding: "buffer",
        maxBuffer: 256 * 1024 * 1024,
        env: { ...env, GIT_PAGER: "cat", GIT_TERMINAL_PROMPT: "0" },
      },
      (error, stdout) => done(error ? undefined : stdout),
    );
  });
}
