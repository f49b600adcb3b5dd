/**
 * `/feeds`: every feed, with counts, newest dates, copyable URLs in three formats, a
 * filter (a GET form without JavaScript, live with it) and email subscribe links.
 */
import type { Directory, FeedEntry } from "../../src/pages/directory.js";
import { Layout } from "../layout.js";
import { Autodiscovery, CopyField, CopyScript, FORMAT_NAMES, FORMATS, PAGE_STYLES, shortDate } from "./feed-parts.js";

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

const FILTER_SCRIPT = `(() => {
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
    status.textContent = shown + " of " + rows.length + " feeds";
    const url = new URL(location.href);
    if (q) url.searchParams.set("q", box.value); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
  };
  box.addEventListener("input", apply);
  form.addEventListener("submit", (event) => { event.preventDefault(); apply(); });
})();`;

function FeedRow({ entry, id, hidden }: { entry: FeedEntry; id: string; hidden: boolean }) {
  const emailLabel = entry.scope?.kind === "topics" ? "Email me this topic 邮件订阅此专题" : entry.scope ? "Email me this tag 邮件订阅此标签" : "Email me everything 邮件订阅全部";
  return (
    <li data-filter={entry.searchText} hidden={hidden}>
      <h3>
        <a href={entry.landingPath}>{entry.name}</a>
      </h3>
      <p class="meta muted">
        <span class="count">{entry.count}</span> {entry.count === 1 ? "article" : "articles"} 篇
        {entry.newest ? (
          <>
            {" "}
            · newest 最新 <time datetime={entry.newest}>{shortDate(entry.newest)}</time>
          </>
        ) : null}
      </p>
      {FORMATS.map((f) => (
        <CopyField id={`${id}-${f}`} label={FORMAT_NAMES[f]} url={entry.urls[f]} />
      ))}
      <p class="actions">
        <a href={entry.subscribePath}>{emailLabel}</a>
        <a href={entry.landingPath}>Latest articles 最新文章</a>
      </p>
    </li>
  );
}

function Group({ title, group, entries, visible }: { title: string; group: string; entries: FeedEntry[]; visible: FeedsPageProps["visible"] }) {
  const anyVisible = entries.some(visible);
  return (
    <section data-group={group} aria-labelledby={`h-${group}`} hidden={!anyVisible}>
      <h2 id={`h-${group}`}>
        {title} <span class="muted">({entries.length})</span>
      </h2>
      <ul class="feeds">
        {entries.map((e, i) => (
          <FeedRow entry={e} id={`${group}-${i}`} hidden={!visible(e)} />
        ))}
      </ul>
    </section>
  );
}

export function FeedsPage({ dir, filter, visible, language }: FeedsPageProps) {
  const all = [dir.site, ...dir.topics, ...dir.tags];
  const shown = all.filter(visible).length;
  return (
    <Layout
      title={`Feeds 订阅源 · ${dir.site.title}`}
      lang={language}
      head={
        <>
          <Autodiscovery title={dir.site.title} urls={dir.site.urls} />
          <link rel="alternate" type="text/x-opml" title="OPML" href="/feeds.opml" />
          <style dangerouslySetInnerHTML={{ __html: PAGE_STYLES + STYLES }} />
        </>
      }
    >
      <h1>Feeds 订阅源</h1>
      <p>
        Follow the whole site, a topic or a tag in any feed reader: copy an address below into your reader, or get
        new articles by email. 复制下方地址到阅读器即可订阅，也可以选择邮件订阅。 Readers can import every feed at once
        from <a href="/feeds.opml">feeds.opml</a> (<a href="/feeds.opml?format=atom">Atom</a>,{" "}
        <a href="/feeds.opml?format=json">JSON Feed</a>).
      </p>
      <form id="filter-form" class="filter" method="get" action="/feeds" role="search">
        <div class="field">
          <label for="q">Filter feeds 筛选</label>
          <input id="q" name="q" type="search" value={filter} placeholder="e.g. 数据, scale ai" autocomplete="off" />
        </div>
        <button type="submit">Filter 筛选</button>
      </form>
      <p id="filter-status" class="muted" role="status" aria-live="polite">
        {shown} of {all.length} feeds
      </p>
      <Group title="Site 全站" group="site" entries={[dir.site]} visible={visible} />
      <Group title="Topics 专题" group="topics" entries={dir.topics} visible={visible} />
      <Group title="Tags 标签" group="tags" entries={dir.tags} visible={visible} />
      <CopyScript />
      <script dangerouslySetInnerHTML={{ __html: FILTER_SCRIPT }} />
    </Layout>
  );
}
