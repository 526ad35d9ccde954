/**
 * The html report in a real browser: headless Chromium (Debian's `chromium`, driven by
 * playwright-core, which downloads no browser of its own) opens the demo's report and the test
 * reads the rendered page: every finding's text, no console error, no request beyond the file,
 * the severity filter, the page without JavaScript, and a hostile tool name staying text. The
 * screenshot is kept in test-output/browser/ (README's picture is one of these).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createReport } from "../../src/core/report.js";
import { formatReport } from "../../src/report/index.js";
import { repoRoot, runCliInProcess } from "../helpers/cli.js";

const demo = join(repoRoot, "examples", "crm-agent");
const outputDir = join(repoRoot, "test-output", "browser");

/** CHROMIUM_PATH, else the first `chromium`/`chromium-browser`/`google-chrome` on PATH: none is a failure. */
function findChromium(): string {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH=${given} does not exist`);
    return given;
  }
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
      const candidate = join(dir, name);
      if (dir !== "" && existsSync(candidate)) return candidate;
    }
  }
  throw new Error(
    "no Chromium found: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH; the browser test never skips",
  );
}

// The flags a closed network needs (no background connections, no update checks) and a root user (no sandbox).
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let browser: Browser;
let reportFile: string;
let expected: { message: string; severity: string }[];

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: findChromium(), args: FLAGS, headless: true });
  const dir = await mkdtemp(join(tmpdir(), "mcp-contract-html-"));
  reportFile = join(dir, "report.html");
  const html = await runCliInProcess(["check", "--format", "html", "--output", reportFile], { cwd: demo });
  expect(html.code).toBe(1);
  const json = await runCliInProcess(["check", "--format", "json"], { cwd: demo });
  expected = JSON.parse(json.stdout).changes;
  expect(expected.length).toBeGreaterThan(0);
});

afterAll(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  consoleErrors: string[];
  requests: string[];
}

async function open(file: string, javaScriptEnabled = true): Promise<Opened> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  page.on("request", (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(file).href);
  return { page, consoleErrors, requests };
}

const visibleFindings = (page: Page) =>
  page
    .locator("li.finding:visible")
    .evaluateAll((items) => items.map((li) => li.getAttribute("data-severity")));

describe("the demo's html report in headless Chromium", () => {
  test("shows every finding, loads nothing but itself, logs no error; screenshot kept", async () => {
    const { page, consoleErrors, requests } = await open(reportFile);
    const findings = await page.locator("li.finding").allInnerTexts();
    const text = findings.join("\n").replace(/\s+/g, " ");
    for (const change of expected) expect(text).toContain(change.message.replace(/\s+/g, " "));
    // One list item per finding: template findings in the template excerpt, the rest beside the tool's lines.
    expect(findings).toHaveLength(expected.length);
    const summary = await page.locator("#summary").innerText();
    // The same paragraph the text report opens with.
    const textReport = await runCliInProcess(["check"], { cwd: demo });
    expect(summary).toBe(textReport.stdout.split("\n")[0]);
    expect(summary).toMatch(/^1 of 1 server changed \(crm\); 1 tool broken \(crm\/create_ticket\)/);
    expect(await page.locator("#counts").innerText()).toBe("4 breaking, 4 warning, 0 info");
    expect(await page.locator("table.sbs tr.hit").count()).toBeGreaterThan(0);
    expect(await page.locator("table.excerpt tr.hit").count()).toBeGreaterThan(0);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(reportFile).href]);
    mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: join(outputDir, "html-report.png"), fullPage: false });
    expect(readFileSync(join(outputDir, "html-report.png")).subarray(1, 4).toString()).toBe("PNG");
  });

  test("the severity filter hides what is unchecked, and shows it again", async () => {
    const { page, consoleErrors } = await open(reportFile);
    await expect(page.locator("#filters").isVisible()).resolves.toBe(true);
    const all = await visibleFindings(page);
    expect(all).toHaveLength(expected.length);
    await page.locator('#filters input[value="warning"]').uncheck();
    const breakingOnly = await visibleFindings(page);
    expect(breakingOnly).toEqual(expected.filter((c) => c.severity === "breaking").map(() => "breaking"));
    await page.locator('#filters input[value="breaking"]').uncheck();
    expect(await visibleFindings(page)).toEqual([]);
    // A tool with nothing left to show is hidden as a whole.
    expect(await page.locator("article.tool:visible").count()).toBe(0);
    await page.locator('#filters input[value="warning"]').check();
    await page.locator('#filters input[value="breaking"]').check();
    expect(await visibleFindings(page)).toHaveLength(expected.length);
    expect(consoleErrors).toEqual([]);
  });

  test("without JavaScript everything is readable and there is no filter", async () => {
    const { page } = await open(reportFile, false);
    expect(await page.locator("#filters").isVisible()).toBe(false);
    expect(await visibleFindings(page)).toHaveLength(expected.length);
    expect(await page.locator("#summary").isVisible()).toBe(true);
  });

  test("a hostile tool name and message stay text: nothing runs, nothing loads", async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const report = createReport({
      servers: ["evil"],
      changes: [
        {
          rule: "tool-removed",
          severity: "breaking",
          server: "evil",
          tool: hostile,
          pointer: "",
          message: `Tool ${hostile} was removed.`,
          fingerprint: "f",
          acknowledged: false,
          fails: true,
        },
      ],
    });
    const dir = await mkdtemp(join(tmpdir(), "mcp-contract-html-hostile-"));
    const file = join(dir, "hostile.html");
    await writeFile(
      file,
      formatReport(report, "html", { definitions: { before: () => ({ name: hostile }) } }),
    );
    const { page, consoleErrors, requests } = await open(file);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.locator("li.finding").innerText()).toContain(`Tool ${hostile} was removed.`);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(consoleErrors).toEqual([]);
  });
});
