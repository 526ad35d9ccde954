// `mcp-contract export`: the lockfile as a gateway allowlist, JSON (schema/export.schema.json) or a
// Kubernetes v1 ConfigMap, compared with golden files and checked as what a gateway and the
// Kubernetes API would read.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { validators } from "../../src/core/validator.js";
import * as generated from "../../src/export/validators.generated.js";
import { lockSurface, lockTools } from "../../src/lockfile/build.js";
import { serializeLockfile } from "../../src/lockfile/io.js";
import { expectGolden } from "../golden.js";
import { repoRoot, runCliInProcess } from "../helpers/cli.js";

const demo = join(repoRoot, "examples", "crm-agent");
const { allowlist: validateAllowlist } = validators(generated, "allowlist");

/** A project directory holding a config and `lock` as its lockfile. */
function project(lock: string): string {
  const dir = mkdtempSync(join(tmpdir(), "mcp-contract-export-"));
  writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  crm:\n    file: tools.json\n");
  writeFileSync(join(dir, "mcp-contract.lock.json"), lock);
  return dir;
}

describe("export --format json", () => {
  it("writes the documented allowlist of every locked server and tool (golden)", async () => {
    const result = await runCliInProcess(["export"], { cwd: demo });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expectGolden("export/crm-agent.json", result.stdout);
    const data = JSON.parse(result.stdout) as {
      servers: Record<string, { hash: string; tools: Record<string, Record<string, unknown>> }>;
    };
    expect(validateAllowlist(data), JSON.stringify(validateAllowlist.errors)).toBe(true);
    const lock = JSON.parse(readFileSync(join(demo, "mcp-contract.lock.json"), "utf8")) as {
      servers: Record<
        string,
        { hash: string; tools: Record<string, { hash: string; definition: Record<string, unknown> }> }
      >;
    };
    // Every locked tool, with the lockfile's hashes and the definition's input schema and annotations.
    for (const [server, locked] of Object.entries(lock.servers)) {
      expect(data.servers[server]!.hash).toBe(locked.hash);
      expect(Object.keys(data.servers[server]!.tools)).toEqual(Object.keys(locked.tools).sort());
      for (const [name, tool] of Object.entries(locked.tools)) {
        expect(data.servers[server]!.tools[name]).toEqual({
          name,
          hash: tool.hash,
          inputSchema: tool.definition.inputSchema,
          ...(tool.definition.annotations ? { annotations: tool.definition.annotations } : {}),
        });
      }
    }
  });

  it("--output writes the same bytes to the file and nothing to stdout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-export-out-"));
    const [stdout, file] = await Promise.all([
      runCliInProcess(["export"], { cwd: demo }),
      runCliInProcess(["export", "--output", join(dir, "allowlist.json")], { cwd: demo }),
    ]);
    expect(file).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(readFileSync(join(dir, "allowlist.json"), "utf8")).toBe(stdout.stdout);
  });

  it("a version 2 lockfile with prompts and resource templates exports its tools only, under the server hash that covers them", async () => {
    const lock = lockSurface("crm", {
      tools: [{ name: "ping", inputSchema: { type: "object" } }],
      prompts: [{ name: "summarize", arguments: [{ name: "ticket", required: true }] }],
      resourceTemplates: [{ name: "ticket", uriTemplate: "crm://tickets/{id}" }],
    });
    expect(Object.keys(lock.servers.crm!).sort()).toEqual(["hash", "prompts", "resourceTemplates", "tools"]);
    const result = await runCliInProcess(["export"], { cwd: project(serializeLockfile(lock)) });
    expect([result.code, result.stderr]).toEqual([0, ""]);
    const data = JSON.parse(result.stdout) as { servers: Record<string, Record<string, unknown>> };
    expect(validateAllowlist(data)).toBe(true);
    expect(data.servers.crm).toEqual({
      hash: lock.servers.crm!.hash,
      tools: {
        ping: { name: "ping", hash: lock.servers.crm!.tools.ping!.hash, inputSchema: { type: "object" } },
      },
    });
  });

  it("a tool locked without an input schema is allowed with no arguments", async () => {
    const lock = lockTools("crm", [{ name: "ping" }]);
    const result = await runCliInProcess(["export"], { cwd: project(serializeLockfile(lock)) });
    expect(result.code).toBe(0);
    const data = JSON.parse(result.stdout) as { servers: { crm: { tools: { ping: unknown } } } };
    expect(data.servers.crm.tools.ping).toEqual({
      name: "ping",
      hash: lock.servers.crm!.tools.ping!.hash,
      inputSchema: { type: "object" },
    });
  });
});

