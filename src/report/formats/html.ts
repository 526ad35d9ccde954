/**
 * `--format html`: one self-contained page for the artifact a reviewer opens.
 * The summary, a table of servers and tools with their worst severity, each
 * changed tool's old and new definitions side by side with the changed lines
 * marked and every finding beside the line it concerns, and the templates'
 * affected lines. No network (a Content-Security-Policy forbids it), no
 * external script or font; readable without JavaScript, and with it the
 * findings filter by severity. Every name and message is data from servers,
 * configs and templates: all of it is escaped.
 */
import { diffArrays } from "diff";
import { kindRank, SEVERITIES, type Severity } from "../../core/change.js";
import type { SurfaceKind } from "../../core/lockfile.js";
import { type Report, type ReportedChange, unjudgedLine } from "../../core/report.js";
import { type ResolvedReporterOptions, ruleDocsUrl } from "../options.js";
import { digestReport, groupByServerAndTool, subjectKey, summaryParagraph } from "../order.js";
import { lineOfPointer, type PrintedJson, printJson } from "./html-json.js";
import { formatLocation, plural, preview, subjectOf } from "./shared.js";

const RANK: Record<Severity, number> = { breaking: 0, warning: 1, info: 2 };
/** Unchanged runs longer than this are folded, keeping CONTEXT lines next to each change. */
const FOLD = 8;
const CONTEXT = 3;
/** Lines shown above and below a template finding. */
const TEMPLATE_CONTEXT = 2;

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

const worst = (changes: readonly ReportedChange[]): Severity | undefined => {
  let best: Severity | undefined;
  for (const change of changes) {
    if (change.acknowledged) continue;
    if (best === undefined || RANK[change.severity] < RANK[best]) best = change.severity;
  }
  return best;
};

