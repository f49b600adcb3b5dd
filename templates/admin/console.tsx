/** The publisher's console (/admin): server-rendered pages, every action a form POST with a CSRF field. */
import type { Child } from "hono/jsx";
import type { FeedAudience } from "../../src/audience/store.js";
import type { RunSummary } from "../../src/digest/runs.js";
import type { ImportReport } from "../../src/admin/import.js";
import type { Subscriber } from "../../src/subscribers/store.js";
import { say, type Messages } from "../../src/i18n/index.js";
import { Layout } from "../layout.js";
import { DailyChart, type Series } from "./chart.js";

export interface ConsoleSite {
  title: string;
  lang: string;
  t: Messages;
  /** IANA zone times are shown in. */
  timeZone: string;
  csrf: string;
}

const CONSOLE_STYLES = `
main{max-width:64rem}
nav.console{display:flex;gap:1rem;flex-wrap:wrap;align-items:center;margin:0 0 1rem}
nav.console form{margin-left:auto}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{border-bottom:1px solid var(--line);padding:.4rem .5rem;text-align:left;vertical-align:top}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(8rem,1fr));gap:.75rem}
.stats div{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.6rem}
.stats b{display:block;font-size:1.4rem}
form.inline{display:inline}
form.filters{display:flex;gap:.5rem;flex-wrap:wrap;align-items:end}
form.filters .field{margin:0;flex:1 1 10rem}
figure.chart{margin:.5rem 0 1.5rem}
`;

export function formatTime(ms: number | null | undefined, site: Pick<ConsoleSite, "lang" | "timeZone">): string {
  if (ms === null || ms === undefined) return "—";
  return new Intl.DateTimeFormat(site.lang, { timeZone: site.timeZone, dateStyle: "medium", timeStyle: "short" }).format(ms);
}

function Csrf({ site }: { site: ConsoleSite }) {
  return <input type="hidden" name="csrf" value={site.csrf} />;
}

export function ConsolePage({ site, title, children }: { site: ConsoleSite; title: string; children?: Child }) {
  return (
    <Layout title={`${title} · ${site.title}`} lang={site.lang} head={<style dangerouslySetInnerHTML={{ __html: CONSOLE_STYLES }} />}>
      <nav class="console" aria-label="Console">
        <a href="/admin">Overview</a>
        <a href="/admin/console/subscribers">Subscribers</a>
        <a href="/admin/console/digests">Digest runs</a>
        <a href="/admin/audience">Audience</a>
        <a href="/admin/console/import">Import</a>
        <form method="post" action="/admin/logout">
          <Csrf site={site} />
          <button class="secondary" type="submit">Sign out</button>
        </form>
      </nav>
      <h1>{title}</h1>
      {children}
    </Layout>
  );
}

