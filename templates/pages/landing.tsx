/** Landing pages `/`, `/topics/{topic}/`, `/tags/{tag}/`: latest articles + autodiscovery. */
import { FEED_FORMATS, FORMAT_NAMES } from "../../src/lib/feed-formats.js";
import type { FeedDocument } from "../../src/feeds/model.js";
import { fill, messagesFor } from "../../src/i18n/index.js";
import { Layout } from "../layout.js";
import { Autodiscovery, FeedItems, PAGE_STYLES } from "./feed-parts.js";

export interface LandingProps {
  doc: FeedDocument;
  /** Display heading: the site title or the term's name. */
  heading: string;
  /** The kind of term (`Topic`, `专题`), absent on the home page. */
  kindLabel?: string;
  subscribePath: string;
}

export function LandingPage({ doc, heading, kindLabel, subscribePath }: LandingProps) {
  const { meta, items } = doc;
  const t = messagesFor(meta.language);
  const m = t.landing;
  return (
    <Layout
      title={meta.title}
      lang={meta.language}
      head={
        <>
          <meta name="description" content={meta.description} />
          <Autodiscovery title={meta.title} urls={meta.formatUrls} />
          <style dangerouslySetInnerHTML={{ __html: PAGE_STYLES }} />
        </>
      }
    >
      {kindLabel ? <p class="muted">{kindLabel}</p> : null}
      <h1>{heading}</h1>
      <p class="lead muted">{meta.description}</p>
      <p class="card formats-inline">
        <strong>{m.subscribe}</strong>{" "}
        {FEED_FORMATS.map((f) => (
          <a href={meta.formatUrls[f]}>{FORMAT_NAMES[f]}</a>
        ))}
        <a href={subscribePath}>{m.email}</a>
        <a href="/feeds">{m.allFeeds}</a>
      </p>
      <h2>{m.latest}</h2>
      <FeedItems t={t} items={items} />
    </Layout>
  );
}

/** Unknown or malformed term on a landing page: the reason, and the way to every feed. */
export function TermProblemPage({ reason, language }: { reason: string; language: string }) {
  const m = messagesFor(language).landing;
  return (
    <Layout title={m.notFound} lang={language}>
      <h1>{m.notFound}</h1>
      <p class="error">{reason}</p>
      <p>{fill(m.directory, { link: <a href="/feeds">{m.directoryLink}</a> })}</p>
    </Layout>
  );
}
