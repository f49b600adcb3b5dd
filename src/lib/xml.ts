/**
 * The one place where text becomes XML. Every feed format and the OPML writer go
 * through these functions, so no content can break well-formedness. They sit on the
 * render path of every feed variant, so each checks cheaply before it rewrites.
 */

// Characters XML 1.0 forbids: C0 controls except tab/LF/CR, U+FFFE/U+FFFF, and lone
// surrogates. The first two are a plain (non-`u`) class, fast on long strings; lone
// surrogates are found by the engine's own `isWellFormed`.
const FORBIDDEN_BMP = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const FORBIDDEN_ALL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** True when `text` holds a character XML 1.0 cannot carry. */
export function hasInvalidXmlChars(text: string): boolean {
  return FORBIDDEN_BMP.test(text) || !text.isWellFormed();
}

/** Removes every character XML 1.0 cannot carry. */
export function stripInvalidXmlChars(text: string): string {
  return hasInvalidXmlChars(text) ? text.replace(FORBIDDEN_ALL, "") : text;
}

// Fast paths: one scan finds anything that needs work (a special character, a forbidden
// one, or any surrogate — pairs are fine but are left to the careful path).
const TEXT_WORK = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF&<>\r]/;
const ATTR_WORK = /[\u0000-\u001F\uD800-\uDFFF\uFFFE\uFFFF&<>"']/;

/**
 * Escapes character data. `>` is always escaped (so `]]>` can never appear) and CR is
 * written as a reference, because parsers turn a literal CR into LF.
 */
export function escapeText(text: string): string {
  if (!TEXT_WORK.test(text)) return text;
  // Native replaces with string patterns beat one pass with a JS callback.
  return stripInvalidXmlChars(text)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll("\r", "&#13;");
}

/** Escapes an attribute value (double or single quoted); whitespace is kept exactly. */
export function escapeAttr(text: string): string {
  if (!ATTR_WORK.test(text)) return text;
  return escapeText(text)
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;")
    .replaceAll("\t", "&#9;")
    .replaceAll("\n", "&#10;");
}

/**
 * `text` without the characters XML 1.0 forbids. (Long clean strings were once remembered,
 * when bodies were the bundle's own strings; read from packs, each body is a new string,
 * so a lookup hashed and compared as much as the check, and kept every body alive.)
 */
export function cleanText(text: string): string {
  return stripInvalidXmlChars(text);
}

/**
 * Character data for large markup (HTML bodies): a CDATA section, with every `]]>` split
 * across two sections, which costs one scan instead of escaping every `<`. Text holding a
 * CR is escaped instead, since parsers turn a CR inside CDATA into LF.
 */
export function markupText(text: string): string {
  const clean = cleanText(text);
  if (clean.includes("\r")) return escapeText(clean);
  return "<![CDATA[" + clean.replaceAll("]]>", "]]]]><![CDATA[>") + "]]>";
}

/**
 * Lines of a document, each ended by a newline, as one flat string (a trailing `+ "\n"`
 * would make a rope that encoding must first copy flat).
 */
export function lines(list: string[]): string {
  list.push("");
  return list.join("\n");
}

/** `<name attr="…">text</name>`, or a self-closed element when `text` is undefined. */
export function element(
  name: string,
  attrs: Record<string, string | number | undefined> | null,
  text?: string,
): string {
  let out = "<" + name;
  if (attrs) {
    for (const key in attrs) {
      const value = attrs[key];
      if (value !== undefined) out += " " + key + '="' + escapeAttr(String(value)) + '"';
    }
  }
  return text === undefined ? out + "/>" : out + ">" + escapeText(text) + "</" + name + ">";
}
