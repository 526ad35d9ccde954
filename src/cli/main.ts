/**
 * The CLI entry: builds the commander program, imports the chosen command
 * lazily, and is the one place that turns typed errors into exit codes.
 */
import { statSync } from "node:fs";
import { realpath } from "node:fs/promises";
import { createRequire } from "node:module";
import { relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { SEVERITIES } from "../core/change.js";
import { FAIL_ON_LEVELS } from "../core/fail-on.js";
import { ConfigError, ContractError, type ErrorLocation, ExitCode } from "../errors.js";
import { redact } from "../redact.js";
import { FORMATS } from "../report/formats.js";
import { attachOutput, collectFormat, type FormatSpec } from "./format-options.js";
import type { CommandIO } from "./io.js";
import { knownSecrets } from "./secrets.js";

const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };
/** The directory holding this build (dist/, whose build-id keys the hot path's entries). */
const DIST = fileURLToPath(new URL("../", import.meta.url));

/** Output formats `check` and `diff` accept. */
export const OUTPUT_FORMATS: readonly string[] = FORMATS;

function fetchOptions(command: Command): Command {
  return command
    .option("--server <name...>", "only these servers (repeatable)")
    .addOption(
      new Option("--timeout <ms>", "per-server timeout in milliseconds")
        .default(30_000)
        .argParser(wholeNumber(MAX_TIMEOUT_MS, " (milliseconds)")),
    )
    .addOption(
      new Option("--concurrency <n>", "servers fetched at once")
        .default(8)
        .argParser(wholeNumber(MAX_CONCURRENCY)),
    )
    .addOption(
      new Option("--max-pages <n>", "most tools/list pages per server")
        .default(1000)
        .argParser(wholeNumber(MAX_PAGES)),
    )
    .option("-q, --quiet", "no progress output");
}

/**
 * `--format` (repeatable, each followed by an optional `--output`), `--fail-on`, and
 * `--acknowledgements` unless the command reads none (`merge`: its reports carry theirs).
 */
function reportOptions(command: Command, cwd: string, { acknowledgements = true } = {}): Command {
  // Commander runs option parsers in command-line order: --output attaches to the --format before it.
  let specs: FormatSpec[] = [];
  command
    .option(
      "-f, --format <format>",
      `output format, repeatable (${FORMATS.join(", ")}); default text`,
      (value: string) => {
        specs = collectFormat(value, specs);
        return specs;
      },
    )
    .option(
      "-o, --output <file>",
      "write the --format before it to FILE instead of stdout",
      (value: string) => {
        specs = attachOutput(specs, notADirectory(value, cwd), cwd);
        return value;
      },
    )
    .addOption(
      new Option("--fail-on <level>", "lowest severity that fails the run")
        .choices(FAIL_ON_LEVELS)
        .default("breaking"),
    )
    .addOption(
      new Option(
        "--min-severity <level>",
        "text, markdown and github show only changes at least this severe (json, sarif, junit show all)",
      ).choices(SEVERITIES),
    )
    .option("--verbose", "text: show every change of a long run of one rule instead of folding it")
    .hook("preAction", (_program, action) => {
      action.setOptionValue("format", specs);
    });
  if (acknowledgements) {
    command.option(
      "--acknowledgements <file>",
      "acknowledged changes (default: mcp-contract.acks.json next to the config)",
    );
  }
  return command;
}

