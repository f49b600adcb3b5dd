const MAX_GRAPHEMES = 160;
const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00A0" };

function htmlToText(html: string): string {
  return html
    .replace(/<section class="footnotes"[\s\S]*?<\/section>/g, " ")
    .replace(/<sup class="footnote-ref">[\s\S]*?<\/sup>/g, "")
    .replace(/<(script|style|pre)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<\/(p|h[1-6]|li|blockquote|div|tr)>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, ref: string) => {
      if (ref[0] === "#") {
        const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[ref.toLowerCase()] ?? m;
    })
    .replace(/\s+/g, " ")
    .trim();
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
