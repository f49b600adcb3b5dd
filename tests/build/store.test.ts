/**
 * The content store at a size that spans many packs: the Content interface read from the
 * files the build wrote gives exactly what a plain scan of the compiled articles gives.
 */
import { mkdtempSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildContent, type BuildResult } from "../../scripts/content/build.js";
import { openStore } from "../../scripts/content/read.js";
import { writeStore } from "../../scripts/content/store.js";
import { PACK_SIZE } from "../../src/content/format.js";
import type { Article, Content } from "../../src/content/index.js";
import { archivePlan, pageItems } from "../../src/feeds/paging.js";

const SITE = "https://news.example.com";
const N = 1500;
const TAGS = ["人工智能", "Open Source", "数据安全", "Rust", "GPU", "稀有标签"];
const TOPICS = ["产业生态", "技术前沿", "政策监管"];
const NOW = Date.UTC(2026, 0, 1);

/** Small articles: a few future-dated, a few drafts, tags with very different frequencies. */
function corpus(): string {
  const dir = mkdtempSync(join(tmpdir(), "tidings-store-"));
  mkdirSync(join(dir, "posts"));
  for (let i = 0; i < N; i++) {
    const tags = TAGS.filter((_, t) => (t === 5 ? i % 397 === 0 : (i * (t + 3)) % (t + 2) === 0));
    const topics = TOPICS.filter((_, t) => i % (t + 2) === 1);
    const day = new Date(Date.UTC(2020, 0, 1) + i * 36 * 3_600_000 + (i % 7) * 1000);
    const date = i % 250 === 249 ? "2030-01-01T00:00:00+08:00" : day.toISOString().replace(".000Z", "+00:00");
    const front = [`title: "文章 ${i}"`, `date: ${date}`, `tags: ${JSON.stringify(tags)}`, `main_topics: ${JSON.stringify(topics)}`];
    if (i % 300 === 7) front.push("draft: true");
    writeFileSync(join(dir, "posts", `a${i}.md`), `---\n${front.join("\n")}\n---\n\n正文 **${i}** [link](/x/${i}/)\n`);
  }
  return dir;
}

let built: BuildResult;
let content: Content;
let assets: string;
let articles: Article[];

beforeAll(async () => {
  built = await buildContent({ contentDir: corpus(), siteUrl: SITE, threads: 1 });
  expect(built.problems).toEqual([]);
  const out = mkdtempSync(join(tmpdir(), "tidings-store-out-"));
  assets = join(out, "assets");
  await writeStore(assets, out, { data: built.index!, digests: built.digests!, record: built.record! });
  content = await openStore(assets);
  articles = built.data!.articles;
}, 60_000);

const visible = () => articles.filter((a) => a.published <= NOW);
const has = (a: Article, kind: "tags" | "topics", slugs: string[]) =>
  slugs.length === 0 || slugs.some((s) => (kind === "tags" ? a.tagSlugs : a.topicSlugs).includes(s));

