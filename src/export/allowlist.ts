/**
 * The lockfile as a gateway allowlist (`mcp-contract export`): per server and
 * tool the name, hash, input schema and annotations, as JSON of the shape
 * schema/export.schema.json documents, or wrapped in a Kubernetes v1
 * ConfigMap. Pure: a lockfile in, text out; what is produced is checked
 * against the schema before it is returned.
 */
import { stringify as stringifyYaml } from "yaml";
import { isRecord } from "../core/json.js";
import type { Lockfile } from "../core/lockfile.js";
import { dict } from "../core/own.js";
import { describeSchemaError, validators } from "../core/validator.js";
import * as generated from "./validators.generated.js";

// schema/export.schema.json, precompiled (./validators.generated.ts).
const { allowlist: validateAllowlist } = validators(generated, "allowlist");

/** The version of the allowlist shape (`allowlistVersion`). */
export const ALLOWLIST_VERSION = 1;

/** One allowed tool. */
export interface AllowedTool {
  name: string;
  /** The lockfile's tool hash (sha256 of the canonical definition). */
  hash: string;
  inputSchema: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

/** One server's allowed tools, keyed by name (a null-prototype object). */
export interface AllowedServer {
  hash: string;
  tools: Record<string, AllowedTool>;
}

/** The export: every locked server by its configured name (a null-prototype object). */
export interface Allowlist {
  allowlistVersion: typeof ALLOWLIST_VERSION;
  servers: Record<string, AllowedServer>;
}

/** The key of the ConfigMap's data that holds the allowlist JSON. */
export const CONFIGMAP_KEY = "allowlist.json";

/** Kubernetes refuses a ConfigMap whose data is larger than 1 MiB. */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;

/** The allowlist of a lockfile, servers and tools sorted by name. */
export function allowlistOf(lock: Lockfile): Allowlist {
  const servers = dict<AllowedServer>();
  for (const name of Object.keys(lock.servers).sort()) {
    const locked = lock.servers[name]!;
    const tools = dict<AllowedTool>();
    for (const toolName of Object.keys(locked.tools).sort()) {
      const { hash, definition } = locked.tools[toolName]!;
      const tool: AllowedTool = {
        name: toolName,
        hash,
        // The lockfile schema does not require an input schema: a tool without one takes no arguments.
        inputSchema: isRecord(definition.inputSchema) ? definition.inputSchema : { type: "object" },
      };
      if (isRecord(definition.annotations)) tool.annotations = definition.annotations;
      tools[toolName] = tool;
    }
    servers[name] = { hash: locked.hash, tools };
  }
  return { allowlistVersion: ALLOWLIST_VERSION, servers };
}

/** The allowlist as JSON (2-space indent, trailing newline), checked against its schema. */
export function allowlistJson(lock: Lockfile): string {
  const allowlist = allowlistOf(lock);
  if (!validateAllowlist(allowlist))
    throw new Error(
      `export does not match schema/export.schema.json: ${describeSchemaError(validateAllowlist.errors?.[0])}`,
    );
  return `${JSON.stringify(allowlist, null, 2)}\n`;
}

/** Where the ConfigMap goes. */
export interface ConfigMapOptions {
  /** metadata.name: a DNS subdomain (checked by `configMapNameProblem`). */
  name: string;
  /** metadata.namespace, when given: a DNS label. */
  namespace?: string;
}

/**
 * A Kubernetes v1 ConfigMap (YAML) holding the allowlist JSON under
 * `allowlist.json`. Throws a RangeError when the data is over the 1 MiB a
 * ConfigMap may hold.
 */
export function allowlistConfigMap(lock: Lockfile, options: ConfigMapOptions): string {
  const json = allowlistJson(lock);
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes > CONFIGMAP_MAX_BYTES)
    throw new RangeError(
      `the allowlist is ${bytes} bytes, more than the ${CONFIGMAP_MAX_BYTES} bytes a ConfigMap may hold`,
    );
  const metadata: Record<string, unknown> = { name: options.name };
  if (options.namespace !== undefined) metadata.namespace = options.namespace;
  metadata.labels = { "app.kubernetes.io/managed-by": "mcp-contract" };
  const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata, data: { [CONFIGMAP_KEY]: json } };
  // A block scalar keeps the JSON readable in `kubectl get -o yaml`; no line folding.
  return stringifyYaml(configMap, { lineWidth: 0, blockQuote: "literal" });
}

/** Why `name` cannot be a ConfigMap's metadata.name (a DNS subdomain, RFC 1123), or undefined. */
export function configMapNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 253) return "must be 1 to 253 characters";
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name))
    return "must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";
  return undefined;
}

/** Why `namespace` cannot be a Kubernetes namespace (a DNS label, RFC 1123), or undefined. */
export function namespaceProblem(namespace: string): string | undefined {
  if (namespace.length === 0 || namespace.length > 63) return "must be 1 to 63 characters";
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace))
    return "must be lower-case letters, digits and '-', starting and ending with a letter or digit";
  return undefined;
}
