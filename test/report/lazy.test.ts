import { describe, expect, test } from "vitest";
import { FORMATS, formatReport, lockfileLocator } from "../../src/report/index.js";
import { loadReporter } from "../../src/report/lazy.js";
import { resolveOptions } from "../../src/report/options.js";
import { SAMPLE_LOCKFILE, sampleReport } from "./sample.js";

// The CLI formats through loadReporter (one import per format); the library through formatReport
// (all reporters loaded). Both must print the same bytes for every format.
describe("loadReporter gives what formatReport gives", () => {
  const options = {
    lockfile: "mcp-contract.lock.json",
    locate: lockfileLocator(SAMPLE_LOCKFILE),
    toolVersion: "1.2.3",
  };
  for (const format of FORMATS) {
    test(format, async () => {
      const reporter = await loadReporter(format);
      expect(reporter(sampleReport(), resolveOptions(options))).toBe(
        formatReport(sampleReport(), format, options),
      );
    });
  }

  test("coloured text", async () => {
    const reporter = await loadReporter("text", true);
    const coloured = reporter(sampleReport(), resolveOptions({ ...options, color: true }));
    expect(coloured).toContain("\u001b[31m");
    expect(coloured).toBe(formatReport(sampleReport(), "text", { ...options, color: true }));
  });

  test("plain text has no escape codes", async () => {
    const reporter = await loadReporter("text", false);
    expect(reporter(sampleReport(), resolveOptions(options))).not.toContain("\u001b[");
  });
});