export function SignInPage({ title, lang, error }: { title: string; lang: string; error?: string }) {
  return (
    <Layout title={`Sign in · ${title}`} lang={lang}>
      <h1>Console sign-in</h1>
      <form method="post" action="/admin/login" class="card">
        <div class="field">
          <label for="token">Admin token (ADMIN_TOKEN)</label>
          <input id="token" name="token" type="password" autocomplete="current-password" required style="width:100%;font:inherit;padding:.55rem .7rem" />
        </div>
        {error ? <p class="error" role="alert">{error}</p> : null}
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}

export interface OverviewData {
  counts: Record<string, number>;
  days: string[];
  signups: number[];
  unsubscribes: number[];
  runs: RunSummary[];
  audience: { feeds: number; subscribers: number; clients: number; aggregators: number };
}

export function OverviewPage({ site, data }: { site: ConsoleSite; data: OverviewData }) {
  const series: Series[] = [
    { label: "Sign-ups", color: "#0b57d0", values: data.signups },
    { label: "Unsubscribes", color: "#b3261e", values: data.unsubscribes },
  ];
  return (
    <ConsolePage site={site} title="Overview">
      <h2>Subscribers by status</h2>
      <div class="stats" data-testid="counts">
        {Object.entries(data.counts).map(([status, n]) => (
          <div>
            <span class="muted">{status}</span>
            <b>{n}</b>
          </div>
        ))}
      </div>
      <h2>Sign-ups and unsubscribes, last {data.days.length} days</h2>
      <DailyChart title="Sign-ups and unsubscribes per day" days={data.days} series={series} />
      <h2>Feed audience</h2>
      <div class="stats">
        <div><span class="muted">feeds read</span><b>{data.audience.feeds}</b></div>
        <div><span class="muted">readers (estimate)</span><b>{data.audience.subscribers}</b></div>
        <div><span class="muted">via aggregators</span><b>{data.audience.aggregators}</b></div>
        <div><span class="muted">other clients</span><b>{data.audience.clients}</b></div>
      </div>
      <h2>Last digest runs</h2>
      <RunsTable site={site} runs={data.runs} actions={false} />
    </ConsolePage>
  );
}

function RunsTable({ site, runs, actions }: { site: ConsoleSite; runs: RunSummary[]; actions: boolean }) {
  if (!runs.length) return <p class="muted">No digest runs yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>Run</th><th>Status</th><th>Planned</th><th>Sent</th><th>Failed</th><th>Pending</th><th>Dead letters</th><th>Created</th>{actions ? <th></th> : null}
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr>
            <td><code>{r.id}</code></td>
            <td>{r.status}</td>
            <td>{r.planned}</td>
            <td>{r.sent}</td>
            <td>{r.failed}</td>
            <td>{r.pending}</td>
            <td>{r.stats.deadLettered ?? 0}</td>
            <td>{formatTime(Date.parse(r.createdAt), site)}</td>
            {actions ? (
              <td>
                {(r.stats.deadLettered ?? 0) > 0 || r.pending > 0 ? (
                  <form method="post" action={`/admin/console/digests/${encodeURIComponent(r.id)}/redrive`} class="inline">
                    <Csrf site={site} />
                    <button type="submit" class="secondary">Redrive</button>
                  </form>
                ) : null}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DigestsPage({ site, runs, notice }: { site: ConsoleSite; runs: RunSummary[]; notice?: string }) {
  return (
    <ConsolePage site={site} title="Digest runs">
      {notice ? <p role="status" class="card">{notice}</p> : null}
      <p class="muted">Times in {site.timeZone}. "Dead letters" are batches that outlived their retries; Redrive puts a run's unsent batches back on the queue.</p>
      <RunsTable site={site} runs={runs} actions={true} />
    </ConsolePage>
  );
}

export interface SubscriberFilter {
  q: string;
  status: string;
  topic: string;
  page: number;
}

export function SubscribersPage(props: {
  site: ConsoleSite;
  filter: SubscriberFilter;
  statuses: readonly string[];
  topics: { slug: string; name: string }[];
  items: Subscriber[];
  total: number;
  pageSize: number;
  notice?: string;
}) {
  const { site, filter, items, total, pageSize } = props;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const link = (page: number) => `/admin/console/subscribers?${new URLSearchParams({ q: filter.q, status: filter.status, topic: filter.topic, page: String(page) })}`;
  const exportQuery = filter.status ? `?status=${encodeURIComponent(filter.status)}` : "";
  return (
    <ConsolePage site={site} title="Subscribers">
      {props.notice ? <p role="status" class="card">{props.notice}</p> : null}
      <form method="get" action="/admin/console/subscribers" class="filters" role="search">
        <div class="field">
          <label for="q">Address contains</label>
          <input id="q" name="q" type="search" value={filter.q} />
        </div>
        <div class="field">
          <label for="status">Status</label>
          <select id="status" name="status">
            <option value="">any</option>
            {props.statuses.map((s) => <option value={s} selected={s === filter.status}>{s}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="topic">Topic</label>
          <select id="topic" name="topic">
            <option value="">any</option>
            {props.topics.map((t) => <option value={t.slug} selected={t.slug === filter.topic}>{t.name}</option>)}
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      <p class="muted">
        {total} match{total === 1 ? "" : "es"} · page {filter.page} of {pages} · <a href={`/admin/subscribers/export.csv${exportQuery}`}>Export CSV</a>
      </p>
      <table data-testid="subscribers">
        <thead>
          <tr><th>Address</th><th>Status</th><th>Topics</th><th>Cadence</th><th>Signed up</th></tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr>
              <td><a href={`/admin/console/subscribers/${encodeURIComponent(s.id)}`}>{s.email}</a></td>
              <td>{s.status}</td>
              <td>{s.topics.join(", ") || "everything"}</td>
              <td>{s.cadence} {String(s.hour).padStart(2, "0")}:00 {s.timezone}</td>
              <td>{formatTime(s.createdAt, site)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {filter.page > 1 ? <a href={link(filter.page - 1)}>← Previous</a> : null} {filter.page < pages ? <a href={link(filter.page + 1)}>Next →</a> : null}
      </p>
    </ConsolePage>
  );
}

export function SubscriberPage({ site, subscriber }: { site: ConsoleSite; subscriber: Subscriber }) {
  const s = subscriber;
  const rows: [string, string][] = [
    ["Status", s.status],
    ["Topics", s.topics.join(", ") || "everything"],
    ["Tags", s.tags.join(", ") || "everything"],
    ["Cadence", `${s.cadence}, ${String(s.hour).padStart(2, "0")}:00 ${s.timezone}${s.cadence === "weekly" ? `, weekday ${s.weekday}` : ""}`],
    ["Signed up", formatTime(s.createdAt, site)],
    ["Confirmed", formatTime(s.confirmedAt, site)],
    ["Unsubscribed", formatTime(s.unsubscribedAt, site)],
    ["Suppressed", formatTime(s.suppressedAt, site)],
  ];
  return (
    <ConsolePage site={site} title={s.email}>
      <table>
        <tbody>
          {rows.map(([k, v]) => (
            <tr><th scope="row">{k}</th><td>{v}</td></tr>
          ))}
        </tbody>
      </table>
      <form method="post" action={`/admin/console/subscribers/${encodeURIComponent(s.id)}/delete`} class="card">
        <Csrf site={site} />
        <p>Deleting removes the subscriber and every row of theirs (deliveries, outbox mail). It cannot be undone.</p>
        <button type="submit" class="danger">Delete subscriber</button>
      </form>
    </ConsolePage>
  );
}

export function ImportPage({ site, report, error }: { site: ConsoleSite; report?: ImportReport; error?: string }) {
  return (
    <ConsolePage site={site} title="Import subscribers">
      <form method="post" action="/admin/console/import" enctype="multipart/form-data" class="card">
        <Csrf site={site} />
        <div class="field">
          <label for="file">CSV file (header row; email or "email address", optional topics, tags, cadence, timezone, hour, weekday)</label>
          <input id="file" name="file" type="file" accept=".csv,text/csv" required />
        </div>
        <fieldset>
          <legend>Consent</legend>
          <label><input type="radio" name="consent" value="confirm" checked /> Send each a confirmation mail (pending until confirmed)</label>
          <label><input type="radio" name="consent" value="confirmed" /> They already opted in elsewhere: import as active</label>
        </fieldset>
        <div class="field">
          <label style="font-weight:400"><input type="checkbox" name="update" value="1" /> Update addresses that already exist (never revives unsubscribed or suppressed ones)</label>
        </div>
        <button type="submit">Import</button>
      </form>
      {error ? <p class="error" role="alert">{error}</p> : null}
      {report ? (
        <section aria-label="Import result" data-testid="import-report">
          <div class="stats">
            <div><span class="muted">imported</span><b>{report.imported}</b></div>
            <div><span class="muted">updated</span><b>{report.updated}</b></div>
            <div><span class="muted">skipped</span><b>{report.skipped}</b></div>
            <div><span class="muted">errors</span><b>{report.errors.length}</b></div>
          </div>
          {report.errors.length ? (
            <table>
              <thead><tr><th>Line</th><th>Reason</th></tr></thead>
              <tbody>
                {report.errors.slice(0, 500).map((e) => (
                  <tr><td>{e.line}</td><td>{say(site.t, e.reason)}</td></tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>
      ) : null}
    </ConsolePage>
  );
}

export function AudiencePage(props: {
  site: ConsoleSite;
  feeds: FeedAudience[];
  days: string[];
  history: Map<string, { subscribers: number[]; clients: number[] }>;
  email: { topics: Record<string, number>; tags: Record<string, number>; everything: number };
}) {
  const { site, feeds, days, history, email } = props;
  return (
    <ConsolePage site={site} title="Feed audience">
      <p class="muted">
        Readers per feed: the subscriber counts aggregators report (latest per aggregator) plus distinct other clients on the latest day
        (a daily-salted keyed hash of network and user agent; no address is stored). JSON: <code>Accept: application/json</code>.
      </p>
      {feeds.length === 0 ? <p>No feed requests recorded yet.</p> : null}
      {feeds.map((f) => {
        const h = history.get(f.path) ?? { subscribers: days.map(() => 0), clients: days.map(() => 0) };
        return (
          <section class="card" data-feed={f.path}>
            <h2 style="margin-top:0"><code>{f.path}</code> — {f.subscribers} readers</h2>
            <p>
              {Object.entries(f.aggregators).map(([name, n]) => `${name}: ${n}`).join(" · ") || "no aggregator reports"} · other clients: {f.clients}
            </p>
            <DailyChart
              title={`${f.path}, last ${days.length} days`}
              days={days}
              series={[
                { label: "Readers", color: "#0b57d0", values: h.subscribers },
                { label: "Other clients", color: "#188038", values: h.clients },
              ]}
            />
          </section>
        );
      })}
      <h2>Email subscribers per topic and tag (active)</h2>
      <p>Everything (no topic or tag chosen): {email.everything}</p>
      <table>
        <thead><tr><th>Kind</th><th>Slug</th><th>Subscribers</th></tr></thead>
        <tbody>
          {(["topics", "tags"] as const).flatMap((kind) =>
            Object.entries(email[kind]).sort((a, b) => b[1] - a[1]).map(([slug, n]) => (
              <tr><td>{kind === "topics" ? "topic" : "tag"}</td><td>{slug}</td><td>{n}</td></tr>
            )),
          )}
        </tbody>
      </table>
    </ConsolePage>
  );
}
