/** GET /confirm/{token}: a page with a Confirm button (a GET never changes anything). */
import { fill } from "../../src/i18n/index.js";
import { SubscriberLayout, type PageSite } from "./subscribe-message.js";

export function ConfirmPage({ site, email, action }: { site: PageSite; email: string; action: string }) {
  const m = site.t.confirm;
  return (
    <SubscriberLayout site={site} title={m.title}>
      <h1>{m.title}</h1>
      <p>{fill(m.question, { site: site.title, email: <strong>{email}</strong> })}</p>
      <form method="post" action={action}>
        <div class="actions">
          <button type="submit">{m.button}</button>
        </div>
      </form>
      <p class="muted">{m.notYou}</p>
    </SubscriberLayout>
  );
}

export function ConfirmedPage({ site, email, preferencesUrl, already }: { site: PageSite; email: string; preferencesUrl: string; already: boolean }) {
  const m = site.t.confirm;
  return (
    <SubscriberLayout site={site} title={m.doneTitle}>
      <h1>{already ? m.alreadyTitle : m.doneTitle}</h1>
      <p class="notice" role="status">
        {fill(m.done, { site: site.title, email: <strong>{email}</strong> })}
      </p>
      <p>
        <a class="button" href={preferencesUrl}>
          {m.preferences}
        </a>
      </p>
    </SubscriberLayout>
  );
}
