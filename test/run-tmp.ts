import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The directory every temporary file of this test run goes in (the workers' TMPDIR, so every
 * `mkdtemp(tmpdir())` of a test and of the processes it starts), with the CLI's result cache: made
 * by test/global-setup.ts and removed, whatever the tests left, when the run ends. Named after the
 * process that reads the config and runs the global setup, so both compute the same path.
 */
export const RUN_TMP = join(tmpdir(), `mcp-contract-test-${process.pid}`);
