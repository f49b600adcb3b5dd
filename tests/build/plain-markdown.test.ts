/**
 * Plain Markdown skips the sanitizer (scripts/content/markdown.ts): marked escapes every
 * text and attribute itself, so a body with no raw HTML, only URLs the policy keeps and no
 * numeric character reference is already what sanitizing would give. These tests hold
 * that claim: such bodies are what the sanitizer would keep (the same tree, nothing
 * removed), and every Markdown-only way to a script URL still goes through it.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import sanitizeHtml from "sanitize-html";
import { describe, expect, it } from "vitest";
import { article } from "./content-fixtures.js";
import { parseArticle } from "../../scripts/content/article.js";
import { excerpt } from "../../scripts/content/excerpt.js";
import { readFrontMatter } from "../../scripts/content/front-matter.js";
import { renderMarkdown } from "../../scripts/content/markdown.js";
import { sanitizeBody } from "../../scripts/content/sanitize.js";
import { generateArticle } from "../../scripts/bench/corpus.js";

const SITE = "https://news.example.com";
const URL_ = `${SITE}/posts/a/`;

/** The same HTML parsed and written again by sanitize-html with nothing filtered: the tree, in the sanitizer's spelling. */
function reserialized(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    allowedSchemes: ["http", "https", "mailto", "tel", "data"],
    allowedEmptyAttributes: ["alt", "checked", "disabled", "controls", "open", "reversed"],
  } as sanitizeHtml.IOptions);
}

const KITCHEN_SINK = [
  "> 导语：**Meta** 以 143 亿美元入股 Scale AI —— \"quotes\", 'apostrophes', a < b > c & ampersands.",
  "",
  "## Heading with `code` and _em_ and ~~del~~",
  "",
  "- one",
  "- [x] done",
  "- [ ] open",
  "",
  "3. third",
  "4. fourth",
  "",
  "| left | centre | right |",
  "|:--|:-:|--:|",
  "| 1 | **2** | [x](/x) |",
  "",
  "```js title=\"x\"",
  'let a = 1 < 2 && "b" > \'c\';',
  "```",
  "",
  "    indented code <b>",
  "",
  "Autolinks: <https://example.org/a?b=1&c=2>, www.example.com/path, me@example.com, <mailto:me@example.com>, https://example.net/x).",
  "",
  '[title link](https://example.org/ "A \\"title\\" <here>") [relative](../other/ "t") [spaced](/a b (1).png) [tel](tel:+15551234)',
  "",
  '![image](/images/default (1).png) ![titled](https://cdn.example.org/a.png "Cap & \'tion\'") ![png](data:image/png;base64,iVBORw0KGgo=)',
  "",
  "[ref link][r] and [collapsed][] and ![ref image][img]",
  "",
  "[r]: https://example.org/ref",
  "[collapsed]: /collapsed",
  "[img]: /img.png",
  "",
  "Line with a hard break  ",
  "next line, and a backslash\\",
  "break; escapes \\*not em\\* \\<not a tag\\>; entities &amp; &copy; &mdash;.",
  "",
  "---",
  "",
  "Footnotes[^1] twice[^1] and named[^note] and missing[^none].",
  "",
  "## 引用",
  "",
  "[^1]: First, with a [link](/fn).",
  "[^note]: Second.",
  "[^unused]: Never referenced.",
].join("\n");

/** The Markdown after the front matter. */
const markdownOf = (text: string): string => readFrontMatter(text).content ?? "";

/** Bodies the reference format produces: the sample site, the benchmark corpus and the kitchen sink above. */
function plainBodies(): { name: string; markdown: string }[] {
  const samples = readdirSync("content/posts")
    .map((f) => ({ name: f, markdown: markdownOf(readFileSync(join("content/posts", f), "utf8")) }))
    .filter((s) => !/<[a-z!/]/i.test(s.markdown)); // raw HTML: the sanitizer's case
  const corpus = Array.from({ length: 40 }, (_, i) => {
    const g = generateArticle(20250627, i * 97, [6000, 9500]);
    return { name: g.file, markdown: markdownOf(g.text) };
  });
  return [...samples, ...corpus, { name: "kitchen sink", markdown: KITCHEN_SINK }];
}

