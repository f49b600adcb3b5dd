/** GET /preferences/{token}: change topics, tags, cadence and time; unsubscribe from here. */
import type { Subscriber } from "../../src/subscribers/store.js";
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

const STATUS_TEXT: Record<Subscriber["status"], string> = {
  pending: "Not confirmed yet: open the confirmation link we mailed you. 尚未确认。",
  active: "Subscribed. 已订阅。",
  unsubscribed: "Unsubscribed: you get no digests. 已退订。",
  bounced: "Paused: mail to this address bounced. 邮件无法送达，已暂停。",
  complained: "Stopped: this address reported our mail as spam. 已停止发送。",
};

export function PreferencesPage(props: PreferencesPageProps) {
  const { subscriber } = props;
  return (
    <SubscriberLayout site={props.site} title="Preferences 偏好设置">
      <h1>Preferences · 偏好设置</h1>
      <p>
        <strong>{subscriber.email}</strong> — <span class="muted">{STATUS_TEXT[subscriber.status]}</span>
      </p>
      {props.saved ? (
        <p class="notice" role="status">
          Saved. 已保存。
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
            <button type="submit">Subscribe again 重新订阅</button>
          </p>
        </form>
      ) : null}
      <form method="post" action={props.action}>
        <PreferenceFields topics={props.topics} tags={props.tags} prefs={subscriber} timeZones={props.timeZones} />
        <div class="actions">
          <button type="submit">Save 保存</button>
        </div>
      </form>
      {subscriber.status === "active" || subscriber.status === "pending" ? (
        <>
          <h2>Leave 退订</h2>
          <form method="post" action={props.unsubscribeAction}>
            <button type="submit" class="danger">
              Unsubscribe 退订
            </button>
          </form>
        </>
      ) : null}
    </SubscriberLayout>
  );
}
