/**
 * Secrets a server reflects into what it sends back (a header value echoed in
 * a tool description, an environment value in a default, or 8 or more of a
 * token's characters): replaced before the definition is hashed, locked or
 * reported, and reported as `secret-in-definition` on the tool that held them.
 * Pure.
 */
import { type Change, newChange, type SurfaceItem } from "../core/change.js";
import { isRecord } from "../core/json.js";
import { type SecretScanner, secretScanner } from "../redact.js";
import { fetchRules } from "./rules.js";
import type { RawSurface } from "./surface.js";

/** The definitions with every secret replaced, and one finding per definition that held any. */
export interface RedactedDefinitions {
  tools: unknown[];
  serverInfo?: { name: string; version: string };
  findings: Change[];
}

/**
 * Replaces every known secret (raw, URL-encoded or base64, as `redact` does),
 * and then every run of 8 or more characters of one (as output redaction does),
 * in every string, and every object key, of `tools` and `serverInfo`. The
 * walk is iterative (a 10,000-deep schema is fine) and edits in place: the
 * raw tools are the fetch's own freshly parsed JSON.
 */
export function redactDefinitions(
  server: string,
  tools: unknown[],
  serverInfo: { name: string; version: string } | undefined,
  secrets: readonly string[],
): RedactedDefinitions {
  const findings: Change[] = [];
  const scanner = secretScanner(secrets);
  if (scanner === undefined) return { tools, ...(serverInfo ? { serverInfo } : {}), findings };
  const rule = fetchRules["secret-in-definition"];
  // The usual case, no secret anywhere, costs one serialisation of the list and one pass over it;
  // a quick look at each tool's JSON then skips the walk for clean tools.
  const anyTool = mayHold(tools, scanner);
  tools.forEach((tool, index) => {
    if (!anyTool || !mayHold(tool, scanner)) return;
    const { pointers, whole } = redactInPlace(tool, scanner);
    if (pointers.length === 0) return;
    const name = isRecord(tool) && typeof tool.name === "string" ? tool.name : undefined;
    const where = `${pointers[0]}${pointers.length > 1 ? ` and ${pointers.length - 1} more` : ""}`;
    findings.push({
      rule: rule.id,
      severity: rule.severity,
      server,
      ...(name === undefined ? {} : { tool: name }),
      pointer: name === undefined ? `/tools/${index}${pointers[0]}` : pointers[0]!,
      message: `${name === undefined ? `Entry ${index} of the tool list` : `Tool \`${name}\``} ${holds(whole, where)}; it was replaced with *** before hashing and locking.`,
      hint: "The server echoes a credential into what it tells the model: rotate the credential, and ask the server's maintainers to stop reflecting it.",
    });
  });
  let info = serverInfo;
  if (serverInfo) {
    const copy = { name: serverInfo.name, version: serverInfo.version };
    const { pointers, whole } = redactInPlace(copy, scanner);
    if (pointers.length > 0) {
      info = copy;
      findings.push({
        rule: rule.id,
        severity: rule.severity,
        server,
        pointer: `/serverInfo${pointers[0]}`,
        message: `The server's serverInfo ${holds(whole, `/serverInfo${pointers[0]}`)}; it was replaced with *** before locking.`,
        hint: "The server echoes a credential back: rotate the credential, and ask the server's maintainers to stop reflecting it.",
      });
    }
  }
  return { tools, ...(info ? { serverInfo: info } : {}), findings };
}

/** What an item holds, and where: a whole secret, or only runs of 8 or more of its characters. */
function holds(whole: boolean, where: string): string {
  return whole
    ? `holds a secret mcp-contract sent the server (at ${where})`
    : `holds part of a secret mcp-contract sent the server (8 or more of its characters, at ${where})`;
}

/** Where each listed section of a surface is, and the kind its findings name. */
const SURFACE_LISTS = [
  ["prompts", "prompt", "name"],
  ["resourceTemplates", "resourceTemplate", "name"],
  ["resources", "resource", "uri"],
] as const;

/**
 * Replaces every known secret, and every run of 8 or more characters of one, in the prompts,
 * resource templates, resources, instructions and capabilities a server sent, in place, before
 * they are checked, hashed or locked; one `secret-in-definition` finding per item that held one.
 */
