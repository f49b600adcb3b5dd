/** GET /unsubscribe/{token}: one button, nothing changes until it is pressed. */
import { fill } from "../../src/i18n/index.js";
import { SubscriberLayout, type PageSite } from "./subscribe-message.js";

export function UnsubscribePage({ site, email, action, preferencesUrl }: { site: PageSite; email: string; action: string; preferencesUrl: string }) {
  const m = site.t.unsubscribe;
  return (
    <SubscriberLayout site={site} title={m.title}>
      <h1>{m.title}</h1>
      <p>{fill(m.question, { site: site.title, email: <strong>{email}</strong> })}</p>
      <form method="post" action={action}>
        <div class="actions">
          <button type="submit" class="danger">
            {m.button}
          </button>
          <a href={preferencesUrl}>{m.instead}</a>
        </div>
      </form>
    </SubscriberLayout>
  );
}

export function UnsubscribedPage({ site, email, resubscribeAction }: { site: PageSite; email?: string; resubscribeAction?: string }) {
  const m = site.t.unsubscribe;
  return (
    <SubscriberLayout site={site} title={m.doneTitle}>
      <h1>{m.doneTitle}</h1>
      <p class="notice" role="status">
        {email ? fill(m.done, { site: site.title, email: <strong>{email}</strong> }) : fill(m.doneAnonymous, { site: site.title })}
      </p>
      {resubscribeAction ? (
        <form method="post" action={resubscribeAction}>
          <input type="hidden" name="action" value="resubscribe" />
          <p class="actions">
            <span class="muted">{m.mistake}</span>
            <button type="submit" class="secondary">
              {m.again}
            </button>
          </p>
        </form>
      ) : null}
    </SubscriberLayout>
  );
}
