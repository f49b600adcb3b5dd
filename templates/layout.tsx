/**
 * The shared page shell for every HTML page (hono/jsx escapes all text by default).
 * Mobile-friendly, readable without JavaScript, light and dark.
 */
import type { Child } from "hono/jsx";
import { messagesFor } from "../src/i18n/index.js";

export interface LayoutProps {
  title: string;
  /** SITE_LANGUAGE: the page's language and its messages (src/i18n). */
  lang: string;
  /** Extra elements for <head> (autodiscovery links, meta). */
  head?: Child;
  children?: Child;
}

export const STYLES = `
:root{color-scheme:light dark;--fg:#1d1d1f;--muted:#5f6368;--bg:#fff;--card:#f6f7f9;--line:#d9dce1;--accent:#0b57d0;--accent-fg:#fff;--danger:#b3261e}
@media (prefers-color-scheme:dark){:root{--fg:#e8eaed;--muted:#9aa0a6;--bg:#121417;--card:#1c1f24;--line:#3c4043;--accent:#8ab4f8;--accent-fg:#0b1220;--danger:#f2b8b5}}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:16px/1.6 system-ui,-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:46rem;margin:0 auto;padding:1.5rem 1rem 4rem}
header.site{border-bottom:1px solid var(--line);padding:.75rem 1rem}
header.site a{color:var(--fg);font-weight:600;text-decoration:none}
header.site nav{max-width:46rem;margin:0 auto;display:flex;gap:1rem;flex-wrap:wrap;align-items:center}
h1{font-size:1.6rem;line-height:1.3;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:2rem 0 .5rem}
a{color:var(--accent)}
.muted{color:var(--muted)}
.card{background:var(--card);border:1px solid var(--line);border-radius:.75rem;padding:1rem;margin:1rem 0}
form .field{margin:0 0 1rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
fieldset{border:1px solid var(--line);border-radius:.5rem;margin:0 0 1rem;padding:.75rem}
legend{font-weight:600;padding:0 .25rem}
fieldset label{display:inline-flex;gap:.35rem;align-items:center;font-weight:400;margin:.2rem .9rem .2rem 0}
input[type=email],input[type=text],input[type=search],input[type=date],select{width:100%;font:inherit;padding:.55rem .7rem;border:1px solid var(--line);border-radius:.5rem;background:var(--bg);color:var(--fg)}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.6rem 1.1rem;border-radius:.5rem;border:0;background:var(--accent);color:var(--accent-fg);cursor:pointer;text-decoration:none}
button.secondary{background:transparent;color:var(--accent);border:1px solid var(--accent)}
button.danger{background:var(--danger);color:var(--bg)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.error{color:var(--danger);font-weight:600}
code,.url{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;word-break:break-all}
ul.items{list-style:none;padding:0}
ul.items li{border-bottom:1px solid var(--line);padding:1rem 0}
img{max-width:100%;height:auto}
`;

export function Layout({ title, lang, head, children }: LayoutProps) {
  const t = messagesFor(lang);
  return (
    <html lang={t.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{title}</title>
        <style dangerouslySetInnerHTML={{ __html: STYLES }} />
        {head}
      </head>
      <body>
        <header class="site">
          <nav aria-label={t.nav.label}>
            <a href="/">Tidings</a>
            <a href="/feeds">{t.nav.feeds}</a>
            <a href="/subscribe">{t.nav.subscribe}</a>
            <a href="/digests">{t.nav.digests}</a>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