function buildProgram(io: CommandIO, setExit: (code: number) => void): Command {
  const program = new Command("mcp-contract")
    .description("Lock MCP servers' tool lists and fail CI when they change under your agents' prompts.")
    .version(pkg.version, "-v, --version")
    .option("-c, --config <file>", "config file (default: mcp-contract.yaml|.yml|.json, searched upward)")
    .showHelpAfterError("(run mcp-contract --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      // Help wraps to the terminal, else to 80 columns (what commander does with process.stdout).
      getOutHelpWidth: () => io.stdoutColumns ?? 80,
      getErrHelpWidth: () => io.stderrColumns ?? 80,
    });

  fetchOptions(
    program
      .command("lock")
      .description("fetch every server and write the lockfile; print what changed since the previous one"),
  )
    .option(
      "--accept-breaking <reason>",
      "accept the breaking changes this lock makes and record each with this reason (a plain lock refuses them)",
    )
    .option(
      "--accepted-by <who>",
      "who accepts them (default: git config user.email, $GITHUB_ACTOR or $USER)",
    )
    .option("--expires <date>", "the acknowledgements expire after this date (YYYY-MM-DD)")
    .option(
      "--acknowledgements <file>",
      "acknowledgements file (default: mcp-contract.acks.json next to the config)",
    )
    .action(async (options, command: Command) => {
      const { runLock } = await import("./commands/lock.js");
      setExit(await runLock({ ...command.optsWithGlobals(), ...options }, io));
    });

  const checkCommand = fetchOptions(
    program
      .command("check")
      .description(
        "fetch every server, diff against the lockfile, check templates; exit 1 on breaking changes",
      ),
  )
    .option("--offline", "no network: check templates against the lockfile only")
    .option(
      "--no-cache",
      "with --offline: do not read or write the result cache (also MCP_CONTRACT_NO_CACHE=1)",
    )
    .option("--shard <K/N>", "fetch and check only every Nth server, starting at the Kth (for a CI matrix)");
  reportOptions(checkCommand, io.cwd).action(async (options, command: Command) => {
    const { runCheck } = await import("./commands/check.js");
    setExit(await runCheck({ ...command.optsWithGlobals(), ...options }, io));
  });

  const diffCommand = program
    .command("diff")
    .description('diff two lockfiles or tool lists ({"tools": [...]} or a bare array); no server needed')
    .argument(
      "<before>",
      "lockfile or tools/list JSON file, or git:REF:PATH (e.g. git:origin/main:mcp-contract.lock.json)",
    )
    .argument("<after>", "lockfile or tools/list JSON file (or git:REF:PATH)");
  reportOptions(diffCommand, io.cwd).action(
    async (before: string, after: string, options, command: Command) => {
      const { runDiff } = await import("./commands/diff.js");
      setExit(await runDiff(before, after, { ...command.optsWithGlobals(), ...options }, io));
    },
  );

  const mergeCommand = program
    .command("merge")
    .description("merge JSON reports of --shard runs into one report (the same as a single run's)")
    .argument("<reports...>", "JSON reports (check --format json --output FILE)");
  reportOptions(mergeCommand, io.cwd, { acknowledgements: false }).action(
    async (reports: string[], options, command: Command) => {
      const { runMerge } = await import("./commands/merge.js");
      setExit(await runMerge(reports, { ...command.optsWithGlobals(), ...options }, io));
    },
  );

  program
    .command("init")
    .description(
      "write a starter config (importing the MCP client configs found: .mcp.json, .cursor/, .vscode/, .zed/, .continue/), CI workflow and pre-commit entry",
    )
    .option("--from <file>", "import servers from this MCP client config instead")
    .option("--force", "overwrite existing files")
    .option("--no-workflow", "do not write .github/workflows/mcp-contract.yml")
    .option("--no-pre-commit", "do not add the pre-commit hook")
    .action(async (options) => {
      const { runInitCommand } = await import("./commands/init.js");
      setExit(await runInitCommand(options, io));
    });

  program
    .command("export")
    .description("print the lockfile as a gateway allowlist (JSON, or a Kubernetes ConfigMap)")
    .addOption(
      new Option("--format <format>", "json (schema/export.schema.json) or configmap (Kubernetes v1 YAML)")
        .choices(["json", "configmap"])
        .default("json"),
    )
    .option("-o, --output <file>", "write to FILE (atomically) instead of stdout", (value: string) =>
      notADirectory(value, io.cwd, "the export"),
    )
    .option("--name <name>", "with --format configmap: metadata.name (default mcp-contract-allowlist)")
    .option("--namespace <namespace>", "with --format configmap: metadata.namespace")
    .action(async (options, command: Command) => {
      const { runExport } = await import("./commands/export.js");
      setExit(await runExport({ ...command.optsWithGlobals(), ...options }, io));
    });

  program
    .command("login")
    .description(
      "log in to an OAuth server (authorization code + PKCE in the browser; $BROWSER honoured) and store its token for lock and check",
    )
    .argument("<server>", "the configured server")
    .addOption(
      new Option("--timeout <ms>", "how long to wait for the browser, in milliseconds")
        .default(300_000)
        .argParser(wholeNumber(MAX_TIMEOUT_MS, " (milliseconds)")),
    )
    .action(async (server: string, options, command: Command) => {
      const { runLogin } = await import("./commands/login.js");
      setExit(await runLogin(server, { ...command.optsWithGlobals(), ...options }, io));
    });

  program
    .command("logout")
    .description(
      "revoke (where the authorization server offers it) and remove the token login stored for a server",
    )
    .argument("<server>", "the configured server")
    .action(async (server: string, options, command: Command) => {
      const { runLogout } = await import("./commands/logout.js");
      setExit(await runLogout(server, { ...command.optsWithGlobals(), ...options }, io));
    });

  program
    .command("render")
    .description(
      "print a template rendered with the lockfile's tools, prompts and resources (the same helpers `check` reads)",
    )
    .argument("<template>", "template file")
    .option("--data <file>", "JSON or YAML file with the template's variables")
    .action(async (template: string, options, command: Command) => {
      const { runRender } = await import("./commands/render.js");
      setExit(await runRender(template, { ...command.optsWithGlobals(), ...options }, io));
    });

  // A command's usage error points at that command's help, which lists its options.
  for (const command of program.commands)
    command.showHelpAfterError(`(run mcp-contract ${command.name()} --help for usage)`);
  return program;
}

