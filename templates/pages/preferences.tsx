/** GET /preferences/{token}: change topics, tags, cadence and time; unsubscribe from here. */
import type { Subscriber } from "../../src/subscribers/store.js";
import { dateFormatter, format } from "../../src/i18n/index.js";
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
  saved?: boolean;
  error?: string;
}

export function PreferencesPage(props: PreferencesPageProps) {
  const { subscriber } = props;
  const { t } = props.site;
  const m = t.preferences;
  return (
    <SubscriberLayout site={props.site} title={m.title}>
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
