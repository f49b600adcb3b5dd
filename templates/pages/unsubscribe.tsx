/** GET /unsubscribe/{token}: one button, nothing changes until it is pressed. */
import { SubscriberLayout, type PageSite } from "./subscribe-message.js";

export function UnsubscribePage({ site, email, action, preferencesUrl }: { site: PageSite; email: string; action: string; preferencesUrl: string }) {
  return (
    <SubscriberLayout site={site} title="Unsubscribe 退订">
      <h1>Unsubscribe · 退订</h1>
      <p>
        Stop all digests of {site.title} to <strong>{email}</strong>?
      </p>
      <form method="post" action={action}>
        <div class="actions">
          <button type="submit" class="danger">
            Unsubscribe 退订
          </button>
          <a href={preferencesUrl}>Change preferences instead 改为修改偏好</a>
        </div>
      </form>
    </SubscriberLayout>
  );
}

export function UnsubscribedPage({ site, email, resubscribeAction }: { site: PageSite; email?: string; resubscribeAction?: string }) {
  return (
    <SubscriberLayout site={site} title="Unsubscribed 已退订">
      <h1>You're unsubscribed · 已退订</h1>
      <p class="notice" role="status">
        {email ? (
          <>
            <strong>{email}</strong> will get no more digests from {site.title}.
          </>
        ) : (
          <>You will get no more digests from {site.title}.</>
        )}
      </p>
      {resubscribeAction ? (
        <form method="post" action={resubscribeAction}>
          <input type="hidden" name="action" value="resubscribe" />
          <p class="actions">
            <span class="muted">By mistake? 误操作？</span>
            <button type="submit" class="secondary">
              Subscribe again 重新订阅
            </button>
          </p>
        </form>
      ) : null}
    </SubscriberLayout>
  );
}
