/**
 * The version of what the content build renders from one article (HTML body, summary,
 * metadata). Bump it whenever the same Markdown would render differently, so a cache of
 * rendered articles (keyed by source hash and this: scripts/content/cache.ts) never serves
 * output of older code.
 *
 * 1: marked + footnotes + absolute URLs.
 * 2: bodies sanitized (sanitize-html), entities decoded in excerpts, numbers kept as written.
 * 3: an empty `author:` gives no author (was one empty or missing name).
 * 4: plain Markdown is not sanitized (markdown.ts): the same tree, in marked's spelling
 *    (`<br>`, `&quot;` in text) instead of sanitize-html's (`<br />`, `"`).
 * 5: a footnote label holding `:` (`[^src:1]`) is rendered as a reference (its marker was
 *    left as text).
 * 6: footnotes numbered without gaps when a reference names no definition (it took a
 *    number); a reference in an image's text stays text; a reference right after a
 *    paragraph's first character no longer breaks the line before it; raw HTML or a link
 *    inside an image's text (only text there, escaped) no longer sends the body to the sanitizer.
 */
export const RENDERER_VERSION = "6";
