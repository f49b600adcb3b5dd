/**
 * Rendered article HTML → HTML safe for feeds, pages and mail, with sanitize-html and an
 * allow-list modelled on what a careful feed reader (Miniflux) keeps: text structure,
 * tables, code, media, figures and our footnotes — no scripts, styles, frames, forms,
 * event handlers or `javascript:`-like URLs. Every URL attribute is made absolute against
 * the article's URL on the way (raw HTML included), so this is the one place that reads
 * attributes of HTML written in an article.
 */
import { createRequire } from "node:module";
import type sanitizeHtml from "sanitize-html";
import { absoluteUrl } from "../../src/lib/urls.js";

let library: typeof sanitizeHtml | undefined;
/**
 * sanitize-html (and the postcss it brings), loaded on first use: about 160 ms that a
 * build whose changed articles are all plain Markdown never pays (markdown.ts).
 */
function sanitizer(): typeof sanitizeHtml {
  return (library ??= createRequire(import.meta.url)("sanitize-html") as typeof sanitizeHtml);
}

/** Schemes a link may use; images may also be raster `data:` URLs. */
export const LINK_SCHEMES = ["http", "https", "mailto", "tel"];
const IMAGE_SCHEMES = ["http", "https", "data"];
const DATA_IMAGE = /^data:image\/(?:png|jpeg|gif|webp|avif)[;,]/i;
const URL_ATTRIBUTES = ["href", "src", "poster", "cite"];

const ALLOWED_ATTRIBUTES: Record<string, sanitizeHtml.AllowedAttribute[]> = {
  a: ["href", "title", "id", "class", { name: "role", multiple: false, values: ["doc-noteref", "doc-backlink"] }],
  abbr: ["title"],
  blockquote: ["cite"],
  q: ["cite"],
  del: ["cite", "datetime"],
  ins: ["cite", "datetime"],
  time: ["datetime"],
  img: ["src", "alt", "title", "width", "height"],
  video: ["src", "poster", "width", "height", "controls"],
  audio: ["src", "controls"],
  source: ["src", "type"],
  section: ["class", { name: "role", multiple: false, values: ["doc-endnotes"] }],
  sup: ["id", "class"],
  code: ["class"],
  th: ["align", "colspan", "rowspan", "scope"],
  td: ["align", "colspan", "rowspan"],
  ol: ["id", "start", "reversed"],
  ul: ["id"],
  li: ["id"],
  dl: ["id"],
  dt: ["id"],
  dd: ["id"],
  h1: ["id"],
  h2: ["id"],
  h3: ["id"],
  h4: ["id"],
  h5: ["id"],
  h6: ["id"],
  details: ["open"],
  input: ["type", "checked", "disabled"],
};

const ALLOWED_TAGS = [
  ...Object.keys(ALLOWED_ATTRIBUTES),
  ...["p", "br", "hr", "div", "span", "b", "i", "u", "s", "em", "strong", "small", "mark", "cite", "dfn"],
  ...["kbd", "samp", "var", "sub", "pre", "bdi", "bdo", "wbr", "ruby", "rp", "rt", "figure", "figcaption"],
  ...["picture", "aside", "summary", "caption", "table", "thead", "tbody", "tfoot", "tr", "col", "colgroup"],
];

/** Kept class names: our footnotes and code blocks' `language-…`. */
const ALLOWED_CLASSES = {
  a: ["footnote-backref"],
  sup: ["footnote-ref"],
  section: ["footnotes"],
  code: ["language-*"],
};

export interface SanitizedHtml {
  html: string;
  /** What was taken out, once each in order of appearance: `<script>`, `onclick=`, `javascript: URL`. */
  removed: string[];
}

function scheme(url: string): string | undefined {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  return match?.[1]!.toLowerCase();
}

/** Why the policy refuses `url` (already absolute) as a URL attribute of `tag`, or undefined when it is allowed. */
function refusedUrl(url: string, tag: string): string | undefined {
  const used = scheme(url);
  const schemes = tag === "img" ? IMAGE_SCHEMES : LINK_SCHEMES;
  if (used && (!schemes.includes(used) || (used === "data" && !DATA_IMAGE.test(url)))) {
    return used === "data" ? "non-image data: URL" : `${used}: URL`;
  }
  return undefined;
}

/**
 * True when the policy keeps `url` as the `href` of a link or the `src` of an image
 * unchanged: an absolute URL with an allowed scheme (a raster `data:` URL for images).
 * Markdown-only bodies whose every URL passes need no sanitizing (markdown.ts).
 */
export function keepsUrl(url: string, tag: "a" | "img"): boolean {
  return scheme(url) !== undefined && refusedUrl(url, tag) === undefined;
}

/** Sanitizes one article body; relative URLs resolve against `baseUrl` (the article's URL). */
export function sanitizeBody(html: string, baseUrl: string): SanitizedHtml {
  const removed = new Set<string>();
  const allowedTags = new Set(ALLOWED_TAGS);
  const unwantedInput = (name: string, attribs: sanitizeHtml.Attributes) =>
    name === "input" && attribs["type"]?.toLowerCase() !== "checkbox";

  const inspect = (name: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => {
    if (!allowedTags.has(name) || unwantedInput(name, attribs)) {
      removed.add(`<${name}>`);
      return { tagName: name, attribs };
    }
    const allowed = ALLOWED_ATTRIBUTES[name] ?? [];
    const out: sanitizeHtml.Attributes = {};
    for (const [attr, value] of Object.entries(attribs)) {
      if (!allowed.some((a) => (typeof a === "string" ? a : a.name) === attr)) {
        removed.add(`${attr}=`);
        continue;
      }
      if (!URL_ATTRIBUTES.includes(attr)) {
        out[attr] = value;
        continue;
      }
      const url = absoluteUrl(value, baseUrl);
      const refused = refusedUrl(url, name);
      if (refused) {
        removed.add(refused);
        continue;
      }
      out[attr] = url;
    }
    // A task list's box is never something to tick.
    if (name === "input") out["disabled"] = "";
    return { tagName: name, attribs: out };
  };

  // `allowedEmptyAttributes` is in sanitize-html 2.17 but not yet in its type definitions.
  const options: sanitizeHtml.IOptions & { allowedEmptyAttributes: string[] } = {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedClasses: ALLOWED_CLASSES,
    allowedSchemes: LINK_SCHEMES,
    allowedSchemesByTag: { img: IMAGE_SCHEMES },
    allowProtocolRelative: false,
    allowedEmptyAttributes: ["alt", "checked", "disabled", "controls", "open", "reversed"],
    // Tags whose content is code or fallback, never text to show.
    nonTextTags: ["script", "style", "textarea", "option", "xmp", "noscript", "template", "iframe", "noembed", "noframes", "title", "select"],
    parseStyleAttributes: false,
    transformTags: { "*": inspect },
    // An image without a source (its URL was refused) or a form field is dropped whole.
    exclusiveFilter: (frame) => (frame.tag === "img" && !frame.attribs["src"]) || unwantedInput(frame.tag, frame.attribs),
  };
  const clean = sanitizer()(html, options);
  return { html: clean, removed: [...removed] };
}
