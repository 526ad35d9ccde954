// Every Handlebars template in the repository, for the tests that prove a small exact parser
// agrees with the library it stands in for (front matter, template trees).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The text of every .hbs / .handlebars file under `dir` (the repository by default). */
export function templatesIn(dir: string = join(import.meta.dirname, "..", "..")): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", "dist", ".git"].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...templatesIn(path));
    else if (/\.(hbs|handlebars)$/.test(entry.name)) out.push(readFileSync(path, "utf8"));
  }
  return out;
}