describe("plain Markdown skips the sanitizer", () => {
  const bodies = plainBodies();

  it("covers the sample site and the benchmark corpus", () => {
    expect(bodies.length).toBeGreaterThan(40);
  });

  it.each(bodies)("$name: is what the sanitizer keeps — the same tree, nothing removed, the same summary", ({ markdown }) => {
    const fast = renderMarkdown(markdown, URL_);
    const sanitized = renderMarkdown(markdown, URL_, { sanitize: "always" });
    expect(fast.sanitized).toBe(false);
    expect(sanitized.sanitized).toBe(true);
    // Sanitizing the fast output removes nothing and changes nothing but spelling…
    const again = sanitizeBody(fast.html, URL_);
    expect(again.removed).toEqual([]);
    expect(again.html).toBe(reserialized(fast.html));
    // …and gives exactly what the sanitized path gives.
    expect(again.html).toBe(sanitized.html);
    expect(fast.warnings).toEqual(sanitized.warnings);
    expect(excerpt(fast.html)).toBe(excerpt(sanitized.html));
  });

  it("the kitchen sink renders what it should, escaped", () => {
    const { html } = renderMarkdown(KITCHEN_SINK, URL_);
    for (const good of [
      "&quot;quotes&quot;, &#39;apostrophes&#39;, a &lt; b &gt; c &amp; ampersands",
      '<input checked="" disabled="" type="checkbox">',
      '<ol start="3">',
      '<th align="center">centre</th>',
      '<code class="language-js">let a = 1 &lt; 2 &amp;&amp; &quot;b&quot; &gt; &#39;c&#39;;',
      '<a href="https://example.org/a?b=1&amp;c=2">',
      '<a href="http://www.example.com/path">',
      '<a href="mailto:me@example.com">',
      '<a href="https://example.org/" title="A &quot;title&quot; &lt;here&gt;">title link</a>',
      `<a href="${SITE}/posts/other/" title="t">relative</a>`,
      `<a href="${SITE}/a%20b%20(1).png">spaced</a>`,
      '<a href="tel:+15551234">tel</a>',
      `<img src="${SITE}/images/default%20(1).png" alt="image">`,
      '<img src="https://cdn.example.org/a.png" alt="titled" title="Cap &amp; &#39;tion&#39;">',
      '<img src="data:image/png;base64,iVBORw0KGgo=" alt="png">',
      '<a href="https://example.org/ref">ref link</a>',
      `<img src="${SITE}/img.png" alt="ref image">`,
      "&lt;not a tag&gt;",
      `<a href="${URL_}#fn-1" id="fnref-1" role="doc-noteref">1</a>`,
      '<section class="footnotes" role="doc-endnotes">',
    ]) {
      expect(html, good).toContain(good);
    }
  });
});