export function redactSurface(server: string, surface: RawSurface, secrets: readonly string[]): Change[] {
  const findings: Change[] = [];
  const scanner = secretScanner(secrets);
  if (scanner === undefined || !mayHold(surface, scanner)) return findings;
  const rule = fetchRules["secret-in-definition"];
  const found = (subject: SurfaceItem, pointer: string, what: string, whole: boolean) =>
    findings.push(
      newChange(
        rule,
        server,
        subject,
        pointer,
        `${what} ${holds(whole, pointer || "/")}; it was replaced with *** before hashing and locking.`,
        {
          hint: "The server echoes a credential into what it tells the model: rotate the credential, and ask the server's maintainers to stop reflecting it.",
        },
      ),
    );
  for (const [section, kind, key] of SURFACE_LISTS) {
    surface[section]?.forEach((item, index) => {
      const { pointers, whole } = redactInPlace(item, scanner);
      if (pointers.length === 0) return;
      const name = isRecord(item) && typeof item[key] === "string" ? (item[key] as string) : undefined;
      found(
        name === undefined ? { kind } : { kind, item: name },
        name === undefined ? `/${section}/${index}${pointers[0]}` : pointers[0]!,
        name === undefined ? `Entry ${index} of ${section}` : `\`${name}\``,
        whole,
      );
    });
  }
  if (typeof surface.instructions === "string") {
    const once = scanner.whole(surface.instructions);
    const clean = scanner.runs(once);
    if (clean !== surface.instructions) {
      found({ kind: "instructions" }, "", "The server's instructions", once !== surface.instructions);
      surface.instructions = clean;
    }
  }
  if (surface.capabilities) {
    const { pointers, whole } = redactInPlace(surface.capabilities, scanner);
    if (pointers.length > 0)
      found({ kind: "capabilities" }, pointers[0]!, "The server's capabilities", whole);
  }
  return findings;
}

/** Whether `value`'s JSON text may hold a secret or a run of one; true when it cannot be serialised (too deep). */
function mayHold(value: unknown, scanner: SecretScanner): boolean {
  try {
    const text = JSON.stringify(value);
    return text === undefined || scanner.mayHoldJson(text);
  } catch {
    return true;
  }
}

/**
 * Redacts `root` in place; returns the JSON Pointer of every string or key that held a secret or
 * a run of one, in walk order, and whether any held a whole secret.
 */
function redactInPlace(root: unknown, scanner: SecretScanner): { pointers: string[]; whole: boolean } {
  const found: string[] = [];
  let whole = false;
  const redact = (text: string): string => {
    const once = scanner.whole(text);
    if (once !== text) whole = true;
    return scanner.runs(once);
  };
  const stack: { node: unknown; pointer: string }[] = [{ node: root, pointer: "" }];
  while (stack.length > 0) {
    const { node, pointer } = stack.pop()!;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        const value = node[i];
        if (typeof value === "string") {
          const clean = redact(value);
          if (clean !== value) {
            node[i] = clean;
            found.push(`${pointer}/${i}`);
          }
        } else if (typeof value === "object" && value !== null)
          stack.push({ node: value, pointer: `${pointer}/${i}` });
      }
      continue;
    }
    if (!isRecord(node)) continue;
    const keys = Object.keys(node);
    for (let k = keys.length - 1; k >= 0; k--) {
      let key = keys[k]!;
      const cleanKey = redact(key);
      if (cleanKey !== key) {
        // Keep the value under the redacted key, as data (a key may be `__proto__`).
        const value = node[key];
        delete node[key];
        Object.defineProperty(node, cleanKey, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        found.push(`${pointer}/${escapePointer(cleanKey)}`);
        key = cleanKey;
      }
      const at = `${pointer}/${escapePointer(key)}`;
      const value = node[key];
      if (typeof value === "string") {
        const clean = redact(value);
        if (clean !== value) {
          Object.defineProperty(node, key, {
            value: clean,
            enumerable: true,
            writable: true,
            configurable: true,
          });
          found.push(at);
        }
      } else if (typeof value === "object" && value !== null) stack.push({ node: value, pointer: at });
    }
  }
  return { pointers: found.sort(), whole };
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}
