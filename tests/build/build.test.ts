/** The content build: validation (every problem at once), rendering, determinism. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { article, contentDir } from "./content-fixtures.js";
import { parseArticle } from "../../scripts/content/article.js";
import { rememberingTermSlug, termSlug } from "../../src/lib/terms.js";
import { buildContent, toModule } from "../../scripts/content/build.js";
import { excerpt } from "../../scripts/content/excerpt.js";
import { treeBytes } from "../support/tree.js";

const SITE = "https://news.example.com";

function problemsOf(front: string, file = "posts/a.md"): string[] {
  return parseArticle(file, article(front), { siteUrl: SITE }).problems.map((p) => `${p.file}: ${p.field}: ${p.reason}`);
}

describe("front matter validation: one test per error", () => {
  it.each([
    ["missing title", "date: 2025-06-27T09:10:04+08:00", "posts/a.md: title: is required"],
    ["empty title", "title: ''\ndate: 2025-06-27", "posts/a.md: title: is required"],
    ["title not text", "title: [a, b]\ndate: 2025-06-27", "posts/a.md: title: must be a string, got a list"],
    ["missing date", "title: T", "posts/a.md: date: is required"],
    ["invalid date", "title: T\ndate: 27/06/2025", 'posts/a.md: date: "27/06/2025" is not a valid ISO 8601 date'],
    ["impossible date", "title: T\ndate: 2025-02-30T10:00:00+08:00", 'posts/a.md: date: "2025-02-30T10:00:00+08:00" is not a valid'],
    ["bad offset", "title: T\ndate: 2025-06-27T10:00:00+25:00", "posts/a.md: date: "],
    ["lastmod invalid", "title: T\ndate: 2025-06-27\nlastmod: soon", 'posts/a.md: lastmod: "soon" is not a valid'],
    ["lastmod before date", "title: T\ndate: 2025-06-27\nlastmod: 2025-06-01", "posts/a.md: lastmod: is earlier than date"],
    ["draft not boolean", "title: T\ndate: 2025-06-27\ndraft: maybe", 'posts/a.md: draft: must be true or false, got string "maybe"'],
    ["tags not a list", "title: T\ndate: 2025-06-27\ntags: AI", 'posts/a.md: tags: must be a list of strings, got string "AI"'],
    ["tag not a string", "title: T\ndate: 2025-06-27\ntags: [AI, {x: 1}]", "posts/a.md: tags: item 2 must be a non-empty string, got a mapping"],
    ["empty tag", "title: T\ndate: 2025-06-27\ntags: [AI, '']", "posts/a.md: tags: item 2 must be a non-empty string"],
    ["tag without letters", "title: T\ndate: 2025-06-27\ntags: ['!!!']", 'posts/a.md: tags: item 1 ("!!!") has no letters or digits'],
    ["main_topics not a list", "title: T\ndate: 2025-06-27\nmain_topics: 产业", 'posts/a.md: main_topics: must be a list of strings, got string "产业"'],
    ["topic not a string", "title: T\ndate: 2025-06-27\nmain_topics: [[a]]", "posts/a.md: main_topics: item 1 must be a non-empty string, got a list"],
    ["slug with a slash", "title: T\ndate: 2025-06-27\nslug: a/b", 'posts/a.md: slug: "a/b" must not contain'],
    ["author not text", "title: T\ndate: 2025-06-27\nauthor: {name: x}", "posts/a.md: author: must be a string or a list of strings, got a mapping"],
    ["invalid YAML", "title: 'unclosed\ndate: x", "posts/a.md: front matter: invalid YAML"],
    ["front matter not a mapping", "- a\n- b", "posts/a.md: front matter: must be a YAML mapping"],
  ])("%s", (_name, front, expected) => {
    const problems = problemsOf(front);
    expect(problems.some((p) => p.startsWith(expected)), problems.join("\n")).toBe(true);
  });

  it("missing front matter", () => {
    const { problems } = parseArticle("posts/x.md", "# Just markdown\n", { siteUrl: SITE });
    expect(problems).toEqual([{ file: "posts/x.md", field: "front matter", reason: expect.stringContaining("missing") }]);
  });

  it("duplicate slugs across files", async () => {
    const dir = contentDir({
      "posts/one.md": article("title: One\ndate: 2025-01-01\nslug: same"),
      "posts/two.md": article("title: Two\ndate: 2025-01-02\nslug: same"),
    });
    const result = await buildContent({ contentDir: dir, siteUrl: SITE });
    expect(result.data).toBeUndefined();
    expect(result.problems).toEqual([
      { file: "posts/two.md", field: "slug", reason: expect.stringContaining("already used by posts/one.md") },
    ]);
  });

  it("reports every problem of every file at once, and the CLI exits 1 listing them", () => {
    const dir = contentDir({
      "posts/good.md": article("title: Good\ndate: 2025-01-01"),
      "posts/bad1.md": article("date: nope\ntags: x"),
      "posts/bad2.md": article("title: T\ndate: 2025-01-01\ndraft: 1\nmain_topics: [1, '']"),
    });
    const out = mkdtempSync(join(tmpdir(), "tidings-out-"));
    const run = spawnSync("npx", ["tsx", "scripts/build-content.ts", "--content", dir, "--out", out, "--cache", `${out}-cache`], { encoding: "utf8" });
    expect(run.status).toBe(1);
    const lines = run.stderr.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("posts/"));
    expect(lines).toEqual([
      "posts/bad1.md: title: is required",
      'posts/bad1.md: date: "nope" is not a valid ISO 8601 date (e.g. 2025-06-27T09:10:04+08:00)',
      'posts/bad1.md: tags: must be a list of strings, got string "x"',
      "posts/bad2.md: draft: must be true or false, got number 1",
      'posts/bad2.md: main_topics: item 2 must be a non-empty string, got string ""',
    ]);
    expect(run.stderr).toContain("build failed: 5 problem(s)");
  });
});

describe("articles", () => {
  const seed = article(
    `title: 元宇宙巨头入局：Meta收购Scale AI
date: 2025-06-27T09:10:04+08:00
draft: false
featured_image: /images/default (1).png
tags:
  - 人工智能
  - Scale AI
main_topics:
  - 产业生态与商业版图`,
    `> 引言

正文[^1]，再次[^1]。[相对链接](/posts/other/) 和 ![图](images/本地 图.jpg)

## 引用
[^1]: 来源一
[^2]: 来源二（未引用）
[^3]: 来源三（未引用）`,
  );

  it("keeps the date's original offset", () => {
    const { parsed } = parseArticle("posts/meta.md", seed, { siteUrl: SITE });
    expect(parsed!.article.date).toBe("2025-06-27T09:10:04+08:00");
    expect(parsed!.article.published).toBe(Date.parse("2025-06-27T01:10:04Z"));
    const z = parseArticle("posts/z.md", article("title: T\ndate: 2025-06-27T09:10:04Z"), { siteUrl: SITE });
    expect(z.parsed!.article.date).toBe("2025-06-27T09:10:04Z");
    const bare = parseArticle("posts/d.md", article("title: T\ndate: 2025-06-27"), { siteUrl: SITE });
    expect(bare.parsed!.article.date).toBe("2025-06-27T00:00:00Z");
  });

  it("renders footnotes with back-links, keeps unreferenced definitions, makes links absolute", () => {
    const { parsed } = parseArticle("posts/meta.md", seed, { siteUrl: SITE });
    const html = parsed!.body;
    const url = `${SITE}/posts/meta/`;
    expect(html).toContain(`<a href="${url}#fn-1" id="fnref-1" role="doc-noteref">1</a>`);
    expect(html).toContain(`<a href="${url}#fn-1" id="fnref-1-2" role="doc-noteref">1</a>`);
    expect(html).toContain(`<li id="fn-1"><p>来源一 <a href="${url}#fnref-1"`);
    expect(html).toContain(`href="${url}#fnref-1-2"`);
    expect(html).toContain(`<li id="fn-2"><p>来源二（未引用）</p></li>`);
    expect(html).toContain(`<li id="fn-3"><p>来源三（未引用）</p></li>`);
    // The list stands where the definitions were: right after the 引用 heading.
    expect(html).toMatch(/<h2>引用<\/h2>\n<section class="footnotes"/);
    expect(html).toContain(`href="${SITE}/posts/other/"`);
    expect(html).toContain(`src="${url}images/%E6%9C%AC%E5%9C%B0%20%E5%9B%BE.jpg"`);
    expect(parsed!.article.image).toEqual({ url: `${SITE}/images/default%20(1).png`, type: "image/png" });
  });

  it("keeps footnotes whose label holds a colon, an ampersand or digits after a colon", () => {
    const md = "A[^src:1] B[^a&b] C[^src:1] D[^x:y:z]\n\n[^src:1]: One.\n[^a&b]: Two.\n[^x:y:z]: Three.\n";
    const { parsed, problems, warnings } = parseArticle("posts/colon.md", `---\ntitle: Colons\ndate: 2025-01-01T00:00:00Z\n---\n${md}`, { siteUrl: SITE });
    expect(problems).toEqual([]);
    expect(warnings).toEqual([]);
    const html = parsed!.body;
    const url = `${SITE}/posts/colon/`;
    expect(html).not.toContain("fnref:");
    expect(html).not.toContain("\u0000");
    expect(html).toContain(`<a href="${url}#fn-1" id="fnref-1" role="doc-noteref">1</a>`);
    expect(html).toContain(`<a href="${url}#fn-1" id="fnref-1-2" role="doc-noteref">1</a>`);
    expect(html).toContain(`<a href="${url}#fn-2" id="fnref-2" role="doc-noteref">2</a>`);
    expect(html).toContain(`<a href="${url}#fn-3" id="fnref-3" role="doc-noteref">3</a>`);
    expect(html).toContain(`<li id="fn-3"><p>Three. <a href="${url}#fnref-3"`);
  });

  it("numbers footnotes without gaps when a reference names no definition, and keeps footnote markup out of an image's text", () => {
    const md = "A[^x] B[^1] C[^2]\n\n![see [^1]](/i.png)\n\n[^1]: One.\n[^2]: Two.\n[^3]: Unreferenced.\n";
    const { parsed, warnings } = parseArticle("posts/gaps.md", `---\ntitle: Gaps\ndate: 2025-01-01T00:00:00Z\n---\n${md}`, { siteUrl: SITE });
    expect(warnings).toEqual(["posts/gaps.md: footnote [^x] is referenced but never defined"]);
    const html = parsed!.body;
    const url = `${SITE}/posts/gaps/`;
    expect(html).toContain(`A[^x] B<sup class="footnote-ref"><a href="${url}#fn-1" id="fnref-1" role="doc-noteref">1</a></sup>`);
    expect(html).toContain(`<a href="${url}#fn-2" id="fnref-2" role="doc-noteref">2</a>`);
    expect(html).toContain(`<li id="fn-3"><p>Unreferenced.</p></li>`);
    expect(html).not.toContain('id="fn-4"');
    // The image's text is an attribute: the reference in it is text there, never markup.
    expect(html).toMatch(/<img src="[^"]*" alt="see &lt;sup[^"]*">/);
  });

  it("builds term slugs the Hugo way", () => {
    const { parsed } = parseArticle("posts/meta.md", seed, { siteUrl: SITE });
    expect(parsed!.article.tagSlugs).toEqual(["人工智能", "scale-ai"]);
    expect(parsed!.article.topicSlugs).toEqual(["产业生态与商业版图"]);
  });

  it("strips characters XML forbids, with a warning naming the file", () => {
    const result = parseArticle("posts/ctl.md", article("title: \"bad\\u0001title\"\ndate: 2025-01-01", "x\u0000y\u0008z"), {
      siteUrl: SITE,
    });
    expect(result.warnings.join("\n")).toContain("posts/ctl.md: removed characters that XML 1.0 forbids");
    expect(result.warnings.join("\n")).toContain("posts/ctl.md: front matter: removed characters");
    expect(result.parsed!.body).toContain("xyz");
    expect(result.parsed!.article.title).toBe("badtitle");
  });

  it("strips what a YAML escape alone produces (the body and the raw text are clean)", () => {
    const result = parseArticle("posts/esc.md", article('title: "bad\\x07bell\\uD800"\ndate: 2025-01-01\ntags: ["a\\u0000b"]', "clean"), { siteUrl: SITE });
    const warnings = result.warnings.join("\n");
    expect(warnings).not.toContain("posts/esc.md: removed characters that XML 1.0 forbids");
    expect(warnings).toContain("posts/esc.md: front matter: removed characters");
    expect(result.parsed!.article.title).toBe("badbell");
    expect(result.parsed!.article.tags).toEqual(["ab"]);
    expect(result.parsed!.article.tagSlugs).toEqual(["ab"]);
  });

  it("remembers slugs only up to its bound, and stays right past it", () => {
    const slug = rememberingTermSlug(2);
    const names = ["Scale AI", "C++", "数据 安全", "Scale AI", "ＡＩ", "C++"];
    for (let round = 0; round < 3; round++) expect(names.map(slug)).toEqual(names.map((n) => termSlug(n)));
  });

  it("gives every spelling of a term its own slug, however many articles repeat it", () => {
    const spellings = ["Scale AI", "scale ai", "Ｓｃａｌｅ　AI", "C++", "数据 安全"];
    for (let round = 0; round < 3; round++) {
      spellings.forEach((tag, i) => {
        const { parsed } = parseArticle(`posts/s${round}-${i}.md`, article(`title: T\ndate: 2025-01-01\ntags: [${JSON.stringify(tag)}]`, "x"), { siteUrl: SITE });
        expect(parsed!.article.tagSlugs).toEqual([termSlug(tag)]);
      });
    }
  });

  it("cuts excerpts by grapheme, never inside an emoji sequence", () => {
    const family = "👨‍👩‍👧";
    const text = "a".repeat(159) + family + "b".repeat(50);
    expect(excerpt(`<p>${text}</p>`)).toBe("a".repeat(159) + family + "…");
    const cjk = excerpt(`<p>${"数据".repeat(200)}</p>`, 5);
    expect(cjk).toBe("数据数据数…");
    const short = parseArticle("posts/s.md", article("title: T\ndate: 2025-01-01", "Hello 🚀 &amp; <b>world</b>[^1]\n\n[^1]: note"), {
      siteUrl: SITE,
    });
    expect(short.parsed!.article.summary).toBe("Hello 🚀 & world");
  });

  it("maps image types to registered MIME types", () => {
    const jpg = parseArticle("posts/j.md", article("title: T\ndate: 2025-01-01\nfeatured_image: /a/b.JPG"), { siteUrl: SITE });
    expect(jpg.parsed!.article.image!.type).toBe("image/jpeg");
  });
});

describe("build output", () => {
  it("skips drafts, keeps future articles (visibility is decided at request time), merges term spellings", async () => {
    const dir = contentDir({
      "posts/a.md": article("title: A\ndate: 2025-01-01\ntags: [Scale AI]"),
      "posts/b.md": article("title: B\ndate: 2025-01-02\ndraft: true\ntags: [x]"),
      "posts/c.md": article("title: C\ndate: 2099-01-01T00:00:00+08:00\ntags: [scale ai]"),
    });
    const { data } = await buildContent({ contentDir: dir, siteUrl: SITE });
    expect(data!.articles.map((a) => a.title)).toEqual(["C", "A"]);
    expect(data!.tags).toEqual([{ kind: "tags", slug: "scale-ai", name: "Scale AI" }]);
  });

  it("is byte-identical across two builds, and with or without worker threads", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) {
      files[`posts/p${i}.md`] = article(`title: 文章 ${i}\ndate: 2025-01-${String((i % 28) + 1).padStart(2, "0")}T08:00:00+08:00\ntags: [t${i % 4}, 共同]`, `正文 ${i}[^1]\n\n[^1]: 注`);
    }
    const dir = contentDir(files);
    const outs = [mkdtempSync(join(tmpdir(), "o1-")), mkdtempSync(join(tmpdir(), "o2-"))];
    for (const out of outs) execFileSync("npx", ["tsx", "scripts/build-content.ts", "--content", dir, "--out", out, "--cache", `${out}-cache`, "--quiet"]);
    const [first, second] = outs.map((o) => treeBytes(o));
    expect(first!.size).toBeGreaterThan(4);
    expect(first).toEqual(second);
    const single = await buildContent({ contentDir: dir, siteUrl: SITE, threads: 1 });
    const threaded = await buildContent({ contentDir: dir, siteUrl: SITE, threads: 2 });
    expect(threaded.module).toBe(single.module);
    expect(toModule(single.data!)).toBe(single.module);
  }, 60_000);
});
