/**
 * Hostile or careless articles (issue 8): each either builds into safe output or fails
 * the build with `file: field: reason` — never a crash, a silent rewrite or a script in a feed.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { article, contentDir } from "./content-fixtures.js";
import { parseArticle } from "../../scripts/content/article.js";
import { excerpt } from "../../scripts/content/excerpt.js";
import { MAX_ARTICLE_BYTES } from "../../scripts/content/limits.js";
import { RENDERER_VERSION } from "../../scripts/content/version.js";

const SITE = "https://news.example.com";

function parse(front: string, body?: string, file = "posts/a.md") {
  const result = parseArticle(file, article(front, body), { siteUrl: SITE });
  return { ...result, lines: result.problems.map((p) => `${p.file}: ${p.field}: ${p.reason}`) };
}

/** Ten levels of ten aliases each: 10^10 leaves from about 650 bytes. */
function aliasBomb(): string {
  const lines = ["title: Bomb", "date: 2025-01-01", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(",")}]`);
  return lines.join("\n");
}

describe("YAML aliases", () => {
  it("an alias bomb fails the build fast with file: field: reason, in little memory", () => {
    const front = aliasBomb();
    expect(front.length).toBeLessThan(700);
    const dir = contentDir({ "posts/bomb.md": article(front), "posts/ok.md": article("title: OK\ndate: 2025-01-01") });
    const out = mkdtempSync(join(tmpdir(), "tidings-out-"));
    // A separate process with a small heap: before the fix this aborted V8 (4 GB and more).
    const run = spawnSync("npx", ["tsx", "scripts/build-content.ts", "--content", dir, "--out", out, "--cache", `${out}-cache`], {
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "--max-old-space-size=192" },
      timeout: 60_000,
    });
    expect(run.status, run.stderr.slice(-2000)).toBe(1);
    expect(run.stderr).toMatch(/posts\/bomb\.md: front matter: .*alias/);
    expect(run.stderr).toContain("build failed: 1 problem(s)");
  }, 90_000);

  it("a few aliases that expand to little are fine", () => {
    const { parsed, lines } = parse("title: T\ndate: 2025-01-01\nbase: &t [AI, Data]\ntags: *t");
    expect(lines).toEqual([]);
    expect(parsed!.article.tags).toEqual(["AI", "Data"]);
  });

  it("an alias that refers to itself is refused", () => {
    const { lines } = parse("title: T\ndate: 2025-01-01\nloop: &l [a, *l]");
    expect(lines).toEqual([expect.stringMatching(/^posts\/a\.md: front matter: .*alias/)]);
  });
});

describe("YAML numbers keep the text as written", () => {
  it("slug 007 stays /posts/007/, tags 0x1F and 1.50 stay as written", () => {
    const { parsed, lines, warnings } = parse(
      "title: 2024\ndate: 2025-01-01\nslug: 007\ntags: [0x1F, 1.50, 12]\nmain_topics: [1e3]\nauthor: 42",
    );
    expect(lines).toEqual([]);
    expect(parsed!.article.url).toBe(`${SITE}/posts/007/`);
    expect(parsed!.article.slug).toBe("007");
    expect(parsed!.article.tags).toEqual(["0x1F", "1.50", "12"]);
    expect(parsed!.article.tagSlugs).toEqual(["0x1f", "1.50", "12"]);
    expect(parsed!.article.topics).toEqual(["1e3"]);
    expect(parsed!.article.title).toBe("2024");
    expect(parsed!.article.authors).toEqual(["42"]);
    // Where YAML (and so Hugo) would have read another number, the publisher is told.
    expect(warnings).toContain('posts/a.md: slug: kept 007 as written (YAML reads it as the number 7; quote it to say so)');
    expect(warnings).toContain('posts/a.md: tags: kept 0x1F as written (YAML reads it as the number 31; quote it to say so)');
    expect(warnings.join("\n")).not.toContain("12 as written");
  });

  it("a number where true/false is expected is still refused, quoting what was written", () => {
    expect(parse("title: T\ndate: 2025-01-01\ndraft: 01").lines).toEqual([
      'posts/a.md: draft: must be true or false, got number 01',
    ]);
  });

  it("an empty author is no author", () => {
    expect(parse('title: T\ndate: 2025-01-01\nauthor: ""').parsed!.article.authors).toEqual([]);
    expect(parse('title: T\ndate: 2025-01-01\nauthor: "  "').parsed!.article.authors).toEqual([]);
  });

  it("numeric keys of unused fields do not clash", () => {
    expect(parse("title: T\ndate: 2025-01-01\nextra: {1: a, 2: b}").lines).toEqual([]);
  });
});

describe("slugs that would leave their section", () => {
  it.each([
    ["..", 'posts/a.md: slug: ".." is not a usable URL segment'],
    [".", 'posts/a.md: slug: "." is not a usable URL segment'],
    ['"  "', "posts/a.md: slug: is empty"],
    ['"a\\\\b"', 'posts/a.md: slug: "a\\\\b" must not contain'],
    ["../../etc", 'posts/a.md: slug: "../../etc" must not contain'],
    ['"a\\tb"', 'posts/a.md: slug: "a\\tb" must not contain'],
  ])("slug: %s", (slug, expected) => {
    const { lines } = parse(`title: T\ndate: 2025-01-01\nslug: ${slug}`);
    expect(lines.some((l) => l.startsWith(expected)), lines.join("\n")).toBe(true);
  });

  it("a file name that makes such a slug is refused too", () => {
    const { lines } = parse("title: T\ndate: 2025-01-01", "x", "posts/..md");
    expect(lines).toEqual([expect.stringMatching(/^posts\/\.\.md: slug: "\." is not a usable URL segment/)]);
  });
});

describe("article size", () => {
  it("a 20 MB article is refused, naming the file, before it is rendered", () => {
    const body = "Lorem ipsum dolor sit amet. ".repeat(750_000);
    const started = performance.now();
    const { lines, parsed } = parse("title: Big\ndate: 2025-01-01", body, "posts/big.md");
    expect(parsed).toBeUndefined();
    expect(lines).toEqual([`posts/big.md: size: 20.0 MiB is over the limit of ${MAX_ARTICLE_BYTES / 1024 / 1024} MiB for one article`]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("an article under the limit builds", () => {
    const { lines } = parse("title: T\ndate: 2025-01-01", "word ".repeat(100_000));
    expect(lines).toEqual([]);
  });
});

describe("sanitizing bodies and URLs", () => {
  const hostile = [
    "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(2)) [c](vbscript:msgbox(3)) [d](data:text/html,<script>alert(4)</script>)",
    "",
    '<a href="java&#x09;script:alert(5)">e</a> <a href=" javascript:alert(6)">f</a>',
    "",
    "![x](javascript:alert(7)) ![y](data:image/svg+xml,<svg/onload=alert(8)>)",
    "",
    "<script>alert(9)</script>",
    "",
    '<p onclick="alert(10)" style="color:red" class="evil">para</p>',
    "",
    '<img src="/i.png" onerror="alert(11)" alt="i">',
    "",
    '<iframe src="https://evil.example/"></iframe><style>body{display:none}</style><object data="x"></object><embed src="x">',
    "",
    '<form action="https://evil.example/"><input name="q"><button>go</button></form>',
    "",
    '<svg><script>alert(12)</script></svg><math><mi>x</mi></math>',
    "",
    '<meta http-equiv="refresh" content="0;url=https://evil.example/"><base href="https://evil.example/"><link rel="stylesheet" href="x.css">',
  ].join("\n");

  it("no script, handler, frame, style or script URL reaches the body; a warning names the file", () => {
    const { parsed, lines, warnings } = parse("title: T\ndate: 2025-01-01", hostile, "posts/x.md");
    expect(lines).toEqual([]);
    const html = parsed!.body;
    for (const bad of [
      "javascript:",
      "vbscript:",
      "data:text",
      "data:image/svg",
      "alert(",
      "<script",
      "onclick",
      "onerror",
      "onload",
      "style",
      "<iframe",
      "<object",
      "<embed",
      "<form",
      "<input",
      "<svg",
      "<math",
      "<meta",
      "<base",
      "<link",
      "evil",
    ]) {
      expect(html.toLowerCase(), bad).not.toContain(bad);
    }
    // Text of links and paragraphs survives; the image keeps its absolute src and alt.
    expect(html).toContain(">para</p>");
    expect(html).toContain(`<img src="${SITE}/i.png" alt="i" />`);
    expect(warnings.some((w) => w.startsWith("posts/x.md: body: removed "))).toBe(true);
    expect(warnings.join("\n")).toContain("<script>");
    expect(warnings.join("\n")).toContain("javascript:");
  });

  it("keeps what articles legitimately use", () => {
    const body = [
      "## Heading",
      "",
      "- one",
      "- [x] done",
      "",
      "1. first",
      "",
      "| a | b |",
      "|:-:|--:|",
      "| 1 | 2 |",
      "",
      "```js",
      "let a = 1 < 2;",
      "```",
      "",
      "> quoted `code` **bold** _em_ ~~del~~",
      "",
      '<figure><img src="/a b.png" alt="A" title="T" width="640" height="480"><figcaption>Cap</figcaption></figure>',
      "",
      '<details><summary>More</summary>Hidden</details> <kbd>K</kbd> <sub>2</sub><sup>3</sup> <abbr title="HyperText">HTML</abbr>',
      "",
      "[mail](mailto:me@example.com) [web](https://example.org/?a=1&b=2) ![png](data:image/png;base64,iVBORw0KGgo=)",
      "",
      "Text[^1]",
      "",
      "[^1]: Note",
    ].join("\n");
    const { parsed, warnings } = parse("title: T\ndate: 2025-01-01", body);
    const html = parsed!.body;
    const url = `${SITE}/posts/a/`;
    expect(warnings).toEqual([]);
    for (const good of [
      "<h2>Heading</h2>",
      "<li>one</li>",
      '<input checked="" disabled="" type="checkbox" /> done',
      "<ol>",
      '<th align="center">a</th>',
      '<td align="right">2</td>',
      '<pre><code class="language-js">let a = 1 &lt; 2;',
      "<blockquote>",
      "<code>code</code>",
      "<strong>bold</strong>",
      "<em>em</em>",
      "<del>del</del>",
      `<figure><img src="${SITE}/a%20b.png" alt="A" title="T" width="640" height="480" /><figcaption>Cap</figcaption></figure>`,
      "<details><summary>More</summary>Hidden</details>",
      "<kbd>K</kbd>",
      '<abbr title="HyperText">HTML</abbr>',
      '<a href="mailto:me@example.com">mail</a>',
      '<a href="https://example.org/?a=1&amp;b=2">web</a>',
      '<img src="data:image/png;base64,iVBORw0KGgo=" alt="png" />',
      `<sup class="footnote-ref"><a href="${url}#fn-1" id="fnref-1" role="doc-noteref">1</a></sup>`,
      '<section class="footnotes" role="doc-endnotes">',
      `<li id="fn-1"><p>Note <a href="${url}#fnref-1" class="footnote-backref" role="doc-backlink">`,
    ]) {
      expect(html, good).toContain(good);
    }
  });

  it("characters XML forbids cannot come back through entities", () => {
    const { parsed } = parse("title: T\ndate: 2025-01-01", "<p>a&#1;b &#x8;c</p>");
    expect(parsed!.body).toContain("ab c");
  });

  it.each([
    ["javascript:alert(1)"],
    ["' JavaScript:alert(1)'"],
    ["vbscript:msgbox(1)"],
    ["data:image/png;base64,iVBORw0KGgo="],
  ])("featured_image %s is refused", (image) => {
    const { lines } = parse(`title: T\ndate: 2025-01-01\nfeatured_image: ${image}`);
    expect(lines).toEqual([expect.stringMatching(/^posts\/a\.md: featured_image: .* must be an http\(s\) URL or a path/)]);
  });

  it("featured_image as a path or an https URL is kept", () => {
    expect(parse("title: T\ndate: 2025-01-01\nfeatured_image: https://cdn.example.org/a.png").parsed!.article.image!.url).toBe(
      "https://cdn.example.org/a.png",
    );
  });

  it("exports a renderer version for caches of rendered output", () => {
    expect(RENDERER_VERSION).toMatch(/^\d+$/);
  });
});

describe("auto excerpts", () => {
  it("decode HTML entities", () => {
    expect(excerpt("<p>A &mdash; B&hellip; &euro;5 &copy; 2025 &#x4E2D;&#25991; &amp;amp; &nbsp;x</p>")).toBe("A — B… €5 © 2025 中文 &amp; x");
  });

  it("do not glue words at <br> or block boundaries", () => {
    expect(excerpt("<p>one<br>two<br/>three</p><h2>Four</h2><ul><li>five</li><li>six</li></ul>")).toBe("one two three Four five six");
    expect(excerpt("<table><tr><th>a</th><th>b</th></tr><tr><td>c</td><td>d</td></tr></table><dl><dt>e</dt><dd>f</dd></dl>")).toBe("a b c d e f");
    expect(excerpt("<figure><img src=x><figcaption>cap</figcaption></figure><p>next</p>")).toBe("cap next");
  });

  it("an article's summary made from its body reads as text", () => {
    const { parsed } = parse("title: T\ndate: 2025-01-01", "Price &euro;5 &mdash; now  \nor later&hellip;");
    expect(parsed!.article.summary).toBe("Price €5 — now or later…");
  });
});
