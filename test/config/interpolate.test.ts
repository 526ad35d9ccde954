import { describe, expect, it } from "vitest";
import { inputVariable, interpolate, variablesIn } from "../../src/config/interpolate.js";

const run = (value: string, env: Record<string, string>) => {
  const secrets: string[] = [];
  return { value: interpolate(value, env, "c.yaml: $.x", secrets), secrets };
};

describe("interpolate", () => {
  it("reads ${VAR} and ${env:VAR} and records the values as secrets", () => {
    expect(run("a ${A} b ${env:B}", { A: "one", B: "two" })).toEqual({
      value: "a one b two",
      secrets: ["one", "two"],
    });
  });

  it("${VAR:-default} takes the default when VAR is unset or empty, and does not record it", () => {
    expect(run("${URL:-http://localhost:9000}/sse", {})).toEqual({
      value: "http://localhost:9000/sse",
      secrets: [],
    });
    expect(run("${URL:-http://localhost:9000}/sse", { URL: "" }).value).toBe("http://localhost:9000/sse");
    expect(run("${URL:-http://localhost:9000}/sse", { URL: "https://x" })).toEqual({
      value: "https://x/sse",
      secrets: ["https://x"],
    });
    expect(run("${EMPTY:-}", {}).value).toBe("");
  });

  it("reads VS Code's ${input:id} from the variable named after it, and names the input when unset", () => {
    expect(run("Bearer ${input:github-token}", { GITHUB_TOKEN: "ghp_1" }).value).toBe("Bearer ghp_1");
    expect(() => run("Bearer ${input:github-token}", {})).toThrow(
      'c.yaml: $.x: VS Code input "github-token" has no value outside VS Code; export GITHUB_TOKEN (mcp-contract reads ${input:github-token} from it)',
    );
  });

  it("names a missing variable", () => {
    expect(() => run("${NOPE}", {})).toThrow(
      "c.yaml: $.x: environment variable NOPE is not set; export it or remove ${NOPE}",
    );
  });

  it("inputVariable and variablesIn", () => {
    expect(inputVariable("github-token")).toBe("GITHUB_TOKEN");
    expect(inputVariable("1st.key")).toBe("_1ST_KEY");
    expect(variablesIn("${A} ${env:B} ${C:-x} ${input:d-e} $F ${workspaceFolder:x}")).toEqual([
      "A",
      "B",
      "C",
      "D_E",
    ]);
  });
});
