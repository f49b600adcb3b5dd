/** After POST /subscribe: check your inbox, and where to look (in development: the outbox). */
import { fill } from "../../src/i18n/index.js";
import { MessagePage, type PageSite } from "./subscribe-message.js";

export function SubscribedPage({ site, from, subject, outbox }: { site: PageSite; from: string; subject: string; outbox?: string }) {
  const m = site.t.subscribe;
  return (
    <MessagePage site={site} title={m.sentTitle}>
      <p>{m.sent}</p>
      <p>{fill(m.whereToLook, { from: <strong>{from}</strong>, subject: <strong>{subject}</strong> })}</p>
      {outbox ? <p>{fill(m.devOutbox, { outbox: <a href={outbox}>{m.devOutboxLink}</a> })}</p> : null}
    </MessagePage>
  );
}
