/**
 * Pieces shared by the feed directory, landing pages and the browser view of a feed:
 * the list of articles, a copyable URL field, autodiscovery links, and the small script
 * that enhances copy fields (everything works without it).
 */
import type { FeedItem } from "../../src/feeds/model.js";
import { FEED_FORMATS, FORMAT_NAMES, MEDIA_TYPES, type FeedFormat } from "../../src/lib/feed-formats.js";
import { readableUrl } from "../../src/lib/urls.js";
import { dateFormatter, format, type Messages } from "../../src/i18n/index.js";


/** Styles of CopyField (also on the preferences page). */
export const COPY_STYLES = `
[hidden]{display:none!important}
.copy{display:grid;grid-template-columns:5.5rem 1fr auto;gap:.4rem;align-items:center;margin:.35rem 0}
.copy label{margin:0;font-weight:600;font-size:.9rem}
.copy input{width:100%;font:inherit;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem;padding:.4rem .55rem;border:1px solid var(--line);border-radius:.4rem;background:var(--bg);color:var(--fg)}
.copy button{padding:.4rem .8rem;font-size:.9rem;min-width:7.5rem}
.copy button[data-state=done]{background:#1e7d32;color:#fff}
@media (max-width:34rem){.copy{grid-template-columns:1fr auto}.copy label{grid-column:1/-1}}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

/** Styles for these pages, on top of the layout's. */
export const PAGE_STYLES = `${COPY_STYLES}
ul.items article{display:grid;grid-template-columns:1fr;gap:.25rem}
ul.items article.has-image{grid-template-columns:7.5rem 1fr;gap:.9rem}
ul.items img{width:7.5rem;height:5rem;object-fit:cover;border-radius:.4rem;background:var(--card)}
ul.items h3{margin:0;font-size:1.05rem;line-height:1.4}
ul.items p{margin:.15rem 0}
.lead{font-size:1.05rem}
.formats-inline a{margin-right:.8rem}
`;

export function FeedItems({ t, items }: { t: Messages; items: readonly FeedItem[] }) {
  if (items.length === 0) return <p class="muted">{t.feedParts.noArticles}</p>;
  const date = dateFormatter(t);
  return (
    <ul class="items">
      {items.map((item) => (
        <li>
          <article class={item.image ? "has-image" : undefined}>
            {item.image ? <img src={item.image.url} alt="" loading="lazy" width="120" height="80" /> : null}
            <div>
              <h3>
                <a href={item.url}>{item.title}</a>
              </h3>
              <p class="muted">
                <time datetime={item.published}>{date(item.published)}</time>
              </p>
              <p>{item.summary}</p>
            </div>
          </article>
        </li>
      ))}
    </ul>
  );
}

/**
 * A URL to copy: a read-only text field showing it readably (Unicode, not `%E6…`; select
 * it and copy, no script needed) and a Copy button that the script reveals. With script,
 * both the button and copying from the field put the percent-encoded URL (`data-url`) on
 * the clipboard; without it, the field copies as shown (the same URL, IRI form).
 */
export function CopyField({ t, id, label, url }: { t: Messages; id: string; label: string; url: string }) {
  return (
    <div class="copy">
      <label for={id}>{label}</label>
      <input id={id} type="text" readonly value={readableUrl(url)} data-url={url} class="url" spellcheck={false} />
      <button type="button" data-copy={id} aria-label={format(t.feedParts.copyLabel, { label })} hidden>
        {t.feedParts.copy}
      </button>
    </div>
  );
}

/** `<link rel="alternate">` for each format, so browsers and readers discover the feed. */
export function Autodiscovery({ title, urls }: { title: string; urls: Record<FeedFormat, string> }) {
  return (
    <>
      {FEED_FORMATS.map((f) => (
        <link rel="alternate" type={MEDIA_TYPES[f]} title={`${title} (${FORMAT_NAMES[f]})`} href={urls[f]} />
      ))}
    </>
  );
}

/**
 * Reveals copy buttons and copies the encoded URL with navigator.clipboard (falls back to
 * selection); copying the whole field by hand also gives the encoded URL. Its words come
 * from the status element's data attributes (the page's language).
 */
export const COPY_SCRIPT = `(() => {
  const live = document.getElementById("copy-status");
  const say = live ? live.dataset : {};
  for (const input of document.querySelectorAll("input.url")) {
    input.addEventListener("focus", () => input.select());
    input.addEventListener("copy", (event) => {
      const whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
      if (!whole || !input.dataset.url || !event.clipboardData) return;
      event.clipboardData.setData("text/plain", input.dataset.url);
      event.preventDefault();
    });
  }
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    const label = button.textContent;
    button.addEventListener("click", async () => {
      const input = document.getElementById(button.dataset.copy);
      input.focus();
      input.select();
      let ok = false;
      const url = input.dataset.url || input.value;
      try { await navigator.clipboard.writeText(url); ok = true; }
      catch { try { ok = document.execCommand("copy"); } catch { ok = false; } }
      button.textContent = ok ? say.copied : say.ctrlC;
      button.dataset.state = ok ? "done" : "";
      if (live) live.textContent = ok ? say.copiedStatus.replace("{url}", url) : say.selectedStatus;
      button.focus();
      setTimeout(() => { button.textContent = label; button.dataset.state = ""; }, 2500);
    });
  }
})();`;

export function CopyScript({ t }: { t: Messages }) {
  const m = t.feedParts;
  return (
    <>
      <p
        id="copy-status"
        class="sr-only"
        role="status"
        aria-live="polite"
        data-copied={m.copied}
        data-ctrl-c={m.pressCtrlC}
        data-copied-status={m.copiedStatus}
        data-selected-status={m.selectedStatus}
      ></p>
      <script dangerouslySetInnerHTML={{ __html: COPY_SCRIPT }} />
    </>
  );
}
