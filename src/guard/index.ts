/**
 * `mcp-contract/guard`: the lockfile enforced where the agent runs. Wraps a
 * connected official SDK client (1.x `@modelcontextprotocol/sdk` or 2.x
 * `@modelcontextprotocol/client`): `callTool` refuses, before anything is sent,
 * a tool that is not locked, arguments outside the locked input schema (an
 * unknown parameter with its did-you-mean, a missing one, a wrong type or enum
 * value) and a tool that drifted in a breaking way; after the call it checks
 * structuredContent against the locked output schema. `verify()` diffs the live
 * tool list against the lockfile with the engine `check` uses. Nothing is
 * printed and nothing exits: errors, and `onViolation`.
 */
import { readFileSync } from "node:fs";
import type { Change } from "../core/change.js";
import type { LockedServer, Lockfile, ToolDefinition } from "../core/lockfile.js";
import { dictFrom, own } from "../core/own.js";
import { didYouMean } from "../core/suggest.js";
import { diffTools } from "../diff/index.js";
import { ConfigError, LockfileError } from "../errors.js";
import { walkPages } from "../fetch/pages.js";
import { checkTools } from "../fetch/validate.js";
import { parseLockfile, validateLockfile } from "../lockfile/parse.js";
import { overrideSeverities, type RuleSetting } from "../policy/policy.js";
import { RULE_IDS } from "../rule-ids.js";
import { compileToolContract, type ToolContract } from "./contract.js";
import { loadTracing, startCallSpan, startVerifySpan } from "./trace.js";
import { ContractViolationError, summarizeErrors, type ViolationDetails } from "./violation.js";

export type { Change, Severity } from "../core/change.js";
export type { Lockfile } from "../core/lockfile.js";
export { ConfigError, LockfileError } from "../errors.js";
export type { RuleSetting } from "../policy/policy.js";
export type { ContractError, SkippedPattern, ToolContract } from "./contract.js";
export { compileToolContract } from "./contract.js";
export { ContractViolationError, type ViolationCode, type ViolationDetails } from "./violation.js";

/** The `tools/call` params every SDK takes (the SDK's own type is wider). */
export interface CallToolParams {
  name: string;
  arguments?: Record<string, unknown>;
  _meta?: Record<string, unknown>;
}

/**
 * What the guard needs of a client: the official SDK's `Client`, 1.x or 2.x
 * (`callTool(params, resultSchema?, options?)` or `callTool(params, options?)`;
 * `listTools(params?, options?)`), connected.
 */
export interface GuardableClient {
  callTool(params: CallToolParams, ...rest: never[]): Promise<unknown>;
  listTools(params?: { cursor?: string }, ...rest: never[]): Promise<unknown>;
}

/** Options of `guardClient`. */
export interface GuardOptions {
  /** The lockfile: its path, or the lockfile already parsed (it is validated either way). */
  lockfile: string | Lockfile;
  /** The server's name in the lockfile (as in mcp-contract.yaml). */
  server: string;
  /**
   * A tool that drifted in a breaking way since it was locked: `"block"` (default) refuses its
   * calls, `"warn"` calls it and reports the drift to `onViolation`, `"off"` does not list the live
   * tools at all (call `verify()` yourself). The live list is fetched by the first call (or by
   * `verify()`), and again each time `verify()` is called.
   */
  onDrift?: "block" | "warn" | "off";
  /**
   * A result whose structuredContent does not satisfy the locked output schema: `"error"`
   * (default) rejects with the violation (the result is on it), `"warn"` returns the result and
   * reports to `onViolation`, `"off"` does not check.
   */
  outputCheck?: "error" | "warn" | "off";
  /** Told of every violation, refused or not, before the call rejects or goes on. */
  onViolation?: (violation: ContractViolationError) => void;
  /** Most tools/list pages `verify()` follows (default 1000). */
  maxPages?: number;
  /**
   * The config's `rules:` severity overrides, applied to the drift as `check` applies them: a
   * change is breaking (refused with `onDrift: "block"`, `ok: false` in `verify()`) at its rule's
   * configured severity, and a rule set to `off` is dropped. Either the config file's path
   * (mcp-contract.yaml; read on the first listing, `${VAR}` left unread: a file that does not load
   * rejects `verify()` and the drift check of a call with its `ConfigError`), or the overrides
   * themselves (`{ rules: { "tool-removed": "warning" } }`, checked at once: an unknown rule id or
   * setting throws `ConfigError`). Acknowledgements are not applied. Without it, every rule has
   * its default severity.
   */
  config?: string | GuardConfig;
}

