/**
 * Digest email HTML: table layout and inline styles for mail clients, one column that
 * fits phones, readable with images off (every image has alt text and nothing depends on
 * it), and a dark-mode override for clients that honour prefers-color-scheme.
 */
import type { DigestItem } from "../../src/digest/items.js";
import type { DigestModel, DigestPage } from "../../src/digest/model.js";
import { htmlDocument } from "../../src/lib/html.js";

const FONT = `-apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",Roboto,Helvetica,Arial,sans-serif`;
const DARK = `
@media (prefers-color-scheme: dark) {
  .bg { background-color: #121417 !important; }
  .card { background-color: #1c1f24 !important; border-color: #3c4043 !important; }
  .fg { color: #e8eaed !important; }
  .muted { color: #9aa0a6 !important; }
  .link { color: #8ab4f8 !important; }
}
@media only screen and (max-width: 620px) { .wrap { width: 100% !important; } .pad { padding: 16px !important; } }
`;

function Item({ item, read, date }: { item: DigestItem; read: string; date: (iso: string) => string }) {
  return (
    <tr>
      <td class="pad" style="padding:20px 24px;border-top:1px solid #e3e5e8;">
        {item.image ? (
          <a href={item.url} style="text-decoration:none;">
            <img src={item.image} alt={item.title} width="552" style="display:block;width:100%;max-width:552px;height:auto;border:0;border-radius:8px;margin:0 0 12px;color:#5f6368;font-size:13px;" />
          </a>
        ) : null}
        <h2 class="fg" style={`margin:0 0 4px;font:600 19px/1.4 ${FONT};color:#1d1d1f;`}>
          <a class="fg" href={item.url} style="color:#1d1d1f;text-decoration:none;">{item.title}</a>
        </h2>
        <p class="muted" style={`margin:0 0 8px;font:13px/1.5 ${FONT};color:#5f6368;`}>{date(item.date)}</p>
        {item.summary ? <p class="fg" style={`margin:0 0 10px;font:15px/1.65 ${FONT};color:#1d1d1f;`}>{item.summary}</p> : null}
        <p style={`margin:0;font:600 14px/1.5 ${FONT};`}>
          <a class="link" href={item.url} style="color:#0b57d0;text-decoration:none;">{read}</a>
        </p>
      </td>
    </tr>
  );
}

/** A web page's footer (model.page): a note and links to the site's own pages, nothing personal. */
function PageFooter({ page }: { page: DigestPage }) {
  return (
    <>
      <p style="margin:0 0 8px;">{page.note}</p>
      <p style="margin:0;">
        {page.links.map((l, i) => (
          <>
            {i > 0 ? " · " : null}
            <a class="link" href={l.href} style="color:#0b57d0;">{l.label}</a>
          </>
        ))}
      </p>
    </>
  );
}

export function digestHtml(model: DigestModel): string {
  const s = model.strings;
  const preheader = model.items[0]?.summary ?? s.intro;
  const body = (
    <html lang={model.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="supported-color-schemes" content="light dark" />
        <title>{model.siteTitle}</title>
        <style dangerouslySetInnerHTML={{ __html: DARK }} />
      </head>
      <body class="bg" style="margin:0;padding:0;background-color:#f2f3f5;">
        <div style="display:none;max-height:0;overflow:hidden;opacity:0;">{preheader}</div>
        <table role="presentation" class="bg" width="100%" cellpadding={0} cellspacing={0} border={0} style="background-color:#f2f3f5;">
          <tr>
            <td align="center" style="padding:24px 8px;">
              {model.webCopyUrl ? (
                <p class="muted" style={`margin:0 0 12px;font:12px/1.4 ${FONT};color:#5f6368;`}>
                  <a class="link" href={model.webCopyUrl} style="color:#0b57d0;">{model.t.digest.viewInBrowser}</a>
                </p>
              ) : null}
              <table role="presentation" class="wrap card" width="600" cellpadding={0} cellspacing={0} border={0} style="width:600px;max-width:600px;background-color:#ffffff;border:1px solid #e3e5e8;border-radius:12px;">
                <tr>
                  <td class="pad" style="padding:24px 24px 16px;">
                    <p style={`margin:0 0 4px;font:600 14px/1.4 ${FONT};`}>
                      <a class="link" href={model.siteUrl} style="color:#0b57d0;text-decoration:none;">{model.siteTitle}</a>
                    </p>
                    <h1 class="fg" style={`margin:0 0 6px;font:700 24px/1.3 ${FONT};color:#1d1d1f;`}>{s.heading}</h1>
                    <p class="muted" style={`margin:0;font:15px/1.5 ${FONT};color:#5f6368;`}>{s.intro}</p>
                  </td>
                </tr>
                {model.items.map((item) => (
                  <Item item={item} read={s.read} date={model.date} />
                ))}
                {s.more ? (
                  <tr>
                    <td class="pad" style={`padding:16px 24px;border-top:1px solid #e3e5e8;font:15px/1.5 ${FONT};`}>
                      <a class="link" href={model.feedUrl ?? model.siteUrl} style="color:#0b57d0;">{s.more}</a>
                    </td>
                  </tr>
                ) : null}
                <tr>
                  <td class="pad muted" style={`padding:20px 24px 24px;border-top:1px solid #e3e5e8;font:13px/1.6 ${FONT};color:#5f6368;`}>
                    {model.page ? (
                      <PageFooter page={model.page} />
                    ) : (
                      <>
                        <p style="margin:0 0 8px;">{s.why}</p>
                        <p style="margin:0;">
                          <a class="link" href={model.preferencesUrl} style="color:#0b57d0;">{s.preferences}</a>
                          {" · "}
                          {model.feedUrl ? (
                            <>
                              <a class="link" href={model.feedUrl} style="color:#0b57d0;">{model.t.digest.feed}</a>
                              {" · "}
                            </>
                          ) : null}
                          <a class="link" href={model.unsubscribeUrl} style="color:#0b57d0;">{s.unsubscribe}</a>
                        </p>
                      </>
                    )}
                  </td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html>
  );
  return htmlDocument(body);
}
