/**
 * The one place where text becomes XML. Every feed format and the OPML writer go
 * through these functions, so no content can break well-formedness.
 */

// Characters XML 1.0 forbids (C0 controls except tab/LF/CR, U+FFFE/U+FFFF and lone
// surrogates). With the `u` flag, lone surrogates are matched as single code points.
const FORBIDDEN_CLASS = "[^\\t\\n\\r\\u0020-\\uD7FF\\uE000-\\uFFFD\\u{10000}-\\u{10FFFF}]";
const FORBIDDEN_ANY = new RegExp(FORBIDDEN_CLASS, "u");
const FORBIDDEN_ALL = new RegExp(FORBIDDEN_CLASS, "gu");

/** True when `text` holds a character XML 1.0 cannot carry. */
export function hasInvalidXmlChars(text: string): boolean {
  return FORBIDDEN_ANY.test(text);
}

/** Removes every character XML 1.0 cannot carry. */
export function stripInvalidXmlChars(text: string): string {
  return FORBIDDEN_ANY.test(text) ? text.replace(FORBIDDEN_ALL, "") : text;
}

const TEXT_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  "\r": "&#13;",
};
const ATTR_ESCAPES: Record<string, string> = {
  ...TEXT_ESCAPES,
  '"': "&quot;",
  "'": "&#39;",
  "\t": "&#9;",
  "\n": "&#10;",
};

/**
 * Escapes character data. `>` is always escaped (so `]]>` can never appear) and CR is
 * written as a reference, because parsers turn a literal CR into LF.
 */
export function escapeText(text: string): string {
  return stripInvalidXmlChars(text).replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]!);
}

/** Escapes an attribute value (double or single quoted); whitespace is kept exactly. */
export function escapeAttr(text: string): string {
  return stripInvalidXmlChars(text).replace(/[&<>"'\t\n\r]/g, (c) => ATTR_ESCAPES[c]!);
}

/** `<name attr="…">text</name>`, or a self-closed element when `text` is undefined. */
export function element(
  name: string,
  attrs: Record<string, string | number | undefined> | null,
  text?: string,
): string {
  let out = "<" + name;
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value !== undefined) out += ` ${key}="${escapeAttr(String(value))}"`;
    }
  }
  return text === undefined ? out + "/>" : `${out}>${escapeText(text)}</${name}>`;
}
