/**
 * Request text as an error reason may echo it: quoted, at most `max` characters, with
 * every character that could garble a terminal or a page's reading order escaped as
 * `\uXXXX` (C0 and C1 controls, DEL, bidi overrides and isolates, line separators).
 * Unicode text otherwise stays as written (`"数据安全"`), so a reader sees what they sent.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"\\]/g;

export function quoteInput(text: string, max = 80): string {
  const chars = [...text];
  const shown = chars.length > max ? chars.slice(0, max - 1).join("") + "…" : text;
  const escaped = shown.replace(UNSAFE, (ch) => (ch === '"' || ch === "\\" ? `\\${ch}` : `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`));
  return `"${escaped}"`;
}
