/**
 * GET /preferences/{token}: change topics, tags, cadence and time, pause; the personal
 * feed's URLs and a new one; unsubscribe from here.
 */
import type { Subscriber } from "../../src/subscribers/store.js";
import { dateFormatter, format, type Messages } from "../../src/i18n/index.js";
import { FEED_FORMATS, FORMAT_NAMES, type FeedFormat } from "../../src/lib/feed-formats.js";
import { COPY_STYLES, CopyField, CopyScript } from "./feed-parts.js";
import { PreferenceFields, type TermOption } from "./subscribe-fields.js";
import { SubscriberLayout, type PageSite } from "./subscribe-message.js";

export interface PreferencesPageProps {
  site: PageSite;
  subscriber: Subscriber;
  topics: TermOption[];
  tags: TermOption[];
  timeZones: readonly string[];
  action: string;
  unsubscribeAction: string;
  /** The personal feed, one URL per format. */
  feedUrls: Record<FeedFormat, string>;
  saved?: boolean;
  /** A new feed address was just issued. */
  feedRenewed?: boolean;
  error?: string;
}

export function PreferencesPage(props: PreferencesPageProps) {
  const { subscriber } = props;
  const { t } = props.site;
  const m = t.preferences;
  return (
    <SubscriberLayout site={props.site} title={m.title} styles={COPY_STYLES}>
      <h1>{m.title}</h1>
      <p>
        <strong>{subscriber.email}</strong> — <span class="muted">{m.status[subscriber.status]}</span>
      </p>
      {props.saved ? (
        <p class="notice" role="status">
          {m.saved}
        </p>
      ) : null}
      {props.error ? (
        <p class="notice error" role="alert">
          {props.error}
        </p>
      ) : null}
      {subscriber.status === "unsubscribed" ? (
        <form method="post" action={props.action}>
          <input type="hidden" name="action" value="resubscribe" />
          <p class="actions">
            <button type="submit">{m.resubscribe}</button>
          </p>
        </form>
      ) : null}
      {subscriber.pausedUntil ? (
        <p class="notice" role="status">
          {format(m.pausedNow, { date: dateFormatter(t)(subscriber.pausedUntil) })}
        </p>
      ) : null}
      <form method="post" action={props.action}>
        <PreferenceFields t={t} topics={props.topics} tags={props.tags} prefs={subscriber} timeZones={props.timeZones} />
        <div class="field">
          <label for="paused-until">{m.pause}</label>
          <input id="paused-until" type="date" name="pausedUntil" value={subscriber.pausedUntil ?? ""} />
          <p class="muted hint">{m.pauseHint}</p>
        </div>
        <div class="actions">
          <button type="submit">{m.save}</button>
        </div>
      </form>
      <PersonalFeed t={t} active={subscriber.status === "active"} urls={props.feedUrls} action={props.action} renewed={props.feedRenewed} />
      {subscriber.status === "active" || subscriber.status === "pending" ? (
        <>
          <h2>{m.leave}</h2>
          <form method="post" action={props.unsubscribeAction}>
            <button type="submit" class="danger">
              {m.unsubscribe}
            </button>
          </form>
        </>
      ) : null}
    </SubscriberLayout>
  );
}

/** The personal feed's three URLs (to copy) and the form that replaces them; shown while subscribed. */
function PersonalFeed({ t, active, urls, action, renewed }: { t: Messages; active: boolean; urls: Record<FeedFormat, string>; action: string; renewed?: boolean }) {
  const m = t.preferences;
  return (
    <section aria-labelledby="personal-feed">
      <h2 id="personal-feed">{m.feedTitle}</h2>
      {renewed ? (
        <p class="notice" role="status">
          {m.feedIssued}
        </p>
      ) : null}
      {active ? (
        <>
          <p class="muted hint">{m.feedHint}</p>
          {FEED_FORMATS.map((f) => (
            <CopyField t={t} id={`feed-${f}`} label={FORMAT_NAMES[f]} url={urls[f]} />
          ))}
          <form method="post" action={action}>
            <input type="hidden" name="action" value="new-feed-url" />
            <div class="actions">
              <button type="submit" class="secondary">
                {m.feedNew}
              </button>
              <span class="muted hint">{m.feedNewHint}</span>
            </div>
          </form>
          <CopyScript t={t} />
        </>
      ) : (
        <p class="muted">{m.feedNone}</p>
      )}
    </section>
  );
}
