/**
 * Baseline: the same feed generated with the `feed` package (v6), as a site would do it
 * on every request without our serializer. Shared by the in-process microbenchmark and
 * the bench-only Worker entry, so both baselines are the same code.
 * Type-only imports: this file is also copied into the temporary Worker project.
 */
import { Feed } from "feed";
import type { Article } from "../../src/content/types.js";

export interface FeedLibInput {
  title: string;
  description: string;
  language: string;
  author: string;
  homeUrl: string;
  selfUrl: string;
  siteUrl: string;
  articles: readonly Article[];
  body: (article: Article) => string;
}

export type FeedLibFormat = "rss" | "atom" | "json";

export function renderWithFeedLib(input: FeedLibInput, format: FeedLibFormat): string {
  const base = input.siteUrl.replace(/\/$/, "");
  const newest = input.articles.reduce((max, a) => Math.max(max, a.updatedMs), 0);
  const feed = new Feed({
    id: input.selfUrl,
    title: input.title,
    description: input.description,
    link: input.homeUrl,
    language: input.language,
    updated: new Date(newest),
    generator: "Tidings",
    feedLinks: { [format]: input.selfUrl },
    author: { name: input.author },
  });
  for (const a of input.articles) {
    feed.addItem({
      title: a.title,
      id: a.id,
      guid: a.id,
      link: a.url,
      date: new Date(a.updatedMs),
      published: new Date(a.published),
      description: a.summary,
      content: input.body(a),
      // feed@6 json1() crashes on an empty author list.
      ...(a.authors.length ? { author: a.authors.map((name) => ({ name })) } : {}),
      category: [
        ...a.tags.map((name) => ({ name, domain: `${base}/tags/`, scheme: `${base}/tags/` })),
        ...a.topics.map((name) => ({ name, domain: `${base}/topics/`, scheme: `${base}/topics/` })),
      ],
      ...(a.image ? { image: { url: a.image.url, type: a.image.type, length: 0 } } : {}),
    });
  }
  return format === "rss" ? feed.rss2() : format === "atom" ? feed.atom1() : feed.json1();
}