describe("Markdown-only ways to a script URL still go through the sanitizer", () => {
  /** An href or src whose scheme the policy does not allow. */
  const BAD_URL = /\s(?:href|src)\s*=\s*["']?\s*(?!https?:|mailto:|tel:|data:image\/(?:png|jpeg|gif|webp|avif)[;,])[a-z][a-z0-9+.-]*:/i;

  it.each([
    ["link", "[a](javascript:alert(1))", "javascript: URL"],
    ["link in capitals", "[b](JAVASCRIPT:alert(2))", "javascript: URL"],
    ["vbscript link", "[c](vbscript:msgbox(3))", "vbscript: URL"],
    ["data: link", "[d](data:text/html,alert(4))", "non-image data: URL"],
    ["pointy destination", "[e](<javascript:alert(5)>)", "javascript: URL"],
    ["spaced destination", "[f](javascript:alert (6))", "javascript: URL"],
    ["image", "![x](javascript:alert(7))", "javascript: URL"],
    ["SVG data: image", "![y](data:image/svg+xml,alert(8))", "non-image data: URL"],
    ["HTML data: image", "![z](data:text/html;base64,PHNjcmlwdD4=)", "non-image data: URL"],
    ["autolink", "<javascript:alert(9)>", "javascript: URL"],
    ["vbscript autolink", "<vbscript:msgbox(10)>", "vbscript: URL"],
    ["data: autolink", "<data:text/html,alert(11)>", "non-image data: URL"],
    ["unusual scheme autolink", "<feed:https://evil.example/>", "feed: URL"],
    ["reference link", "[g][r]\n\n[r]: javascript:alert(12)", "javascript: URL"],
    ["reference image", "![h][r]\n\n[r]: javascript:alert(13)", "javascript: URL"],
    ["link in a footnote", "Text[^1]\n\n[^1]: [i](javascript:alert(14))", "javascript: URL"],
    ["link in a table", "| a |\n|---|\n| [j](javascript:alert(15)) |", "javascript: URL"],
    ["link in a list in a quote", "> - [k](javascript:alert(16))", "javascript: URL"],
  ])("%s", (_name, markdown, removed) => {
    const { html, sanitized, warnings } = renderMarkdown(markdown, URL_);
    expect(sanitized).toBe(true);
    expect(html).not.toMatch(BAD_URL);
    expect(html.toLowerCase()).not.toMatch(/href="?(?:javascript|vbscript|data):|src="?(?:javascript|data:(?!image\/png))/);
    expect(warnings.join("\n")).toContain(removed);
  });

  it("a numeric character reference goes through the sanitizer (it may name a character XML forbids)", () => {
    const { html, sanitized } = renderMarkdown('[a](/x "t&#1;le") &#x6A;avascript', URL_);
    expect(sanitized).toBe(true);
    expect(html).toContain('title="tle"');
  });

  it("raw HTML goes through the sanitizer", () => {
    expect(renderMarkdown("<b>bold</b>", URL_).sanitized).toBe(true);
    expect(renderMarkdown("<div>\nblock\n</div>", URL_).sanitized).toBe(true);
    expect(renderMarkdown("a <!-- comment --> b", URL_).sanitized).toBe(true);
  });

  it("raw HTML or a link inside an image's text is only text there: escaped in the attribute, no sanitizer needed", () => {
    for (const markdown of ["![<b>x</b>](/i.png)", "![a [x](javascript:alert(1))](/i.png)"]) {
      const { html, sanitized } = renderMarkdown(markdown, URL_);
      expect(sanitized).toBe(false);
      expect(html).toMatch(/^<p><img src="[^"]+" alt="[^"<>]*"><\/p>\n$/);
      expect(html).not.toContain("javascript");
      // What the sanitizer would make of it is the same tree.
      expect(renderMarkdown(markdown, URL_, { sanitize: "always" }).html.replace(" />", ">")).toBe(html);
    }
  });
});

describe("a build of plain Markdown", () => {
  it("never loads sanitize-html (the library and postcss cost ~160 ms to load)", () => {
    const script = [
      'import { createRequire } from "node:module";',
      'import { parseArticle } from "./scripts/content/article.ts";',
      `const text = ${JSON.stringify(article("title: T\ndate: 2025-01-01", KITCHEN_SINK))};`,
      'const plain = parseArticle("posts/a.md", text, { siteUrl: "https://news.example.com" });',
      "const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((p) => p.includes('/node_modules/sanitize-html/'));",
      "const before = loaded();",
      'parseArticle("posts/b.md", text + "\\n<b>raw</b>\\n", { siteUrl: "https://news.example.com" });',
      "console.log(JSON.stringify({ plain: plain.problems.length === 0, before, after: loaded() }));",
    ].join("\n");
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toEqual({ plain: true, before: false, after: true });
  });

  it("gives the same article metadata either way", () => {
    const text = article("title: T\ndate: 2025-01-01\ntags: [a]", KITCHEN_SINK);
    const { parsed } = parseArticle("posts/a.md", text, { siteUrl: SITE });
    expect(parsed!.article.summary).toBe(excerpt(renderMarkdown(KITCHEN_SINK, URL_, { sanitize: "always" }).html));
  });
});
