// The offline check's lockfile reader: the same hash and text whole or in pieces, and a text that
// no longer matches its hash (the file changed, or is not UTF-8) is refused, never computed from.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { knownLockfileInput, LARGE_LOCKFILE, readLockfileInput } from "../../src/pipeline/lockfile-input.js";

const dir = mkdtempSync(join(tmpdir(), "mcp-contract-lockfile-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const PIECE = 1024 * 1024;

describe("readLockfileInput", () => {
  // Multi-byte characters and surrogate pairs across the 1 MiB pieces the large path hashes in.
  const text = `{"a":"${"x".repeat(PIECE - 7)}😀é\u2028${"y".repeat(PIECE - 3)}😀${"€".repeat(1000)}"}\n`;
  const file = join(dir, "big.lock.json");
  writeFileSync(file, text);
  const bytes = Buffer.from(text, "utf8");

  it("gives the bytes' sha256 and their text, whole (below the threshold) and in pieces", () => {
    expect(LARGE_LOCKFILE).toBe(16 * 1024 * 1024);
    for (const largeFrom of [LARGE_LOCKFILE, 0, bytes.length, bytes.length + 1]) {
      const input = readLockfileInput(file, largeFrom);
      expect(input.hash).toBe(sha(bytes));
      expect(input.decode()).toBe(text);
    }
  });

  it("refuses, in pieces, a text the file no longer holds; whole, it decodes the bytes it hashed", () => {
    const changing = join(dir, "changing.lock.json");
    writeFileSync(changing, '{"before":1}');
    const pieces = readLockfileInput(changing, 0);
    const whole = readLockfileInput(changing, Number.POSITIVE_INFINITY);
    writeFileSync(changing, '{"after":22}');
    expect(pieces.hash).toBe(sha(Buffer.from('{"before":1}')));
    expect(pieces.decode()).toBeUndefined();
    expect(whole.decode()).toBe('{"before":1}');
    rmSync(changing);
  });

  it("refuses, in pieces, bytes that are not UTF-8 (their text does not hash back to them)", () => {
    const invalid = join(dir, "invalid.lock.json");
    const raw = Buffer.from([0x7b, 0x22, 0xff, 0xc3, 0x22, 0x7d]);
    writeFileSync(invalid, raw);
    expect(readLockfileInput(invalid, 0).decode()).toBeUndefined();
    const whole = readLockfileInput(invalid);
    expect(whole.hash).toBe(sha(raw));
    expect(whole.decode()).toBe(raw.toString("utf8"));
  });

  it("hashes a whole one when first asked, and says so when asked only after its text", () => {
    const small = join(dir, "small.lock.json");
    writeFileSync(small, '{"a":1}');
    const later = readLockfileInput(small);
    expect(later.decode()).toBe('{"a":1}');
    expect(() => later.hash).toThrow(`${small}: the lockfile's hash was first asked after its text`);
    const first = readLockfileInput(small);
    expect(first.hash).toBe(sha(Buffer.from('{"a":1}')));
    expect(first.decode()).toBe('{"a":1}');
    expect(first.hash).toBe(sha(Buffer.from('{"a":1}')));
    // Plain: ASCII with no escape that could make an invisible character.
    expect(first.plain).toBe(true);
    writeFileSync(small, '{"a":"\\u200b"}');
    const escaped = readLockfileInput(small);
    expect(escaped.plain).toBe(false); // not looked at before the text
    escaped.decode();
    expect(escaped.plain).toBe(false);
    rmSync(small);
  });

  it("throws what reading throws: ENOENT, EISDIR", () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return (error as NodeJS.ErrnoException).code;
      }
      return "no error";
    };
    expect(code(() => readLockfileInput(join(dir, "missing.json")))).toBe("ENOENT");
    expect(code(() => readLockfileInput(join(dir, "missing.json"), 0))).toBe("ENOENT");
    expect(code(() => readLockfileInput(dir))).toBe("EISDIR");
    expect(code(() => readLockfileInput(dir, 0))).toBe("EISDIR");
  });
});

describe("the text of a whole lockfile, plain or not", () => {
  // Plain bytes (ASCII: core/json.ts isPlainJson) are decoded as Latin-1, which is their UTF-8;
  // any other byte keeps the file decoded as UTF-8.
  const cases: [string, string, boolean][] = [
    ["plain", '{"servers":{"a":{"tools":{"t":{"description":"Lists ~ every [item]."}}}}}\n', true],
    ["beyond ASCII", '{"servers":{"a":{"tools":{"t":{"description":"Liste é € 😀"}}}}}\n', false],
    ["an escape", '{"servers":{"a":{"description":"\\u00e9"}}}\n', false],
    ["a byte order mark", '\ufeff{"lockfileVersion":1}\n', false],
  ];
  for (const [what, text, plain] of cases)
    it(what, () => {
      const file = join(dir, `decode-${what.replaceAll(" ", "-")}.lock.json`);
      const bytes = Buffer.from(text, "utf8");
      writeFileSync(file, bytes);
      for (const input of [readLockfileInput(file), knownLockfileInput(file, sha(bytes))]) {
        expect(input.decode()).toBe(text);
        expect(input.plain).toBe(plain);
      }
    });
});
