import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/lib/csv.js";

describe("parseCsv", () => {
  it("reads plain and quoted fields, CRLF and LF, with the line each record starts on", () => {
    const result = parseCsv('\uFEFFemail,tags\r\na@x.com,"ai, data"\n\nb@x.com,"say ""hi""\nsecond line"\nc@x.com,\n');
    expect(result).toEqual({
      ok: true,
      records: [
        { line: 1, cells: ["email", "tags"] },
        { line: 2, cells: ["a@x.com", "ai, data"] },
        { line: 4, cells: ["b@x.com", 'say "hi"\nsecond line'] },
        { line: 6, cells: ["c@x.com", ""] },
      ],
    });
  });

  it("a last line without a line break still counts", () => {
    expect(parseCsv("email\na@x.com")).toEqual({ ok: true, records: [{ line: 1, cells: ["email"] }, { line: 2, cells: ["a@x.com"] }] });
  });

  it("refuses an unclosed quote and text after a closing quote, naming the line", () => {
    expect(parseCsv('email\n"a@x.com\n')).toEqual({ ok: false, line: 2, reason: { key: "admin.csvUnclosed" } });
    expect(parseCsv('email\n"a"b\n')).toMatchObject({ ok: false, line: 2 });
  });

  it("stops past the record limit", () => {
    expect(parseCsv("a\nb\nc\n", 2)).toEqual({ ok: false, line: 3, reason: { key: "admin.csvTooMany", values: { max: 2 } } });
  });
});