/** The part of a config the guard reads. */
export interface GuardConfig {
  /** Rule id to `breaking`, `warning`, `info` or `off`, as under `rules:` in mcp-contract.yaml. */
  rules?: Readonly<Record<string, RuleSetting>>;
}

/** What `verify()` found: `ok` is false when any change is breaking. */
export interface VerifyResult {
  ok: boolean;
  /** Every change of the live tool list against the locked entry, as `check` reports them. */
  changes: Change[];
}

/** The guarded client. */
export interface GuardedClient<C extends GuardableClient> {
  /** The wrapped client, unchanged. */
  readonly client: C;
  /** The server's name in the lockfile. */
  readonly server: string;
  /** Lists the live tools (every page) and diffs them against the locked entry. */
  verify(): Promise<VerifyResult>;
  /** The client's own `callTool`, guarded. */
  callTool: C["callTool"];
}

/** Wraps a connected client. Throws `LockfileError` for an unreadable or invalid lockfile. */
export function guardClient<C extends GuardableClient>(client: C, options: GuardOptions): GuardedClient<C> {
  const { server } = options;
  const lock =
    typeof options.lockfile === "string"
      ? parseLockfile(readLockfileText(options.lockfile), options.lockfile)
      : validateLockfile(options.lockfile, "lockfile");
  const locked = own(lock.servers, server);
  if (locked === undefined) {
    const hint = didYouMean(server, Object.keys(lock.servers));
    throw new ContractViolationError(
      `server \`${server}\` is not in the lockfile${hint ? `; ${hint}` : ` (it has ${Object.keys(lock.servers).length} servers)`}`,
      { code: "server-not-locked", server, blocking: true },
    );
  }
  return new Guard(client, locked, options).api();
}

class Guard<C extends GuardableClient> {
  private readonly server: string;
  private readonly onDrift: "block" | "warn" | "off";
  private readonly outputCheck: "error" | "warn" | "off";
  private readonly contracts = new Map<string, ToolContract>();
  private readonly tracing = loadTracing();
  /** The latest verify(): breaking changes by tool. */
  private verified: Promise<Map<string, Change[]>> | undefined;
  /** The config's severity overrides: given, or read from the config file once. */
  private rules: Promise<Readonly<Record<string, RuleSetting>> | undefined> | undefined;

  constructor(
    private readonly client: C,
    private readonly locked: LockedServer,
    private readonly options: GuardOptions,
  ) {
    this.server = options.server;
    this.onDrift = options.onDrift ?? "block";
    this.outputCheck = options.outputCheck ?? "error";
    if (typeof options.config === "object" && options.config !== null)
      this.rules = Promise.resolve(checkedRules(options.config.rules));
  }

  /** The severity overrides: the config file is read on first use (a failed read is retried next time). */
  private ruleSettings(): Promise<Readonly<Record<string, RuleSetting>> | undefined> {
    const path = this.options.config;
    if (this.rules !== undefined || typeof path !== "string") return this.rules ?? Promise.resolve(undefined);
    const loading = import("../config/load.js").then(
      async ({ loadConfig }) =>
        (await loadConfig({ configPath: path, cwd: process.cwd(), env: process.env, interpolate: false }))
          .rules,
    );
    this.rules = loading;
    loading.catch(() => {
      if (this.rules === loading) this.rules = undefined;
    });
    return loading;
  }

  api(): GuardedClient<C> {
    const callTool = (params: CallToolParams, ...rest: never[]) => this.callTool(params, rest);
    return {
      client: this.client,
      server: this.server,
      verify: () => this.verify(),
      callTool: callTool as C["callTool"],
    };
  }

  verify(): Promise<VerifyResult> {
    const run = this.listAndDiff();
    // The next calls wait for this listing and see its drift; a failed one is retried by them.
    const byTool = run.then(({ changes }) => breakingByTool(changes));
    this.verified = byTool;
    byTool.catch(() => {
      if (this.verified === byTool) this.verified = undefined;
    });
    return run;
  }

