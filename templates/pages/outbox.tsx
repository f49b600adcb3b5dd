/** /dev/outbox: mail the dev outbox captured (ENVIRONMENT=development only). */
import type { OutboxMessage } from "../../src/email/outbox.js";
import { SubscriberLayout, type PageSite } from "./subscribe-message.js";

const OUTBOX_STYLES = `
.mail-frame{width:100%;height:70vh;border:1px solid var(--line);border-radius:.5rem;background:#fff}
pre.text{white-space:pre-wrap;word-break:break-word;background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:1rem}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dl.meta dt{font-weight:600}
dl.meta dd{margin:0;word-break:break-all}
`;

export function OutboxListPage({ site, messages, ranDigests = false }: { site: PageSite; messages: OutboxMessage[]; ranDigests?: boolean }) {
  return (
    <SubscriberLayout site={site} title="Dev outbox">
      <h1>Dev outbox</h1>
      <p class="muted">
        Mail captured locally because RESEND_API_KEY is not set. Newest first. JSON: <code>Accept: application/json</code>.
      </p>
      <form method="post" action="/dev/outbox/digests">
        <button type="submit">Run digests now</button>{" "}
        <span class="muted">sends every active subscriber what is new for them (the queue delivers within seconds; reload)</span>
      </form>
      {ranDigests ? <p class="notice" role="status">Digest runs started.</p> : null}
      {messages.length === 0 ? (
        <p class="notice">No mail yet.</p>
      ) : (
        <ul class="items">
          {messages.map((m) => (
            <li>
              <a href={`/dev/outbox/${encodeURIComponent(m.id)}`}>
                <strong>{m.subject}</strong>
              </a>
              <br />
              <span class="muted">
                to {m.to} · {m.sentAt}
              </span>
            </li>
          ))}
        </ul>
      )}
    </SubscriberLayout>
  );
}

/** Links in the mail open in a new tab: the sandboxed frame runs no script and cannot navigate the page. */
function withBlankTargets(html: string): string {
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => `${head}<base target="_blank">`) : `<base target="_blank">${html}`;
}

export function OutboxMessagePage({ site, message }: { site: PageSite; message: OutboxMessage }) {
  const links = [...new Set(message.text.match(/https?:\/\/[^\s<>"]+/g) ?? [])];
  return (
    <SubscriberLayout site={site} title={message.subject}>
      <style dangerouslySetInnerHTML={{ __html: OUTBOX_STYLES }} />
      <p>
        <a href="/dev/outbox">← Dev outbox</a>
      </p>
      <h1>{message.subject}</h1>
      <dl class="meta">
        <dt>From</dt>
        <dd>{message.from}</dd>
        <dt>To</dt>
        <dd>{message.to}</dd>
        <dt>Sent</dt>
        <dd>{message.sentAt}</dd>
        {Object.entries(message.headers).map(([name, value]) => (
          <>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </>
        ))}
      </dl>
      {links.length > 0 ? (
        <>
          <h2>Links</h2>
          <ul>
            {links.map((href) => (
              <li>
                <a class="url" href={href}>
                  {href}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>HTML</h2>
      <iframe class="mail-frame" title="HTML part" sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc={withBlankTargets(message.html)}></iframe>
      <h2>Text</h2>
      <pre class="text">{message.text}</pre>
    </SubscriberLayout>
  );
}