describe("content store spanning many packs", () => {
  it("writes one metadata and one body file per pack of the newest-together layout", () => {
    const packs = Math.ceil(articles.length / PACK_SIZE);
    expect(packs).toBeGreaterThan(20);
    expect(readdirSync(join(assets, "__content", "m"))).toHaveLength(packs);
    expect(readdirSync(join(assets, "__content", "b"))).toHaveLength(packs);
    expect(statSync(join(assets, "__content", "index.bin")).size).toBeLessThan(64 * 1024);
    expect(content.size).toBe(articles.length);
  });

  it("selects exactly what a scan of every article selects: scopes, filters, visibility", async () => {
    const slugs = { tags: built.data!.tags.map((t) => t.slug), topics: built.data!.topics.map((t) => t.slug) };
    const queries = [
      { tags: [], topics: [] },
      ...slugs.tags.map((s) => ({ scope: { kind: "tags" as const, slug: s }, tags: [], topics: [] })),
      ...slugs.topics.map((s) => ({ scope: { kind: "topics" as const, slug: s }, tags: [], topics: [] })),
      { tags: [slugs.tags[0]!, slugs.tags[3]!], topics: [] },
      { tags: [slugs.tags[1]!], topics: [slugs.topics[0]!, slugs.topics[2]!] },
      { scope: { kind: "topics" as const, slug: slugs.topics[1]! }, tags: [slugs.tags[2]!], topics: [slugs.topics[0]!] },
    ];
    for (const q of queries) {
      const expected = visible()
        .filter((a) => !q.scope || has(a, q.scope.kind, [q.scope.slug]))
        .filter((a) => has(a, "tags", q.tags) && has(a, "topics", q.topics))
        .map((a) => a.id);
      const selection = content.select(q, NOW);
      const got = await content.articles(selection.slice(0));
      expect(got.map((a) => a.id), JSON.stringify(q)).toEqual(expected);
    }
  });

  it("pages (RFC 5005) and bodies agree with the compiled articles", async () => {
    const all = content.select({ tags: [], topics: [] }, NOW);
    const plan = archivePlan(all.length, 20);
    expect(plan.pages).toBeGreaterThan(PACK_SIZE / 20);
    const ids = async (positions: number[]) => {
      const [metas, bodies] = await Promise.all([content.articles(positions), content.bodies(positions)]);
      metas.forEach((a, i) => expect(bodies[i]).toBe(built.data!.bodies[articles.findIndex((x) => x.id === a.id)]));
      return metas.map((a) => a.id);
    };
    const expected = visible().map((a) => a.id);
    // The current document: the limit newest; the archives, newest first: every item once.
    expect(await ids(pageItems(all, plan)!)).toEqual(expected.slice(0, 20));
    const archived: string[] = [];
    for (let page = plan.pages; page >= 1; page--) archived.push(...(await ids(pageItems(all, plan, page)!)));
    expect(archived).toEqual(expected.slice(expected.length - archived.length));
    expect(new Set([...archived, ...expected.slice(0, 20)]).size).toBe(expected.length);
  });

  it("counts terms in the catalogue as a scan does, with each term's newest article", async () => {
    for (const kind of ["tags", "topics"] as const) {
      const catalogue = content.catalogue(kind, NOW);
      for (const term of built.data![kind]) {
        const carrying = visible().filter((a) => has(a, kind, [term.slug]));
        const stats = catalogue.get(term.slug);
        if (carrying.length === 0) {
          expect(stats).toBeUndefined();
          continue;
        }
        expect(stats?.count).toBe(carrying.length);
        expect((await content.articles([stats!.newest]))[0]!.id).toBe(carrying[0]!.id);
      }
    }
    expect(content.catalogue("tags", NOW).get("稀有标签")!.count).toBeLessThan(5);
  });

  it("reads a few files for any one term's feed, however scattered its articles: at most 3 for 20 items, 6 for 100 (metadata + body chunks of 32)", async () => {
    for (const kind of ["tags", "topics"] as const) {
      for (const term of built.data![kind]) {
        for (const limit of [20, 100]) {
          const reads: string[] = [];
          const counted = await openStore(assets, (path) => reads.push(path));
          const positions = counted.select({ scope: { kind, slug: term.slug }, tags: [], topics: [] }, NOW).slice(0, limit);
          const [metas, bodies] = await Promise.all([counted.articles(positions), counted.bodies(positions)]);
          const expected = visible().filter((a) => has(a, kind, [term.slug])).slice(0, limit);
          expect(metas.map((a) => a.id), `${kind} ${term.slug}`).toEqual(expected.map((a) => a.id));
          metas.forEach((a, i) => expect(bodies[i]).toBe(built.data!.bodies[articles.findIndex((x) => x.id === a.id)]));
          const packReads = reads.filter((r) => !r.endsWith("index.bin"));
          expect(packReads.length, `${kind} ${term.slug} limit ${limit}: ${packReads.join(" ")}`).toBeLessThanOrEqual(limit === 20 ? 3 : 6);
        }
      }
    }
  });

  it("reads each body once while writing, though term packs copy them", async () => {
    const asked = new Map<number, number>();
    const out = mkdtempSync(join(tmpdir(), "tidings-store-once-"));
    const stats = await writeStore(join(out, "assets"), out, {
      data: built.index!,
      digests: built.digests!,
      record: (p) => {
        asked.set(p, (asked.get(p) ?? 0) + 1);
        return built.record!(p);
      },
    });
    expect(stats.files).toBeGreaterThan(2 * Math.ceil(articles.length / PACK_SIZE)); // term packs too
    expect(asked.size).toBe(articles.length);
    expect(Math.max(...asked.values())).toBe(1);
  });

  it("lists every id newest first for the digest ledger", async () => {
    expect(await content.ids()).toEqual(articles.map((a) => a.id));
  });
});
