/**
 * The browser view of a feed: what a person sees on opening a feed URL in a browser.
 * Explains what a feed is and how to subscribe, with the URL to copy; readers still get
 * the feed itself from the same URL (see src/lib/negotiate.ts). No XSLT.
 */
import { FEED_FORMATS, FORMAT_NAMES, type FeedFormat } from "../../src/lib/feed-formats.js";
import type { FeedDocument } from "../../src/feeds/model.js";
import { format as fmt, messagesFor } from "../../src/i18n/index.js";
import { Layout } from "../layout.js";
import { CopyField, CopyScript, FeedItems, PAGE_STYLES } from "./feed-parts.js";

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
  const t = messagesFor(meta.language);
  const m = t.feedView;
  const older = meta.links.find((l) => l.rel === "prev-archive");
  const current = meta.links.find((l) => l.rel === "current");
  const newer = meta.links.find((l) => l.rel === "next-archive") ?? current;
  // An archive page is history: what to subscribe to is the current feed, under its
  // canonical file name (Hugo's index.xml is offered as rss.xml).
  const feedUrl = archivePage && current ? current.href : meta.formatUrls[format];
  return (
    <Layout
      title={`${meta.title} — ${FORMAT_NAMES[format]}`}
      lang={meta.language}
      head={<style dangerouslySetInnerHTML={{ __html: PAGE_STYLES }} />}
    >
      <p class="muted">
        {fmt(m.kind, { format: FORMAT_NAMES[format] })}
        {archivePage ? ` · ${fmt(m.archive, { page: archivePage })}` : ""}
      </p>
      <h1>{meta.title}</h1>
      <section class="card" aria-labelledby="how">
        <h2 id="how" style="margin-top:0">
          {m.how}
        </h2>
        <p class="lead">{m.lead}</p>
        {archivePage ? <p>{m.archiveNote}</p> : null}
        <CopyField t={t} id="feed-url" label={FORMAT_NAMES[format]} url={feedUrl} />
        <p class="formats-inline">
          {archivePage ? m.otherFormatsArchive : m.otherFormats}:{" "}
          {FEED_FORMATS.filter((f) => f !== format).map((f) => (
            <a href={meta.formatUrls[f]}>{FORMAT_NAMES[f]}</a>
          ))}
        </p>
        <p>
          <a href={subscribePath}>{m.emailInstead}</a> · <a href={pagePath}>{m.readOnWeb}</a> · <a href="/feeds">{m.allFeeds}</a>
        </p>
      </section>
      <h2>{archivePage ? m.archiveArticles : m.latest}</h2>
      <FeedItems t={t} items={items} />
      {older || newer ? (
        <nav aria-label={m.history} class="formats-inline">
          {newer ? <a href={newer.href}>{m.newer}</a> : null}
          {older ? <a href={older.href}>{m.older}</a> : null}
        </nav>
      ) : null}
      <CopyScript t={t} />
    </Layout>
  );
}
