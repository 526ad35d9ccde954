/**
 * The CLI entry: builds the commander program, imports the chosen command
 * lazily, and is the one place that turns typed errors into exit codes.
 */
import { createRequire } from "node:module";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { ContractError, ExitCode } from "../errors.js";
import { redact } from "../redact.js";
import type { CommandIO } from "./io.js";
import { knownSecrets } from "./secrets.js";

const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };

/** Output formats `check` and `diff` accept. */
export const OUTPUT_FORMATS = Object.keys({ text: true, json: true } satisfies Record<
  "text" | "json",
  unknown
>);

function fetchOptions(command: Command): Command {
  return command
    .option("--server <name...>", "only these servers (repeatable)")
    .addOption(
      new Option("--timeout <ms>", "per-server timeout in milliseconds")
        .default(30_000)
        .argParser(positiveInt),
    )
    .addOption(new Option("--concurrency <n>", "servers fetched at once").default(8).argParser(positiveInt))
    .addOption(
      new Option("--max-pages <n>", "most tools/list pages per server").default(1000).argParser(positiveInt),
    )
    .option("-q, --quiet", "no progress output");
}

function buildProgram(io: CommandIO, setExit: (code: number) => void): Command {
  const program = new Command("mcp-contract")
    .description("Lock MCP servers' tool lists and fail CI when they change under your agents' prompts.")
    .version(pkg.version, "-v, --version")
    .option("-c, --config <file>", "config file (default: mcp-contract.yaml|.yml|.json, searched upward)")
    .showHelpAfterError("(run mcp-contract --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  fetchOptions(
    program
      .command("lock")
      .description("fetch every server and write the lockfile; print what changed since the previous one"),
  ).action(async (options, command: Command) => {
    const { runLock } = await import("./commands/lock.js");
    setExit(await runLock({ ...command.optsWithGlobals(), ...options }, io));
  });

  fetchOptions(
    program
      .command("check")
      .description(
        "fetch every server, diff against the lockfile, check templates; exit 1 on breaking changes",
      ),
  )
    .option("--offline", "no network: check templates against the lockfile only")
    .addOption(new Option("-f, --format <format>", "output format").choices(OUTPUT_FORMATS).default("text"))
    .action(async (options, command: Command) => {
      const { runCheck } = await import("./commands/check.js");
      setExit(await runCheck({ ...command.optsWithGlobals(), ...options }, io));
    });

  program
    .command("diff")
    .description('diff two lockfiles or tool lists ({"tools": [...]} or a bare array); no server needed')
    .argument("<before>", "lockfile or tools/list JSON file")
    .argument("<after>", "lockfile or tools/list JSON file")
    .addOption(new Option("-f, --format <format>", "output format").choices(OUTPUT_FORMATS).default("text"))
    .action(async (before: string, after: string, options, command: Command) => {
      const { runDiff } = await import("./commands/diff.js");
      setExit(await runDiff(before, after, { ...command.optsWithGlobals(), ...options }, io));
    });

  program
    .command("render")
    .description("print a template rendered with the lockfile's tools (the same helpers `check` reads)")
    .argument("<template>", "template file")
    .option("--data <file>", "JSON or YAML file with the template's variables")
    .action(async (template: string, options, command: Command) => {
      const { runRender } = await import("./commands/render.js");
      setExit(await runRender(template, { ...command.optsWithGlobals(), ...options }, io));
    });

  return program;
}

/** Runs the CLI; returns the exit code. Never throws. */
export async function main(argv: readonly string[], partialIO: Partial<CommandIO> = {}): Promise<number> {
  const controller = new AbortController();
  const io: CommandIO = {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
    signal: controller.signal,
    ...partialIO,
  };
  const onSignal = (signal: NodeJS.Signals) => {
    // A second Ctrl-C while cleanup runs means "now": exit at once. The stdio layer's
    // exit hook still SIGKILLs every child process group synchronously on the way out.
    if (controller.signal.aborted) process.exit(130);
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
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  if (controller.signal.aborted && exitCode === ExitCode.Ok) exitCode = 130;
  return exitCode;
}

function handleError(error: unknown, io: CommandIO): number {
  if (error instanceof CommanderError) {
    // Help and version are not errors; commander has already printed its message otherwise.
    if (
      error.code === "commander.helpDisplayed" ||
      error.code === "commander.version" ||
      error.code === "commander.help"
    ) {
      return ExitCode.Ok;
    }
    return ExitCode.Usage;
  }
  if (error instanceof ContractError) {
    io.stderr(`mcp-contract: ${redact(error.message, knownSecrets)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(`mcp-contract: internal error, please report it: ${redact(message, knownSecrets)}\n`);
  return ExitCode.Usage;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive integer");
  return n;
}
