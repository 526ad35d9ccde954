// The library's surface: every name src/index.ts exports carries a doc comment where it is
// declared (what an editor shows a library user), and the pipeline, policy and reporters are there.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import ts from "typescript";
import { expect, it } from "vitest";
import * as library from "../../src/index.js";
import { repoRoot } from "../helpers/cli.js";

const ENTRIES = [join(repoRoot, "src", "index.ts"), join(repoRoot, "src", "guard", "index.ts")];
let program: ts.Program | undefined;

const SRC_ONLY: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  noEmit: true,
  noLib: true,
  types: [],
};

/** A compiler host that resolves relative imports only (the modules of src/), about a quarter of the files. */
function srcOnlyHost(): ts.CompilerHost {
  const host = ts.createCompilerHost(SRC_ONLY);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, options, sourceFile) =>
    literals.map((literal) =>
      literal.text.startsWith(".")
        ? ts.resolveModuleName(
            literal.text,
            containingFile,
            options,
            host,
            undefined,
            redirected,
            ts.getModeForUsageLocation(sourceFile, literal, options),
          )
        : { resolvedModule: undefined },
    );
  return host;
}

/** Exported names of an entry point (src/index.ts by default) whose declarations have no doc comment. */
function undocumentedExports(...path: string[]): { names: string[]; missing: string[] } {
  const entry = join(repoRoot, "src", ...(path.length === 0 ? ["index.ts"] : path));
  // One program for both entry points: building it (every module of src/) is what costs. Only
  // src/ itself is read: no default library, no @types, and imports of packages (node:fs, the
  // SDK, ajv, ...) left unresolved. A name re-exported from a package would then have no
  // declaration, so no doc comment: it fails here as an undocumented one does.
  program ??= ts.createProgram(ENTRIES, SRC_ONLY, srcOnlyHost());
  expect(ENTRIES).toContain(entry);
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const names: string[] = [];
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(module)) {
    names.push(exported.name);
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const documented = (symbol.declarations ?? []).some((declaration) => {
      // A `const` is documented on its statement, two levels up.
      const node = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
      return ts.getJSDocCommentsAndTags(node).length > 0;
    });
    if (!documented) missing.push(exported.name);
  }
  return { names, missing: missing.sort() };
}

it("every exported name has a doc comment", () => {
  const { names, missing } = undocumentedExports();
  expect(names.length).toBeGreaterThan(100);
  expect(missing).toEqual([]);
});

it("mcp-contract/guard: every exported name has a doc comment, and the package exports it", async () => {
  const { names, missing } = undocumentedExports("guard", "index.ts");
  expect(names).toEqual(expect.arrayContaining(["guardClient", "ContractViolationError", "GuardOptions"]));
  expect(missing).toEqual([]);
  // What a user's `import "mcp-contract/guard"` resolves (package.json exports, the build).
  const child = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      'const g = await import("mcp-contract/guard"); console.log(Object.keys(g).sort().join(" "))',
    ],
    { cwd: repoRoot, encoding: "utf8" },
  );
  expect(child.stderr).toBe("");
  expect(child.stdout).toBe(
    "ConfigError ContractViolationError LockfileError compileToolContract guardClient\n",
  );
});

it("exports the pipeline, the policy and the reporters", () => {
  for (const name of [
    "checkProject",
    "lockProject",
    "diffFiles",
    "decide",
    "applyPolicy",
    "getExitCode",
    "formatReport",
    "createReport",
    "mergeReports",
    "readAcknowledgements",
  ])
    expect(typeof (library as Record<string, unknown>)[name], name).toBe("function");
});
