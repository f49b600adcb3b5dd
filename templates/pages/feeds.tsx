/**
 * `/feeds`: every feed, with counts, newest dates, copyable URLs in three formats, a
 * filter (a GET form without JavaScript, live with it) and email subscribe links.
 */
import { FEED_FORMATS, FORMAT_NAMES } from "../../src/lib/feed-formats.js";
import type { Directory, FeedEntry } from "../../src/pages/directory.js";
import { dateFormatter, fill, format, messagesFor, pluralForm, type Messages } from "../../src/i18n/index.js";
import { Layout } from "../layout.js";
import { Autodiscovery, CopyField, CopyScript, PAGE_STYLES } from "./feed-parts.js";

export interface FeedsPageProps {
  dir: Directory;
  /** The filter as typed, and which entries it keeps (rendered `hidden` otherwise). */
  filter: string;
  visible: (entry: FeedEntry) => boolean;
  language: string;
}

const STYLES = `
.filter{display:flex;gap:.5rem;align-items:end;margin:1rem 0}
.filter .field{flex:1;margin:0}
ul.feeds{list-style:none;padding:0;margin:0}
ul.feeds>li{border:1px solid var(--line);border-radius:.75rem;padding:.8rem 1rem;margin:.75rem 0;background:var(--card)}
ul.feeds h3{margin:0 0 .2rem;font-size:1.1rem}
ul.feeds .meta{margin:0 0 .4rem;font-size:.9rem}
ul.feeds .actions{margin:.4rem 0 0;display:flex;gap:1rem;flex-wrap:wrap}
.count{font-weight:600}
`;

export const FILTER_SCRIPT = `(() => {
  const form = document.getElementById("filter-form");
  const box = document.getElementById("q");
  const status = document.getElementById("filter-status");
  const rows = [...document.querySelectorAll("li[data-filter]")];
  const apply = () => {
    const q = box.value.normalize("NFKC").toLowerCase().trim();
    let shown = 0;
    for (const row of rows) {
      const match = q === "" || row.dataset.filter.includes(q);
      row.hidden = !match;
      if (match) shown++;
    }
    for (const section of document.querySelectorAll("section[data-group]")) {
      section.hidden = !section.querySelector("li[data-filter]:not([hidden])");
    }
    status.textContent = status.dataset.template.replace("{shown}", shown).replace("{total}", rows.length);
    const url = new URL(location.href);
    if (q) url.searchParams.set("q", box.value); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
  };
  box.addEventListener("input", apply);
  form.addEventListener("submit", (event) => { event.preventDefault(); apply(); });
})();`;

function FeedRow({ t, entry, id, hidden }: { t: Messages; entry: FeedEntry; id: string; hidden: boolean }) {
  const m = t.feeds;
  const emailLabel = entry.scope?.kind === "topics" ? m.emailTopic : entry.scope ? m.emailTag : m.emailAll;
  return (
    <li data-filter={entry.searchText} hidden={hidden}>
      <h3>
        <a href={entry.landingPath}>{entry.name}</a>
      </h3>
      <p class="meta muted">
        {fill(pluralForm(t, m.articles, entry.count), { count: <span class="count">{entry.count}</span> })}
        {entry.newest ? (
          <>
            {" · "}
            {fill(m.newest, { date: <time datetime={entry.newest}>{dateFormatter(t)(entry.newest)}</time> })}
          </>
        ) : null}
      </p>
      {FEED_FORMATS.map((f) => (
        <CopyField t={t} id={`${id}-${f}`} label={FORMAT_NAMES[f]} url={entry.urls[f]} />
      ))}
      <p class="actions">
        <a href={entry.subscribePath}>{emailLabel}</a>
        <a href={entry.landingPath}>{m.latest}</a>
      </p>
    </li>
  );
}

function Group({ t, title, group, entries, visible }: { t: Messages; title: string; group: string; entries: FeedEntry[]; visible: FeedsPageProps["visible"] }) {
  const anyVisible = entries.some(visible);
  return (
    <section data-group={group} aria-labelledby={`h-${group}`} hidden={!anyVisible}>
      <h2 id={`h-${group}`}>
        {title} <span class="muted">({entries.length})</span>
      </h2>
      <ul class="feeds">
        {entries.map((e, i) => (
          <FeedRow t={t} entry={e} id={`${group}-${i}`} hidden={!visible(e)} />
        ))}
      </ul>
    </section>
  );
}

export function FeedsPage({ dir, filter, visible, language }: FeedsPageProps) {
  const t = messagesFor(language);
  const m = t.feeds;
  const all = [dir.site, ...dir.topics, ...dir.tags];
  const shown = all.filter(visible).length;
  return (
    <Layout
      title={`${m.title} · ${dir.site.title}`}
      lang={language}
      head={
        <>
          <Autodiscovery title={dir.site.title} urls={dir.site.urls} />
          <link rel="alternate" type="text/x-opml" title="OPML" href="/feeds.opml" />
          <style dangerouslySetInnerHTML={{ __html: PAGE_STYLES + STYLES }} />
        </>
      }
    >
      <h1>{m.title}</h1>
      <p>
        {m.intro}{" "}
        {fill(m.opml, {
          opml: <a href="/feeds.opml">feeds.opml</a>,
          atom: <a href="/feeds.opml?format=atom">Atom</a>,
          json: <a href="/feeds.opml?format=json">JSON Feed</a>,
        })}
      </p>
      <form id="filter-form" class="filter" method="get" action="/feeds" role="search">
        <div class="field">
          <label for="q">{m.filter}</label>
          <input id="q" name="q" type="search" value={filter} placeholder={m.filterPlaceholder} autocomplete="off" />
        </div>
        <button type="submit">{m.filterButton}</button>
      </form>
      <p id="filter-status" class="muted" role="status" aria-live="polite" data-template={m.shown}>
        {format(m.shown, { shown, total: all.length })}
      </p>
      <Group t={t} title={m.site} group="site" entries={[dir.site]} visible={visible} />
      <Group t={t} title={t.terms.topics} group="topics" entries={dir.topics} visible={visible} />
      <Group t={t} title={t.terms.tags} group="tags" entries={dir.tags} visible={visible} />
      <CopyScript t={t} />
      <script dangerouslySetInnerHTML={{ __html: FILTER_SCRIPT }} />
    </Layout>
  );
}