describe("export --format configmap", () => {
  it("writes a Kubernetes v1 ConfigMap holding the JSON allowlist (golden)", async () => {
    const [result, json] = await Promise.all([
      runCliInProcess(
        ["export", "--format", "configmap", "--name", "crm-allowlist", "--namespace", "agents"],
        {
          cwd: demo,
        },
      ),
      runCliInProcess(["export"], { cwd: demo }),
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expectGolden("export/crm-agent.configmap.yaml", result.stdout);
    // What the Kubernetes API checks of a ConfigMap: the kind, the metadata, and data of strings only.
    const manifest = parseYaml(result.stdout) as Record<string, unknown>;
    expect(manifest.apiVersion).toBe("v1");
    expect(manifest.kind).toBe("ConfigMap");
    expect(manifest.metadata).toEqual({
      name: "crm-allowlist",
      namespace: "agents",
      labels: { "app.kubernetes.io/managed-by": "mcp-contract" },
    });
    const data = manifest.data as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(["allowlist.json"]);
    for (const [key, value] of Object.entries(data)) {
      expect(key).toMatch(/^[-._a-zA-Z0-9]+$/);
      expect(typeof value).toBe("string");
    }
    // The mounted file is the JSON export, byte for byte.
    expect(data["allowlist.json"]).toBe(json.stdout);
  });

  it("without --name or --namespace: the default name, no namespace", async () => {
    const result = await runCliInProcess(["export", "--format", "configmap"], { cwd: demo });
    expect(result.code).toBe(0);
    const manifest = parseYaml(result.stdout) as { metadata: Record<string, unknown> };
    expect(manifest.metadata.name).toBe("mcp-contract-allowlist");
    expect(Object.hasOwn(manifest.metadata, "namespace")).toBe(false);
  });

  it("an allowlist over the 1 MiB a ConfigMap holds is refused with what to do", async () => {
    const big = { type: "object", properties: { q: { type: "string", description: "x".repeat(1_100_000) } } };
    const dir = project(serializeLockfile(lockTools("crm", [{ name: "search", inputSchema: big }])));
    const result = await runCliInProcess(["export", "--format", "configmap"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `mcp-contract: ${join(dir, "mcp-contract.lock.json")}: the allowlist is 1100534 bytes, more than the 1048576 bytes a ConfigMap may hold; use --format json and mount the file another way\n`,
    );
  });
});

describe("export refuses bad input with one line and exit 2", () => {
  const cases: { name: string; args: string[]; cwd?: string; stderr: string }[] = [
    {
      name: "--name with --format json",
      args: ["export", "--name", "a"],
      stderr: "mcp-contract: --name and --namespace name the ConfigMap: use them with --format configmap\n",
    },
    {
      name: "a name that is not a DNS subdomain",
      args: ["export", "--format", "configmap", "--name", "CRM_allowlist"],
      stderr:
        "mcp-contract: --name \"CRM_allowlist\": a ConfigMap name must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit\n",
    },
    {
      name: "a namespace that is not a DNS label",
      args: ["export", "--format", "configmap", "--namespace", "a.b"],
      stderr:
        "mcp-contract: --namespace \"a.b\": a namespace must be lower-case letters, digits and '-', starting and ending with a letter or digit\n",
    },
    {
      name: "an unknown format",
      args: ["export", "--format", "xml"],
      stderr:
        "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are json, configmap.\n(run mcp-contract export --help for usage)\n",
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const result = await runCliInProcess(c.args, { cwd: demo });
      expect(result).toEqual({ code: 2, stdout: "", stderr: c.stderr });
    });
  }

  it("no lockfile yet", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-export-none-"));
    writeFileSync(join(dir, "mcp-contract.yaml"), "servers:\n  crm:\n    file: tools.json\n");
    const result = await runCliInProcess(["export"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `mcp-contract: ${join(dir, "mcp-contract.lock.json")}: no lockfile yet; run \`mcp-contract lock\` first\n`,
    );
  });

  it("--output creates the missing directories, as check's --output does, and writes the file atomically", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-export-dirs-"));
    const [stdout, exported, checked] = await Promise.all([
      runCliInProcess(["export", "--format", "configmap"], { cwd: demo }),
      runCliInProcess(
        ["export", "--format", "configmap", "--output", join(dir, "k8s", "deep", "allowlist.yaml")],
        {
          cwd: demo,
        },
      ),
      runCliInProcess(
        ["check", "--offline", "--format", "json", "--output", join(dir, "reports", "check.json")],
        {
          cwd: demo,
        },
      ),
    ]);
    expect(exported).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(readFileSync(join(dir, "k8s", "deep", "allowlist.yaml"), "utf8")).toBe(stdout.stdout);
    expect(checked.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "reports", "check.json"), "utf8"))).toHaveProperty("changes");
    // Renamed into place: no temp file is left beside either.
    expect(readdirSync(join(dir, "k8s", "deep"))).toEqual(["allowlist.yaml"]);
    expect(readdirSync(join(dir, "reports"))).toEqual(["check.json"]);
  });

  it("an --output that cannot be written is exit 2 with the line check gives, and leaves the old file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-contract-export-bad-"));
    writeFileSync(join(dir, "a-file"), "not a directory");
    const through = join(dir, "a-file", "a.json");
    const [exported, checked] = await Promise.all([
      runCliInProcess(["export", "--output", through], { cwd: demo }),
      runCliInProcess(["check", "--offline", "--format", "json", "--output", through], { cwd: demo }),
    ]);
    expect(exported.code).toBe(2);
    expect(exported.stderr).toBe(
      `mcp-contract: --output ${through}: cannot write the json export (EEXIST: part of its path is a file, not a directory)\n`,
    );
    expect(checked.code).toBe(2);
    expect(checked.stderr).toBe(
      `mcp-contract: --output ${through}: cannot write the json report (EEXIST: part of its path is a file, not a directory)\n`,
    );
    expect(readFileSync(join(dir, "a-file"), "utf8")).toBe("not a directory");
    // A directory where the file should be is refused before anything is read.
    mkdirSync(join(dir, "taken.json"));
    const onDir = await runCliInProcess(["export", "--output", join(dir, "taken.json")], { cwd: demo });
    expect(onDir.code).toBe(2);
    expect(onDir.stderr).toBe(
      `error: option '-o, --output <file>' argument '${join(dir, "taken.json")}' is invalid. it is a directory; name a file to write the export to\n(run mcp-contract export --help for usage)\n`,
    );
    expect(readdirSync(dir).sort()).toEqual(["a-file", "taken.json"]);
  });
});