export function formatHtml(report: Report, options: ResolvedReporterOptions): string {
  const body: string[] = [];
  body.push(`<header><h1>mcp-contract report</h1>`);
  body.push(`<p class="summary" id="summary">${escapeHtml(summaryParagraph(digestReport(report)))}</p>`);
  body.push(`<p class="counts" id="counts">${escapeHtml(countsLine(report))}</p>`);
  body.push(filterForm(report));
  body.push(`</header><main>`);
  body.push(overviewTable(report, options));
  if (report.errors && report.errors.length > 0) {
    body.push(`<section id="errors"><h2>Servers that could not be fetched</h2><ul>`);
    for (const error of report.errors) {
      body.push(
        `<li class="error"><span class="sev sev-breaking">error</span> server <code>${escapeHtml(error.server)}</code>: ${escapeHtml(error.message)}</li>`,
      );
    }
    body.push(`</ul></section>`);
  }
  body.push(templatesSection(report, options));
  body.push(toolsSection(report, options));
  body.push(`</main>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>mcp-contract report</title>
<style>${STYLE}</style>
</head>
<body>
${body.filter((part) => part !== "").join("\n")}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** The counts, as the text report's last line gives them. */
function countsLine(report: Report): string {
  const s = report.summary;
  const acknowledged = s.acknowledged > 0 ? `, ${s.acknowledged} acknowledged` : "";
  const unjudged = unjudgedLine(s);
  return `${s.breaking} breaking, ${s.warning} warning, ${s.info} info${acknowledged}${unjudged ? `; ${unjudged}` : ""}`;
}

function filterForm(report: Report): string {
  if (report.changes.length === 0) return "";
  const boxes = SEVERITIES.map(
    (s) =>
      `<label><input type="checkbox" name="severity" value="${s}" checked> <span class="sev sev-${s}">${s}</span> (${report.changes.filter((c) => c.severity === s).length})</label>`,
  ).join(" ");
  // Hidden until the script runs: without JavaScript there is nothing to filter with, and everything shows.
  return `<form id="filters" hidden><span>Show:</span> ${boxes}</form>`;
}

/** Anchors are numbered, never built from names: a name is data and may hold anything. */
function toolAnchors(report: Report): Map<string, string> {
  const anchors = new Map<string, string>();
  let n = 0;
  for (const change of report.changes) {
    const subject = subjectKey(change);
    if (subject === "") continue;
    const key = `${change.server}\0${subject}`;
    if (!anchors.has(key)) anchors.set(key, `tool-${++n}`);
  }
  return anchors;
}

function overviewTable(report: Report, options: ResolvedReporterOptions): string {
  const byServer = new Map<string, Map<string, ReportedChange[]>>();
  for (const server of report.servers) byServer.set(server, new Map());
  const checked = options.checked?.tools;
  if (checked) {
    for (const [server, tools] of checked) {
      const entry = byServer.get(server) ?? new Map<string, ReportedChange[]>();
      for (const tool of tools) {
        const key = subjectKey({ tool });
        if (!entry.has(key)) entry.set(key, []);
      }
      byServer.set(server, entry);
    }
  }
  for (const change of report.changes) {
    if (change.server === "") continue;
    const entry = byServer.get(change.server) ?? new Map<string, ReportedChange[]>();
    byServer.set(change.server, entry);
    const key = subjectKey(change);
    const list = entry.get(key);
    if (list) list.push(change);
    else entry.set(key, [change]);
  }
  const anchors = toolAnchors(report);
  const rows: string[] = [];
  const failed = new Set((report.errors ?? []).map((e) => e.server));
  for (const [server, tools] of [...byServer].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const all = [...tools.values()].flat();
    const serverWorst = failed.has(server) ? "breaking" : worst(all);
    rows.push(
      `<tr class="server"><th scope="row" colspan="2"><code>${escapeHtml(server)}</code></th><td>${badge(serverWorst, failed.has(server) ? "not fetched" : undefined)}</td><td>${all.length}</td></tr>`,
    );
    for (const [key, changes] of [...tools].sort(([a], [b]) => bySubject(a, b))) {
      if (key === "" && changes.length === 0) continue;
      const anchor = anchors.get(`${server}\0${key}`);
      const name = key === "" ? "(the server itself)" : subjectHtml(key);
      const link = anchor ? `<a href="#${anchor}">${name}</a>` : name;
      rows.push(
        `<tr class="tool" data-worst="${worst(changes) ?? "none"}"><td></td><td>${link}</td><td>${badge(worst(changes))}</td><td>${changes.length}</td></tr>`,
      );
    }
  }
  if (rows.length === 0) return "";
  return `<section id="overview"><h2>Servers and tools</h2><table class="overview"><thead><tr><th scope="col" colspan="2">Server / tool</th><th scope="col">Worst</th><th scope="col">Findings</th></tr></thead><tbody>${rows.join("")}</tbody></table></section>`;
}

/** Subject keys in report order: the server itself, tools, then each kind of the rest (`subjectKey`), by name. */
function bySubject(a: string, b: string): number {
  const rank = (key: string) =>
    key === "" ? 0 : key.startsWith("tool\u0000") ? 1 : 2 + kindRank(kindOf(key));
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function kindOf(key: string): SurfaceKind {
  return key.slice(0, key.indexOf("\u0000")) as SurfaceKind;
}

/** A subject key as the overview shows it: a tool's bare name, else its kind and item (`subjectOf`). */
function subjectHtml(key: string): string {
  const at = key.indexOf("\u0000");
  const item = key.slice(at + 1);
  if (key.startsWith("tool\u0000")) return `<code>${escapeHtml(item)}</code>`;
  const kind = kindOf(key);
  const label = subjectOf({ kind, ...(item !== "" && { item }) });
  return item === "" || kind === "instructions" || kind === "capabilities"
    ? escapeHtml(label)
    : `${escapeHtml(label.slice(0, label.length - item.length))}<code>${escapeHtml(item)}</code>`;
}

function badge(severity: Severity | undefined, label?: string): string {
  if (severity === undefined) return `<span class="sev sev-none">${label ?? "unchanged"}</span>`;
  return `<span class="sev sev-${severity}">${label ?? severity}</span>`;
}

function findingItem(change: ReportedChange, options: ResolvedReporterOptions, withPlace = false): string {
  const parts: string[] = [];
  parts.push(`<span class="sev sev-${change.severity}">${change.severity}</span>`);
  const where = withPlace ? formatLocation(change) : undefined;
  if (where) parts.push(`<code class="where">${escapeHtml(where)}</code>`);
  parts.push(`<span class="message">${escapeHtml(change.message)}</span>`);
  if (change.hint) parts.push(`<span class="hint">(${escapeHtml(change.hint)})</span>`);
  parts.push(
    `<a class="rule" href="${escapeHtml(ruleDocsUrl(change.rule, options))}">${escapeHtml(change.rule)}</a>`,
  );
  const details: string[] = [];
  if (change.unjudged)
    details.push(`<div class="detail">could not be judged: check this change by hand</div>`);
  if (change.witness !== undefined)
    details.push(
      `<div class="detail">now rejected: <code>${escapeHtml(preview(change.witness, 400))}</code></div>`,
    );
  if (change.before !== undefined && change.after !== undefined)
    details.push(
      `<div class="detail">before <code>${escapeHtml(preview(change.before, 400))}</code>, after <code>${escapeHtml(preview(change.after, 400))}</code></div>`,
    );
  if (change.acknowledgement) {
    const ack = change.acknowledgement;
    details.push(
      `<div class="detail ack">${ack.expired ? "acknowledgement expired" : "acknowledged"}: ${escapeHtml(ack.reason)} (${escapeHtml(ack.acceptedBy)}${ack.expires ? `, until ${escapeHtml(ack.expires)}` : ""})</div>`,
    );
  }
  const classes = ["finding", change.acknowledged ? "acknowledged" : "", change.fails ? "fails" : ""]
    .filter(Boolean)
    .join(" ");
  return `<li class="${classes}" data-severity="${change.severity}">${parts.join(" ")}${details.join("")}</li>`;
}

function templatesSection(report: Report, options: ResolvedReporterOptions): string {
  const byFile = new Map<string, ReportedChange[]>();
  for (const change of report.changes) {
    if (!change.location) continue;
    const list = byFile.get(change.location.file);
    if (list) list.push(change);
    else byFile.set(change.location.file, [change]);
  }
  if (byFile.size === 0) return "";
  const out: string[] = [`<section id="templates"><h2>Templates</h2>`];
  for (const [file, changes] of byFile) {
    out.push(
      `<article class="template" data-worst="${worst(changes) ?? "none"}"><h3><code>${escapeHtml(file)}</code></h3>`,
    );
    const source = options.templateSources?.get(file);
    if (source === undefined) {
      out.push(`<ul class="findings">${changes.map((c) => findingItem(c, options, true)).join("")}</ul>`);
    } else {
      out.push(templateExcerpt(source, changes, options));
    }
    out.push(`</article>`);
  }
  out.push(`</section>`);
  return out.join("");
}

/** The template's lines around each finding, the finding's line marked and the finding beside it. */
function templateExcerpt(
  source: string,
  changes: readonly ReportedChange[],
  options: ResolvedReporterOptions,
): string {
  const lines = source.split(/\r?\n/);
  const notes = new Map<number, ReportedChange[]>();
  for (const change of changes) {
    const line = Math.min(Math.max(change.location!.line, 1), Math.max(lines.length, 1));
    const list = notes.get(line);
    if (list) list.push(change);
    else notes.set(line, [change]);
  }
  const shown = new Set<number>();
  for (const line of notes.keys()) {
    for (let i = line - TEMPLATE_CONTEXT; i <= line + TEMPLATE_CONTEXT; i++)
      if (i >= 1 && i <= lines.length) shown.add(i);
  }
  const rows: string[] = [];
  let previous = 0;
  for (const n of [...shown].sort((a, b) => a - b)) {
    if (previous !== 0 && n > previous + 1) rows.push(`<tr class="fold"><td colspan="3">…</td></tr>`);
    previous = n;
    const here = notes.get(n);
    const cls = here ? ` class="hit" data-worst="${worst(here) ?? "none"}"` : "";
    const note = here
      ? `<ul class="findings">${here.map((c) => findingItem(c, options, true)).join("")}</ul>`
      : "";
    rows.push(
      `<tr${cls}><td class="ln">${n}</td><td class="code"><pre>${escapeHtml(lines[n - 1] ?? "")}</pre></td><td class="notes">${note}</td></tr>`,
    );
  }
  return `<table class="excerpt"><tbody>${rows.join("")}</tbody></table>`;
}

interface SideRow {
  oldNo?: number;
  oldText?: string;
  newNo?: number;
  newText?: string;
  kind: "same" | "del" | "ins" | "mod";
}

/** Aligns two printed definitions line by line: removed and added runs side by side as modified lines. */
function alignRows(before: readonly string[], after: readonly string[]): SideRow[] {
  const rows: SideRow[] = [];
  let o = 0;
  let n = 0;
  const parts = diffArrays(before as string[], after as string[]);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part.added && !part.removed) {
      for (const line of part.value)
        rows.push({ oldNo: ++o, oldText: line, newNo: ++n, newText: line, kind: "same" });
      continue;
    }
    if (part.removed) {
      const next = parts[i + 1];
      const added = next?.added ? next.value : [];
      if (next?.added) i++;
      const count = Math.max(part.value.length, added.length);
      for (let k = 0; k < count; k++) {
        const row: SideRow = {
          kind: k < part.value.length && k < added.length ? "mod" : k < part.value.length ? "del" : "ins",
        };
        if (k < part.value.length) {
          row.oldNo = ++o;
          row.oldText = part.value[k];
        }
        if (k < added.length) {
          row.newNo = ++n;
          row.newText = added[k];
        }
        rows.push(row);
      }
      continue;
    }
    for (const line of part.value) rows.push({ newNo: ++n, newText: line, kind: "ins" });
  }
  return rows;
}

function toolsSection(report: Report, options: ResolvedReporterOptions): string {
  const anchors = toolAnchors(report);
  const out: string[] = [];
  const surface: string[] = [];
  const serverLevel: ReportedChange[] = [];
  for (const [server, tools] of groupByServerAndTool(report.changes)) {
    for (const [key, all] of tools) {
      const changes = all.filter((c) => !c.location);
      if (changes.length === 0) continue;
      if (key === "") {
        serverLevel.push(...changes);
        continue;
      }
      const anchor = anchors.get(`${server}\0${key}`)!;
      const tool = changes[0]!.tool;
      if (tool === undefined) surface.push(surfaceArticle(server, key, changes, anchor, options));
      else out.push(toolArticle(server, tool, changes, anchor, options));
    }
  }
  const parts: string[] = [];
  if (serverLevel.length > 0) {
    parts.push(`<section id="servers"><h2>Server findings</h2>`);
    for (const [server, tools] of groupByServerAndTool(serverLevel)) {
      const changes = tools.get("") ?? [];
      parts.push(
        `<article class="server-findings" data-worst="${worst(changes) ?? "none"}"><h3>server <code>${escapeHtml(server === "" ? "(none)" : server)}</code></h3><ul class="findings">${changes.map((c) => findingItem(c, options)).join("")}</ul></article>`,
      );
    }
    parts.push(`</section>`);
  }
  if (out.length > 0) parts.push(`<section id="tools"><h2>Changed tools</h2>${out.join("")}</section>`);
  if (surface.length > 0)
    parts.push(
      `<section id="surface"><h2>Changed prompts, resources, instructions and capabilities</h2>${surface.join("")}</section>`,
    );
  return parts.join("");
}

/** A prompt, resource template, resource, the instructions or the capabilities: its findings, under its kind and name. */
function surfaceArticle(
  server: string,
  key: string,
  changes: readonly ReportedChange[],
  anchor: string,
  options: ResolvedReporterOptions,
): string {
  return `<article class="tool" id="${anchor}" data-worst="${worst(changes) ?? "none"}"><h3>server <code>${escapeHtml(server)}</code> · ${subjectHtml(key)}</h3><ul class="findings">${changes.map((c) => findingItem(c, options)).join("")}</ul></article>`;
}

function toolArticle(
  server: string,
  tool: string,
  changes: readonly ReportedChange[],
  anchor: string,
  options: ResolvedReporterOptions,
): string {
  const before = options.definitions?.before?.(server, tool);
  const after = options.definitions?.after?.(server, tool);
  const head = `<article class="tool" id="${anchor}" data-worst="${worst(changes) ?? "none"}"><h3>server <code>${escapeHtml(server)}</code> · tool <code>${escapeHtml(tool)}</code></h3>`;
  if (before === undefined && after === undefined) {
    return `${head}<ul class="findings">${changes.map((c) => findingItem(c, options)).join("")}</ul></article>`;
  }
  const old: PrintedJson = before === undefined ? { lines: [], lineOf: new Map() } : printJson(before);
  const now: PrintedJson = after === undefined ? { lines: [], lineOf: new Map() } : printJson(after);
  const rows = alignRows(old.lines, now.lines);
  // Each finding sits beside the line of its pointer: in the new definition when it is there, else the old.
  const rowOfNew = new Map<number, number>();
  const rowOfOld = new Map<number, number>();
  rows.forEach((row, i) => {
    if (row.newNo !== undefined) rowOfNew.set(row.newNo - 1, i);
    if (row.oldNo !== undefined) rowOfOld.set(row.oldNo - 1, i);
  });
  const notes = new Map<number, ReportedChange[]>();
  for (const change of changes) {
    const inNew = after === undefined ? undefined : lineOfPointer(now, change.pointer);
    const inOld = before === undefined ? undefined : lineOfPointer(old, change.pointer);
    // The deepest match wins: a removed property's pointer is found in the old definition, not at the new root.
    const newDepth = inNew === undefined ? -1 : depthOf(now, inNew);
    const oldDepth = inOld === undefined ? -1 : depthOf(old, inOld);
    const row =
      inNew !== undefined && newDepth >= oldDepth
        ? rowOfNew.get(inNew)
        : inOld !== undefined
          ? rowOfOld.get(inOld)
          : 0;
    const at = row ?? 0;
    const list = notes.get(at);
    if (list) list.push(change);
    else notes.set(at, [change]);
  }
  const keep = new Set<number>();
  rows.forEach((row, i) => {
    if (row.kind !== "same" || notes.has(i)) {
      for (let k = i - CONTEXT; k <= i + CONTEXT; k++) if (k >= 0 && k < rows.length) keep.add(k);
    }
  });
  const html: string[] = [];
  let folded = 0;
  const flush = () => {
    if (folded > 0)
      html.push(`<tr class="fold"><td colspan="5">… ${plural(folded, "unchanged line")}</td></tr>`);
    folded = 0;
  };
  const unchangedRun = rows.length > FOLD;
  rows.forEach((row, i) => {
    if (unchangedRun && !keep.has(i)) {
      folded++;
      return;
    }
    flush();
    const here = notes.get(i);
    const note = here ? `<ul class="findings">${here.map((c) => findingItem(c, options)).join("")}</ul>` : "";
    html.push(
      `<tr class="${row.kind}${here ? " hit" : ""}"><td class="ln">${row.oldNo ?? ""}</td><td class="code old"><pre>${escapeHtml(row.oldText ?? "")}</pre></td><td class="ln">${row.newNo ?? ""}</td><td class="code new"><pre>${escapeHtml(row.newText ?? "")}</pre></td><td class="notes">${note}</td></tr>`,
    );
  });
  flush();
  const oldLabel = before === undefined ? "not locked" : "locked (before)";
  const newLabel = after === undefined ? "removed" : "now (after)";
  return `${head}<table class="sbs"><thead><tr><th colspan="2" scope="col">${oldLabel}</th><th colspan="2" scope="col">${newLabel}</th><th scope="col">findings</th></tr></thead><tbody>${html.join("")}</tbody></table></article>`;
}

/** How deep the pointer recorded at `line` is (its count of segments); used to pick the closer side. */
function depthOf(printed: PrintedJson, line: number): number {
  let depth = -1;
  for (const [pointer, at] of printed.lineOf) {
    if (at !== line) continue;
    const d = pointer === "" ? 0 : pointer.split("/").length - 1;
    if (d > depth) depth = d;
  }
  return depth;
}

const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--del:#ffebe9;--ins:#dafbe1;--mod:#fff8c5;--b:#cf222e;--w:#9a6700;--i:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--del:#3c1618;--ins:#12261e;--mod:#2e2a13;--b:#ff7b72;--w:#d29922;--i:#58a6ff}}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;padding:1rem 2rem;background:var(--bg);color:var(--fg)}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:2rem}h3{font-size:1rem}
code,pre{font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}pre{margin:0;white-space:pre-wrap;word-break:break-all}
.summary{max-width:70rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid var(--line);padding:.15rem .4rem;vertical-align:top;text-align:left}
table.overview{width:auto;min-width:30rem}tr.server th{background:color-mix(in srgb,var(--line) 35%,transparent)}
.sev{display:inline-block;border-radius:1rem;padding:0 .5rem;font-size:12px;font-weight:600;border:1px solid currentColor}
.sev-breaking{color:var(--b)}.sev-warning{color:var(--w)}.sev-info{color:var(--i)}.sev-none{color:var(--muted)}
td.ln{color:var(--muted);text-align:right;width:1%;white-space:nowrap;user-select:none}td.code{width:33%}td.notes{width:32%}table.excerpt td.code{width:60%}
tr.del td.old,tr.mod td.old{background:var(--del)}tr.ins td.new,tr.mod td.new{background:var(--ins)}tr.hit td.notes{background:color-mix(in srgb,var(--mod) 60%,transparent)}
tr.fold td{color:var(--muted);text-align:center;font-style:italic}
ul.findings{list-style:none;margin:0;padding:0}li.finding{margin:.15rem 0}li.finding.acknowledged{opacity:.65}
.hint,.detail{color:var(--muted)}.detail{font-size:12px}.rule{font-size:12px;margin-left:.3rem}
article{margin:1rem 0}#filters{margin:.5rem 0}#filters label{margin-right:.8rem}
[hidden]{display:none!important}
`;

// Filters by severity: hides findings of unchecked severities, then any table row, tool or template left without one.
const SCRIPT = `
(function(){
  var form=document.getElementById("filters");
  if(!form)return;
  form.hidden=false;
  function apply(){
    var on={};
    form.querySelectorAll("input[name=severity]").forEach(function(b){on[b.value]=b.checked;});
    document.querySelectorAll("li.finding").forEach(function(li){li.hidden=!on[li.getAttribute("data-severity")];});
    document.querySelectorAll("article.tool,article.template,article.server-findings").forEach(function(a){
      a.hidden=a.querySelector("li.finding:not([hidden])")===null;
    });
    document.querySelectorAll("tr.tool").forEach(function(tr){
      var w=tr.getAttribute("data-worst");tr.hidden=w!=="none"&&!on[w];
    });
  }
  form.addEventListener("change",apply);
  apply();
})();
`;
