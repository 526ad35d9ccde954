/**
 * RFC 6570 URI templates as the surface rules and the template checker read them: a template's
 * fixed part and query variables (how a locked template changed), and whether a URI is one the
 * template expands to (which locked template a template file's `{{resource "…"}}` means). Pure.
 */

/** An RFC 6570 template's fixed part (path expressions kept, query expressions `{?…}` `{&…}` left out) and its query variables. */
export function uriTemplateShape(template: string): { fixed: string; query: Set<string> } {
  const query = new Set<string>();
  const fixed = template.replace(/\{([?&])([^}]*)\}/g, (_all, _op: string, vars: string) => {
    for (const v of vars.split(",")) {
      const name = v.replace(/(\*|:\d+)$/, "").trim();
      if (name) query.add(name);
    }
    return "";
  });
  return { fixed, query };
}

/** Whether `text` is a URI template (has an expression) rather than a URI. */
export function isUriTemplate(text: string): boolean {
  return /\{[^}]*\}/.test(text);
}

/**
 * Whether a template as written in a template file means the locked `template`: the same fixed
 * part (literals and path variables, names included) and query variables the locked one has (it
 * may leave optional query expansions out).
 */
export function sameUriTemplate(written: string, template: string): boolean {
  const a = uriTemplateShape(written);
  const b = uriTemplateShape(template);
  return a.fixed === b.fixed && [...a.query].every((v) => b.query.has(v));
}

/** One piece of a parsed template: literal text, or an expression's operator. */
type Piece = { literal: string } | { op: string };

/** What one expression's expansion may look like: its first character (if any) and the rest. */
const EXPANSIONS: Record<string, { first?: string; min: number; allowed: (c: string) => boolean }> = {
  // Simple string expansion: unreserved and percent-encoded characters, commas between values.
  "": { min: 1, allowed: (c) => !"/?#&".includes(c) },
  // Reserved expansion: reserved characters pass through.
  "+": { min: 1, allowed: (c) => c !== "#" },
  "#": { first: "#", min: 0, allowed: () => true },
  ".": { first: ".", min: 0, allowed: (c) => !"/?#".includes(c) },
  "/": { first: "/", min: 0, allowed: (c) => !"?#".includes(c) },
  ";": { first: ";", min: 0, allowed: (c) => !"/?#".includes(c) },
  "?": { first: "?", min: 0, allowed: (c) => c !== "#" },
  "&": { first: "&", min: 0, allowed: (c) => c !== "#" },
};

/** Longer URIs are never matched (a template file's URI is short; this bounds the work). */
const MAX_URI_LENGTH = 2048;

/**
 * Whether `uri` is an expansion of the RFC 6570 `template` (`crm://customers/42` of
 * `crm://customers/{id}`): literals match exactly, each expression matches what its operator
 * can expand to (a simple `{id}` one or more characters without `/`, `?`, `#`; `{+path}` may hold
 * `/`; `{?page}` and the other prefixed forms may expand to nothing). One sweep over the URI per
 * piece of the template (the positions each prefix of the template can end at), so a hostile
 * template costs time linear in its length times the URI's, never backtracking.
 */
export function matchesUriTemplate(uri: string, template: string): boolean {
  if (uri.length > MAX_URI_LENGTH) return false;
  const pieces = parseTemplate(template);
  if (pieces === undefined) return uri === template;
  const n = uri.length;
  let reach = new Uint8Array(n + 1);
  reach[0] = 1;
  for (const piece of pieces) {
    const next = new Uint8Array(n + 1);
    let any = false;
    if ("literal" in piece) {
      const length = piece.literal.length;
      for (let at = 0; at + length <= n; at++)
        if (reach[at] && uri.startsWith(piece.literal, at)) {
          next[at + length] = 1;
          any = true;
        }
    } else {
      const expansion = EXPANSIONS[piece.op]!;
      // `open`: some start reached before `end` has a valid expansion ending at `end`.
      let open = false;
      for (let end = 0; end <= n; end++) {
        if (open || (expansion.min === 0 && reach[end])) {
          next[end] = 1;
          any = true;
        }
        if (end === n) break;
        const c = uri[end]!;
        const starts =
          reach[end] === 1 && (expansion.first === undefined ? expansion.allowed(c) : c === expansion.first);
        open = (open && expansion.allowed(c)) || starts;
      }
    }
    if (!any) return false;
    reach = next;
  }
  return reach[n] === 1;
}

/** A template's pieces; undefined when it has an unclosed brace or an unknown operator (then compared as text). */
function parseTemplate(template: string): Piece[] | undefined {
  const pieces: Piece[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf("{", i);
    if (open === -1) {
      pieces.push({ literal: template.slice(i) });
      break;
    }
    if (open > i) pieces.push({ literal: template.slice(i, open) });
    const close = template.indexOf("}", open);
    if (close === -1) return undefined;
    const body = template.slice(open + 1, close);
    const op = /^[+#./;?&]/.test(body) ? body[0]! : "";
    if (body.slice(op.length).trim() === "" || !Object.hasOwn(EXPANSIONS, op)) return undefined;
    pieces.push({ op });
    i = close + 1;
  }
  return pieces;
}