  private async listAndDiff(): Promise<VerifyResult> {
    const span = startVerifySpan(await this.tracing, this.server);
    try {
      const result = await span.within(() => this.diffLive());
      span.drift(result.changes, result.ok);
      return result;
    } catch (error) {
      span.fail(error);
      throw error;
    } finally {
      span.end();
    }
  }

  private async diffLive(): Promise<VerifyResult> {
    const { tools: raw } = await walkPages(
      (cursor) => this.client.listTools(cursor === undefined ? undefined : { cursor }),
      this.options.maxPages ?? 1000,
    );
    // What `lock` and `check` do with a fetched list: invalid entries reported, then the diff.
    const { tools, findings } = checkTools(this.server, raw);
    const after = dictFrom<ToolDefinition>(tools.map((t) => [t.name, t]));
    const before = dictFrom(
      Object.entries(this.locked.tools).map(([n, t]) => [n, asParsed(t.definition, own(after, n))]),
    );
    // The config's overrides, as `check` applies them: the same change is breaking in both or in neither.
    const changes = overrideSeverities(
      [...findings, ...diffTools(this.server, before, after)],
      await this.ruleSettings(),
    );
    return { ok: !changes.some((c) => c.severity === "breaking"), changes };
  }

  private async callTool(params: CallToolParams, rest: never[]): Promise<unknown> {
    const name = typeof params?.name === "string" ? params.name : String(params?.name);
    const tool = own(this.locked.tools, name);
    const span = startCallSpan(await this.tracing, this.server, name, tool?.hash);
    try {
      if (tool === undefined) {
        const hint = didYouMean(name, Object.keys(this.locked.tools));
        this.refuse(
          span,
          `${this.server}: tool \`${name}\` is not locked${hint ? `; ${hint}` : ""}; run \`mcp-contract lock\` to review it`,
          { code: "tool-not-locked", server: this.server, tool: name, blocking: true },
        );
      }
      const contract = this.contract(span, name, tool!.definition);
      const errors = contract.checkArguments(params.arguments);
      if (errors.length > 0)
        this.refuse(
          span,
          `${this.server}/${name}: the arguments break the locked input schema: ${summarizeErrors(errors)}`,
          { code: "invalid-arguments", server: this.server, tool: name, errors, blocking: true },
        );
      if (this.onDrift !== "off") {
        if (this.verified === undefined) void this.verify().catch(() => {});
        const drift = (await this.verified!).get(name);
        if (drift !== undefined) {
          const blocking = this.onDrift === "block";
          const message = `${this.server}/${name}: the live tool changed in a breaking way since it was locked: ${drift
            .slice(0, 3)
            .map((c) => `${c.rule}: ${c.message}`)
            .join("; ")}${drift.length > 3 ? `; and ${drift.length - 3} more` : ""}`;
          const details: ViolationDetails = {
            code: "drift",
            server: this.server,
            tool: name,
            changes: drift,
            blocking,
          };
          if (blocking) this.refuse(span, message, details);
          this.warn(span, message, details);
        }
      }
      const result = await span.within(() => this.client.callTool(span.propagate(params), ...rest));
      if (this.outputCheck !== "off" && contract.hasOutputSchema)
        this.checkResult(span, name, contract, result);
      return result;
    } catch (error) {
      if (!(error instanceof ContractViolationError)) span.fail(error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** The tool's compiled contract; compiling it says once which of its patterns are not checked. */
  private contract(
    span: ReturnType<typeof startCallSpan>,
    name: string,
    definition: ToolDefinition,
  ): ToolContract {
    let contract = this.contracts.get(name);
    if (contract === undefined) {
      contract = compileToolContract(definition);
      this.contracts.set(name, contract);
      const skipped = contract.skippedPatterns;
      if (skipped.length > 0) {
        const listed = skipped
          .slice(0, 3)
          .map((p) => `/${p.source}/ at ${p.pointer}`)
          .join(", ");
        this.warn(
          span,
          `${this.server}/${name}: ${skipped.length === 1 ? "1 pattern" : `${skipped.length} patterns`} of the locked schema not checked (lookaround or a backreference, which the linear-time engine cannot run): ${listed}${skipped.length > 3 ? `, and ${skipped.length - 3} more` : ""}; the server still applies ${skipped.length === 1 ? "it" : "them"}`,
          { code: "unchecked-pattern", server: this.server, tool: name, blocking: false },
        );
      }
    }
    return contract;
  }

  private checkResult(
    span: ReturnType<typeof startCallSpan>,
    name: string,
    contract: ToolContract,
    result: unknown,
  ): void {
    const value = result !== null && typeof result === "object" ? (result as Record<string, unknown>) : {};
    // An error result carries no structured content; the server said the call failed.
    if (value.isError === true) return;
    const errors =
      value.structuredContent === undefined
        ? [
            {
              path: "$",
              message: "the result has no structuredContent, and the tool is locked with an outputSchema",
            },
          ]
        : contract.checkOutput(value.structuredContent);
    if (errors.length === 0) return;
    const blocking = this.outputCheck === "error";
    const message = `${this.server}/${name}: the result breaks the locked output schema: ${summarizeErrors(errors)}`;
    const details: ViolationDetails = {
      code: "invalid-output",
      server: this.server,
      tool: name,
      errors,
      blocking,
      result,
    };
    if (blocking) this.refuse(span, message, details);
    this.warn(span, message, details);
  }

  private refuse(span: ReturnType<typeof startCallSpan>, message: string, details: ViolationDetails): never {
    const violation = new ContractViolationError(message, details);
    span.violation(details.code, message, true);
    this.options.onViolation?.(violation);
    throw violation;
  }

  private warn(span: ReturnType<typeof startCallSpan>, message: string, details: ViolationDetails): void {
    span.violation(details.code, message, false);
    this.options.onViolation?.(new ContractViolationError(message, details));
  }
}

/** The fields of an MCP `Tool`: what the SDK clients' own parsing of tools/list keeps. */
const TOOL_FIELDS: ReadonlySet<string> = new Set([
  "name",
  "title",
  "description",
  "inputSchema",
  "outputSchema",
  "annotations",
  "execution",
  "icons",
  "_meta",
]);

/**
 * The locked definition as the client would have parsed it: both official SDKs drop the
 * top-level keys a `Tool` does not define (`x-vendor`) from what `listTools` returns, so a key
 * of the lock that is not a Tool field and is absent from the live tool is left out of the
 * comparison rather than reported as removed (`lock` and `check` read the raw list and see it).
 */
function asParsed(locked: ToolDefinition, live: ToolDefinition | undefined): ToolDefinition {
  if (live === undefined) return locked;
  let out: ToolDefinition | undefined;
  for (const key of Object.keys(locked)) {
    if (TOOL_FIELDS.has(key) || Object.hasOwn(live, key)) continue;
    out ??= { ...locked };
    delete out[key];
  }
  return out ?? locked;
}

/** The breaking changes of a verify(), by the tool they are about. */
function breakingByTool(changes: readonly Change[]): Map<string, Change[]> {
  const out = new Map<string, Change[]>();
  for (const change of changes) {
    if (change.severity !== "breaking" || change.tool === undefined) continue;
    const list = out.get(change.tool) ?? [];
    list.push(change);
    out.set(change.tool, list);
  }
  return out;
}

const SETTINGS: ReadonlySet<string> = new Set(["breaking", "warning", "info", "off"]);

/** The `rules` of a `config` object, checked as the config file's are: known rule ids, known settings. */
function checkedRules(
  rules: Readonly<Record<string, RuleSetting>> | undefined,
): Readonly<Record<string, RuleSetting>> | undefined {
  if (rules === undefined) return undefined;
  if (typeof rules !== "object" || rules === null || Array.isArray(rules))
    throw new ConfigError(
      "guard option config.rules: must be an object of rule id to breaking, warning, info or off",
    );
  for (const [id, setting] of Object.entries(rules)) {
    if (!RULE_IDS.includes(id)) {
      const hint = didYouMean(id, RULE_IDS);
      throw new ConfigError(
        `guard option config.rules: unknown rule id \`${id}\`${hint ? `; ${hint}` : " (the rules are listed in docs/rules/)"}`,
      );
    }
    if (!SETTINGS.has(setting as string))
      throw new ConfigError(
        `guard option config.rules.${id}: ${JSON.stringify(setting)} is not breaking, warning, info or off`,
      );
  }
  return rules;
}

function readLockfileText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new LockfileError(`${path}: cannot read lockfile (${code})`, { location: { file: path } });
  }
}
