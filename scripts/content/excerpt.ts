import { decodeHTML } from "entities";

const MAX_GRAPHEMES = 160;
const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Tags that separate words: line breaks and the edges of blocks. */
const BREAKS = /<\/?(?:br|hr|p|div|h[1-6]|ul|ol|li|dl|dt|dd|blockquote|table|caption|thead|tbody|tfoot|tr|th|td|figure|figcaption|section|aside|details|summary)\b[^>]*>/gi;

/** Text of sanitized article HTML (`sanitize.ts`: tags well formed, `>` escaped in attributes). */
function htmlToText(html: string): string {
  const text = html
    .replace(/<section class="footnotes"[\s\S]*?<\/section>/g, " ")
    .replace(/<sup class="footnote-ref">[\s\S]*?<\/sup>/g, "")
    .replace(/<(script|style|pre)[\s\S]*?<\/\1>/gi, " ")
    .replace(BREAKS, " ")
    .replace(/<[^>]*>/g, "");
  return decodeHTML(text).replace(/\s+/g, " ").trim();
}

/**
 * A plain-text summary from rendered HTML, cut by grapheme cluster so no character,
 * surrogate pair or emoji sequence (👨‍👩‍👧) is ever split.
 */
export function excerpt(html: string, max = MAX_GRAPHEMES): string {
  const text = htmlToText(html);
  const graphemes: string[] = [];
  for (const { segment } of segmenter.segment(text)) {
    if (graphemes.length === max) return graphemes.join("").trimEnd() + "…";
    graphemes.push(segment);
  }
  return text;
}
