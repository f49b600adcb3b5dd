/**
 * The browser view of a feed: what a person sees on opening a feed URL in a browser.
 * Explains what a feed is and how to subscribe, with the URL to copy; readers still get
 * the feed itself from the same URL (see src/feeds/negotiate.ts). No XSLT.
 */
import type { FeedDocument } from "../../src/feeds/model.js";
import type { FeedFormat } from "../../src/lib/urls.js";
import { Layout } from "../layout.js";
import { CopyField, CopyScript, FeedItems, FORMAT_NAMES, FORMATS, PAGE_STYLES } from "./feed-parts.js";

export interface FeedViewProps {
  doc: FeedDocument;
  format: FeedFormat;
  /** Landing page of this feed on this Worker (`/`, `/tags/x/`). */
  pagePath: string;
  /** Subscribe-by-email page preselected for this feed. */
  subscribePath: string;
  /** Set on RFC 5005 archive pages (1 = oldest). */
  archivePage?: number;
}

export function FeedViewPage({ doc, format, pagePath, subscribePath, archivePage }: FeedViewProps) {
  const { meta, items } = doc;
  const older = meta.links.find((l) => l.rel === "prev-archive");
  const current = meta.links.find((l) => l.rel === "current");
  const newer = meta.links.find((l) => l.rel === "next-archive") ?? current;
  // An archive page is history: what to subscribe to is the current feed.
  const feedUrl = archivePage && current ? current.href : meta.selfUrl;
  return (
    <Layout
      title={`${meta.title} — ${FORMAT_NAMES[format]}`}
      lang={meta.language}
      head={<style dangerouslySetInnerHTML={{ __html: PAGE_STYLES }} />}
    >
      <p class="muted">
        {FORMAT_NAMES[format]} feed · 订阅源{archivePage ? ` · archive page ${archivePage} (1 is the oldest) 历史存档` : ""}
      </p>
      <h1>{meta.title}</h1>
      <section class="card" aria-labelledby="how">
        <h2 id="how" style="margin-top:0">
          Subscribe to this feed · 订阅这个源
        </h2>
        <p class="lead">
          This page is a <strong>web feed</strong>. Paste its address into a feed reader (Feedly, Inoreader,
          NetNewsWire, Miniflux, newsboat…) and new articles arrive there by themselves.
        </p>
        <p>这是一个订阅源（Feed）。把下面的地址复制到你的阅读器中，即可自动收到新文章。</p>
        {archivePage ? (
          <p>
            This is an archive page, kept for readers that back-fill history; subscribe to the feed itself. 本页为历史存档，请订阅下面的源。
          </p>
        ) : null}
        <CopyField id="feed-url" label={FORMAT_NAMES[format]} url={feedUrl} />
        <p class="formats-inline">
          {archivePage ? "This page in other formats 本页其他格式" : "Other formats 其他格式"}:{" "}
          {FORMATS.filter((f) => f !== format).map((f) => (
            <a href={meta.formatUrls[f]}>{FORMAT_NAMES[f]}</a>
          ))}
        </p>
        <p>
          <a href={subscribePath}>Email me new articles instead 改用邮件订阅</a> ·{" "}
          <a href={pagePath}>Read on the web 网页浏览</a> · <a href="/feeds">All feeds 全部订阅源</a>
        </p>
      </section>
      <h2>{archivePage ? "Articles on this archive page 本页文章" : "Latest articles 最新文章"}</h2>
      <FeedItems items={items} />
      {older || newer ? (
        <nav aria-label="Feed history" class="formats-inline">
          {newer ? <a href={newer.href}>← Newer 较新</a> : null}
          {older ? <a href={older.href}>Older 较早 →</a> : null}
        </nav>
      ) : null}
      <CopyScript />
    </Layout>
  );
}
