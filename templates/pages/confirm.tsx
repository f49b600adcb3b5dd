/** GET /confirm/{token}: a page with a Confirm button (a GET never changes anything). */
import { SubscriberLayout, type PageSite } from "./subscribe-message.js";

export function ConfirmPage({ site, email, action }: { site: PageSite; email: string; action: string }) {
  return (
    <SubscriberLayout site={site} title="Confirm your subscription 确认订阅">
      <h1>Confirm your subscription · 确认订阅</h1>
      <p>
        Send digests of {site.title} to <strong>{email}</strong>?
      </p>
      <form method="post" action={action}>
        <div class="actions">
          <button type="submit">Confirm subscription 确认订阅</button>
        </div>
      </form>
      <p class="muted">If you did not ask for this, close this page: nothing will be sent. 如非本人操作，请关闭此页。</p>
    </SubscriberLayout>
  );
}

export function ConfirmedPage({ site, email, preferencesUrl, already }: { site: PageSite; email: string; preferencesUrl: string; already: boolean }) {
  return (
    <SubscriberLayout site={site} title="Subscription confirmed 订阅成功">
      <h1>{already ? "Already confirmed · 已确认" : "You're subscribed · 订阅成功"}</h1>
      <p class="notice" role="status">
        Digests of {site.title} will go to <strong>{email}</strong>. Every digest has a link to change what you get or to leave.
      </p>
      <p>
        <a class="button" href={preferencesUrl}>
          Preferences 偏好设置
        </a>
      </p>
    </SubscriberLayout>
  );
}