/** Runs the CLI; returns the exit code. Never throws. */
export async function main(
  argv: readonly string[],
  partialIO: Partial<Omit<CommandIO, "secrets">> = {},
): Promise<number> {
  const start = Date.now();
  const controller = new AbortController();
  let io: CommandIO = {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    ...(process.stdout.isTTY && { stdoutColumns: process.stdout.columns }),
    ...(process.stderr.isTTY && { stderrColumns: process.stderr.columns }),
    signal: controller.signal,
    ...partialIO,
    // Each run redacts the secrets of its own config only: several runs may share a process.
    secrets: [],
  };
  // A `check --offline` the hot path (src/hot.ts) could answer next time: recorded as it runs.
  const hot =
    argv[0] === "check" && argv.includes("--offline")
      ? await import("./hot-record.js").then(
          (m) => m.hotRecorder(argv, io, DIST, start),
          () => undefined,
        )
      : undefined;
  if (hot) io = hot.io;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second Ctrl-C while cleanup runs means "now": exit at once. The stdio layer's
    // exit hook still SIGKILLs every child process and its descendants synchronously on the way out.
    // (No claim about the lockfile here: the first signal may have come after it was written.)
    if (controller.signal.aborted) {
      io.stderr("mcp-contract: interrupted\n");
      process.exit(ExitCode.Interrupted);
    }
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let exitCode: number = ExitCode.Ok;
  try {
    await buildProgram(io, (code) => {
      exitCode = code;
    }).parseAsync(argv, { from: "user" });
  } catch (error) {
    exitCode = handleError(error, io);
    // Every config error, and any other input error that knows its file.
    if (
      error instanceof ContractError &&
      (error.location || error instanceof ConfigError) &&
      asksForGithub(argv)
    )
      await annotate(error, error.location, io);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  hot?.finish(exitCode);
  // A command the signal stopped threw InterruptedError; one that had already written the
  // lockfile finished, and its exit code stands.
  return exitCode;
}

function handleError(error: unknown, io: CommandIO): number {
  if (error instanceof CommanderError) {
    // Help asked for and version are not errors; commander has already printed its message otherwise.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return ExitCode.Ok;
    // No command: commander prints the help on stderr. A usage error, as in git: a CI step that
    // lost its command (`npx mcp-contract`) must fail, not pass having checked nothing.
    if (error.code === "commander.help") return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    return ExitCode.Usage;
  }
  if (error instanceof ContractError) {
    io.stderr(`mcp-contract: ${redact(error.message, knownSecrets(io))}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(`mcp-contract: internal error, please report it: ${redact(message, knownSecrets(io))}\n`);
  return ExitCode.Internal;
}

/** Whether the command line asks for `--format github` (read again here: the error may precede the action). */
function asksForGithub(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return false;
    if ((arg === "--format" || arg === "-f") && argv[i + 1] === "github") return true;
    if (arg === "--format=github" || arg === "-fgithub") return true;
  }
  return false;
}

/**
 * With `--format github`, an input error is also a workflow command on stdout, so the file (and
 * line) at fault is annotated in the pull request: `::error file=mcp-contract.yaml,line=4::…`.
 * The file is named from the repository root, as the report's annotations are.
 */
async function annotate(
  error: ContractError,
  location: ErrorLocation | undefined,
  io: CommandIO,
): Promise<void> {
  const { workflowCommand } = await import("../report/formats/github.js");
  let file: string | undefined;
  if (location) {
    const { repositoryRoot } = await import("./repository-root.js");
    const absolute = resolve(io.cwd, location.file);
    const real = await realpath(absolute).catch(() => absolute);
    file = relative(await repositoryRoot(io.cwd, io.env), real)
      .split(sep)
      .join("/");
  }
  // "ConfigError" -> "config error"
  const title = `mcp-contract: ${error.name.replace(/Error$/, "").toLowerCase()} error`;
  const props = { file, line: location?.line, col: location?.column, title };
  io.stdout(`${workflowCommand("error", props, redact(error.message, knownSecrets(io)))}\n`);
}

/** `--output FILE` must name a file: refused before any fetch when it names a directory. */
function notADirectory(value: string, cwd: string, what = "the report"): string {
  const directory =
    value.endsWith("/") ||
    value.endsWith(sep) ||
    (() => {
      try {
        return statSync(resolve(cwd, value)).isDirectory();
      } catch {
        return false;
      }
    })();
  if (directory) throw new InvalidArgumentError(`it is a directory; name a file to write ${what} to`);
  return value;
}

/** The longest timer Node keeps: a longer one fires after 1 ms. */
const MAX_TIMEOUT_MS = 2_147_483_647;
const MAX_CONCURRENCY = 1024;
const MAX_PAGES = 1_000_000;

/**
 * Commander parser for a whole number from 1 to `max`, written in digits
 * (`1e3`, `0x10`, `2.5` and values past `max` are usage errors).
 */
function wholeNumber(max: number, unit = ""): (value: string) => number {
  return (value) => {
    const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`expected a whole number from 1 to ${max}${unit}`);
    }
    return n;
  };
}
