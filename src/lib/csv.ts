/**
 * RFC 4180 CSV reading: quoted fields (with `""` for a quote, and commas and line breaks
 * inside), CRLF or LF, a leading BOM dropped, blank lines skipped. Each record carries the
 * line it starts on (1 = the header), so errors can name the line a person sees; why a
 * file cannot be read is a catalogue Reason (src/i18n `admin.csv*`).
 */
import type { Reason } from "../i18n/index.js";

export interface CsvRecord {
  line: number;
  cells: string[];
}

export type CsvResult = { ok: true; records: CsvRecord[] } | { ok: false; line: number; reason: Reason };

export function parseCsv(text: string, maxRecords = Infinity): CsvResult {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const cells: string[] = [];
    let cell = "";
    let quoted = false;
    let fieldStart = true;
    for (;;) {
      if (i >= n) {
        if (quoted) return { ok: false, line: start, reason: { key: "admin.csvUnclosed" } };
        cells.push(cell);
        break;
      }
      const ch = text[i]!;
      if (quoted) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
            const next = text[i];
            if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
              return { ok: false, line, reason: { key: "admin.csvQuoteEnd" } };
            }
          }
        } else {
          if (ch === "\n") line++;
          cell += ch;
          i++;
        }
        continue;
      }
      if (ch === '"' && fieldStart) {
        quoted = true;
        fieldStart = false;
        i++;
      } else if (ch === ",") {
        cells.push(cell);
        cell = "";
        fieldStart = true;
        i++;
      } else if (ch === "\n" || ch === "\r") {
        cells.push(cell);
        i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
        line++;
        break;
      } else {
        cell += ch;
        fieldStart = false;
        i++;
      }
    }
    if (cells.length === 1 && cells[0]!.trim() === "") continue;
    if (records.length >= maxRecords) return { ok: false, line: start, reason: { key: "admin.csvTooMany", values: { max: maxRecords } } };
    records.push({ line: start, cells });
  }
  return { ok: true, records };
}
