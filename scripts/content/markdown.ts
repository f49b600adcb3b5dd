/**
 * Markdown → HTML for feeds: GFM via marked, real footnotes (every definition kept, even
 * unreferenced ones), every link and image made absolute against the article URL so
 * feed readers never resolve them against the feed's own URL, and the result sanitized
 * (`sanitize.ts`, which also resolves URLs in raw HTML) — unless the body is plain
 * Markdown, whose HTML marked writes itself: every text and attribute escaped, only tags
 * and attributes the sanitizer's policy keeps. Such a body skips the sanitizer when it
 * holds no raw HTML (no `html` token), every link and image URL is one the policy keeps
 * as is (`keepsUrl`: absolute, an allowed scheme) and no numeric character reference
 * (`&#…;`) could name a character XML forbids inside an attribute. Anything else is
 * sanitized, as before.
 */
import { Marked, type Tokens, type TokenizerAndRendererExtension } from "marked";
import { absoluteUrl } from "../../src/lib/urls.js";
import { escapeAttr, escapeText, stripInvalidXmlChars } from "../../src/lib/xml.js";
import { blockRuleTokenizer } from "./block-rules.js";
import { inlineTextTokenizer } from "./inline-text.js";
import { keepsUrl, sanitizeBody } from "./sanitize.js";

interface FootnoteDef {
  label: string;
  html: string;
}

/** Per-document state; marked renders synchronously, one document at a time. */
interface DocState {
  articleUrl: string;
  defs: Map<string, FootnoteDef>;
  /** Every label defined anywhere in the document, known once it is lexed (before anything renders). */
  defined: Set<string>;
  /** Labels in order of first reference. */
  order: string[];
  /** label → how many references so far. */
  refs: Map<string, number>;
  placeholderUsed: boolean;
  warnings: string[];
  /** Raw HTML, or a link or image URL the sanitizer's policy would change: sanitize the body. */
  needsSanitizer: boolean;
}

let doc: DocState;
const PLACEHOLDER = "<!--tidings:footnotes-->";

function number(label: string): number {
  const referenced = doc.order.indexOf(label);
  if (referenced >= 0) return referenced + 1;
  const unreferenced = [...doc.defs.keys()].filter((l) => !doc.refs.has(l));
  return doc.order.length + unreferenced.indexOf(label) + 1;
}

const footnoteDef: TokenizerAndRendererExtension = {
  name: "footnoteDef",
  level: "block",
  // `start` runs on the rest of the document for every paragraph: keep it a plain scan.
  // marked asks it about the block after its first character, so only a `[^` after a line
  // break starts a definition (one at the block's start is the tokenizer's, already tried).
  start: (src) => {
    const i = src.indexOf("\n[^");
    return i < 0 ? undefined : i + 1;
  },
  tokenizer(src) {
    if (!src.startsWith("[^")) return undefined;
    const match = /^\[\^([^\]\s]+)\]:[ \t]*([^\n]*(?:\n(?:[ \t]{2,}|\t)[^\n]*)*)(?:\n+|$)/.exec(src);
    if (!match) return undefined;
    doc.defined.add(match[1]!);
    const token = {
      type: "footnoteDef",
      raw: match[0],
      label: match[1]!,
      tokens: [] as Tokens.Generic[],
    };
    this.lexer.inline(match[2]!.replace(/^[ \t]+/gm, ""), token.tokens);
    return token;
  },
  renderer(token) {
    const label = token["label"] as string;
    if (!doc.defs.has(label)) {
      doc.defs.set(label, { label, html: this.parser.parseInline(token.tokens ?? []) });
    }
    if (doc.placeholderUsed) return "";
    doc.placeholderUsed = true;
    return PLACEHOLDER;
  },
};

const footnoteRef: TokenizerAndRendererExtension = {
  name: "footnoteRef",
  level: "inline",
  start: (src) => {
    const i = src.indexOf("[^");
    return i < 0 ? undefined : i;
  },
  // Inline tokenizers run at every position of every inline run: a cheap test first.
  tokenizer(src) {
    if (!src.startsWith("[^")) return undefined;
    const match = /^\[\^([^\]\s]+)\](?!:)/.exec(src);
    if (!match) return undefined;
    return { type: "footnoteRef", raw: match[0], label: match[1]! };
  },
  // Rendered with its final number: every definition is known (lexed) before anything
  // renders, and references are numbered in the order they are rendered.
  renderer(token) {
    const label = token["label"] as string;
    if (!doc.defined.has(label)) {
      doc.warnings.push(`footnote [^${label}] is referenced but never defined`);
      return escapeText(`[^${label}]`);
    }
    const count = (doc.refs.get(label) ?? 0) + 1;
    doc.refs.set(label, count);
    if (count === 1) doc.order.push(label);
    const n = doc.order.indexOf(label) + 1;
    const id = count === 1 ? `fnref-${n}` : `fnref-${n}-${count}`;
    return `<sup class="footnote-ref"><a href="${escapeAttr(doc.articleUrl)}#fn-${n}" id="${id}" role="doc-noteref">${n}</a></sup>`;
  },
};

/**
 * Links and images whose destination contains spaces, as Hugo sites write them for files
 * like `/images/market share.png` or `/images/default (1).png`. CommonMark would leave
 * them as text; we read the destination up to the closing parenthesis (one level of
 * balanced parentheses allowed) and let the URL resolver percent-encode it.
 */
const SPACED_DEST = /^(!?)\[([^\]\n]*)\]\(((?:[^()\n<>"]|\([^()\n]*\))*?\s(?:[^()\n<>"]|\([^()\n]*\))*?)\)/;
const spacedLink: TokenizerAndRendererExtension = {
  name: "spacedLink",
  level: "inline",
  // A cheap lower bound (the `[` before the first `](`); the tokenizer decides.
  start: (src) => {
    const close = src.indexOf("](");
    if (close < 0) return undefined;
    const open = src.lastIndexOf("[", close);
    if (open < 0) return undefined;
    return open > 0 && src[open - 1] === "!" ? open - 1 : open;
  },
  tokenizer(src) {
    if (src[0] !== "[" && !src.startsWith("![")) return undefined;
    const match = SPACED_DEST.exec(src);
    if (!match) return undefined;
    const [raw, bang, text, dest] = match;
    const href = dest!.trim();
    if (/^\S+\s+("[^"]*"|'[^']*'|\([^)]*\))$/.test(href)) return undefined; // `url "title"`: marked's own syntax
    return bang
      ? ({ type: "image", raw, href, title: null, text: text!, tokens: this.lexer.inlineTokens(text!) } as Tokens.Image)
      : ({ type: "link", raw, href, title: null, text: text!, tokens: this.lexer.inlineTokens(text!) } as Tokens.Link);
  },
};


function finish(html: string): string {
  const url = doc.articleUrl;
  if (doc.defs.size === 0) return html;
  const items = [...doc.defs.values()]
    .map((def) => ({ def, n: number(def.label) }))
    .sort((a, b) => a.n - b.n)
    .map(({ def, n }) => {
      const count = doc.refs.get(def.label) ?? 0;
      const backrefs = Array.from({ length: count }, (_, i) => {
        const id = i === 0 ? `fnref-${n}` : `fnref-${n}-${i + 1}`;
        return ` <a href="${escapeAttr(url)}#${id}" class="footnote-backref" role="doc-backlink">↩︎</a>`;
      }).join("");
      return `<li id="fn-${n}"><p>${def.html}${backrefs}</p></li>`;
    })
    .join("\n");
  const section = `<section class="footnotes" role="doc-endnotes">\n<ol>\n${items}\n</ol>\n</section>\n`;
  return doc.placeholderUsed ? html.replace(PLACEHOLDER, () => section) : html + section;
}

const marked = new Marked({
  gfm: true,
  extensions: [footnoteDef, footnoteRef, spacedLink],
  // marked's text rule by a scan, its setext and table rules only where they might match:
  // the same tokens, without their expressions' cost (inline-text.ts, block-rules.ts).
  tokenizer: { ...inlineTextTokenizer, ...blockRuleTokenizer },
  // What needs the sanitizer is seen as it renders (a tree walk of its own cost ~5% of
  // rendering): raw HTML, and a link or image URL — made absolute first — the policy would change.
  renderer: {
    html() {
      doc.needsSanitizer = true;
      return false;
    },
    link(token) {
      resolve(token, "a");
      return false;
    },
    image(token) {
      resolve(token, "img");
      return false;
    },
  },
});

/** Makes a link's or image's URL absolute (the token is then rendered by marked as usual); notes one the policy would change. */
function resolve(token: Tokens.Link | Tokens.Image, tag: "a" | "img"): void {
  token.href = absoluteUrl(token.href, doc.articleUrl);
  if (!keepsUrl(token.href, tag)) doc.needsSanitizer = true;
}

export interface RenderedMarkdown {
  html: string;
  warnings: string[];
  /** The body went through the sanitizer (raw HTML, a URL to check, or `sanitize: "always"`). */
  sanitized: boolean;
}

export interface RenderOptions {
  /** "always": sanitize even plain Markdown (tests compare both ways). */
  sanitize?: "always";
  /**
   * The caller has checked that the Markdown holds no character XML 1.0 forbids: plain
   * Markdown's HTML (every character from the Markdown, or ASCII markup) then holds none
   * either, and is not scanned again.
   */
  clean?: boolean;
}

/** Renders one article body. `articleUrl` is absolute; relative URLs resolve against it. */
export function renderMarkdown(markdown: string, articleUrl: string, options: RenderOptions = {}): RenderedMarkdown {
  doc = { articleUrl, defs: new Map(), defined: new Set(), order: [], refs: new Map(), placeholderUsed: false, warnings: [], needsSanitizer: false };
  const html = finish(marked.parse(markdown, { async: false }));
  if (!doc.needsSanitizer && options.sanitize !== "always" && !markdown.includes("&#")) {
    return { html: options.clean ? html : stripInvalidXmlChars(html), warnings: [...new Set(doc.warnings)], sanitized: false };
  }
  const sanitized = sanitizeBody(html, articleUrl);
  if (sanitized.removed.length > 0) doc.warnings.push(`body: removed ${sanitized.removed.join(", ")}`);
  // Entities the sanitizer decoded (`&#1;`) may name characters XML 1.0 forbids.
  return { html: stripInvalidXmlChars(sanitized.html), warnings: [...new Set(doc.warnings)], sanitized: true };
}
