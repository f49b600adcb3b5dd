/** The publisher's console (/admin): server-rendered pages, every action a form POST with a CSRF field. */
import type { Child } from "hono/jsx";
import type { FeedAudience } from "../../src/audience/store.js";
import type { RunSummary } from "../../src/digest/runs.js";
import type { ImportReport } from "../../src/admin/import.js";
import type { Subscriber } from "../../src/subscribers/store.js";
import { fill, format, plural, say, type Messages, type Reason } from "../../src/i18n/index.js";
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

/** A status or run status as the console names it (the stored word when the catalogue has none). */
function label(names: Record<string, string>, value: string): string {
  return Object.hasOwn(names, value) ? names[value]! : value;
}

const hourText = (hour: number) => `${String(hour).padStart(2, "0")}:00`;

/** When a subscriber's mail goes: cadence, (weekday,) local hour and zone. */
function schedule(t: Messages, s: Subscriber): string {
  const values = { cadence: t.cadence[s.cadence], time: hourText(s.hour), zone: s.timezone };
  return s.cadence === "weekly" ? format(t.admin.weeklySchedule, { ...values, weekday: t.weekdays[s.weekday] ?? String(s.weekday) }) : format(t.admin.schedule, values);
}

export function ConsolePage({ site, title, children }: { site: ConsoleSite; title: string; children?: Child }) {
  const m = site.t.admin;
  return (
    <Layout title={`${title} · ${site.title}`} lang={site.lang} head={<style dangerouslySetInnerHTML={{ __html: CONSOLE_STYLES }} />}>
      <nav class="console" aria-label={m.console}>
        <a href="/admin">{m.overview}</a>
        <a href="/admin/console/subscribers">{m.subscribers}</a>
        <a href="/admin/console/digests">{m.digests}</a>
        <a href="/admin/audience">{m.audience}</a>
        <a href="/admin/console/import">{m.import}</a>
        <form method="post" action="/admin/logout">
          <Csrf site={site} />
          <button class="secondary" type="submit">{m.signOut}</button>
        </form>
      </nav>
      <h1>{title}</h1>
      {children}
    </Layout>
  );
}

/** Why a console request was refused, inside the console (its nav stays). */
export function ConsoleRefusal({ site, status, reason }: { site: ConsoleSite; status: number; reason: Reason }) {
  const { errors } = site.t;
  return (
    <ConsolePage site={site} title={status === 404 ? errors.notFound : errors.wrong}>
      <p class="error" role="alert">{say(site.t, reason)}</p>
    </ConsolePage>
  );
}

export function SignInPage({ title, lang, t, error }: { title: string; lang: string; t: Messages; error?: string }) {
  const m = t.admin;
  return (
    <Layout title={`${m.signIn} · ${title}`} lang={lang}>
      <h1>{m.signInTitle}</h1>
      <form method="post" action="/admin/login" class="card">
        <div class="field">
          <label for="token">{m.token}</label>
          <input id="token" name="token" type="password" autocomplete="current-password" required style="width:100%;font:inherit;padding:.55rem .7rem" />
        </div>
        {error ? <p class="error" role="alert">{error}</p> : null}
        <button type="submit">{m.signIn}</button>
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
  const m = site.t.admin;
  const series: Series[] = [
    { label: m.signups, color: "#0b57d0", values: data.signups },
    { label: m.unsubscribes, color: "#b3261e", values: data.unsubscribes },
  ];
  return (
    <ConsolePage site={site} title={m.overview}>
      <h2>{m.byStatus}</h2>
      <div class="stats" data-testid="counts">
        {Object.entries(data.counts).map(([status, n]) => (
          <div>
            <span class="muted">{label(m.status, status)}</span>
            <b>{n}</b>
          </div>
        ))}
      </div>
      <h2>{format(m.chartHeading, { days: data.days.length })}</h2>
      <DailyChart title={m.chartTitle} days={data.days} series={series} />
      <h2>{m.feedAudience}</h2>
      <div class="stats">
        <div><span class="muted">{m.feedsRead}</span><b>{data.audience.feeds}</b></div>
        <div><span class="muted">{m.readersEstimate}</span><b>{data.audience.subscribers}</b></div>
        <div><span class="muted">{m.viaAggregators}</span><b>{data.audience.aggregators}</b></div>
        <div><span class="muted">{m.otherClients}</span><b>{data.audience.clients}</b></div>
      </div>
      <h2>{m.lastRuns}</h2>
      <RunsTable site={site} runs={data.runs} actions={false} />
    </ConsolePage>
  );
}

function RunsTable({ site, runs, actions }: { site: ConsoleSite; runs: RunSummary[]; actions: boolean }) {
  const m = site.t.admin;
  if (!runs.length) return <p class="muted">{m.noRuns}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>{m.run}</th><th>{m.statusLabel}</th><th>{m.planned}</th><th>{m.sent}</th><th>{m.failed}</th><th>{m.pendingCount}</th><th>{m.deadLetters}</th><th>{m.created}</th>{actions ? <th></th> : null}
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr>
            <td><code>{r.id}</code></td>
            <td>{label(m.runStatus, r.status)}</td>
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
                    <button type="submit" class="secondary">{m.redrive}</button>
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

export function DigestsPage({ site, runs, redriven }: { site: ConsoleSite; runs: RunSummary[]; redriven?: { run: string; batches: number } }) {
  const m = site.t.admin;
  return (
    <ConsolePage site={site} title={m.digests}>
      {redriven ? <p role="status" class="card">{plural(site.t, m.redriven, redriven.batches, { run: redriven.run })}</p> : null}
      <p class="muted">{format(m.runsNote, { zone: site.timeZone })}</p>
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
  const { t } = site;
  const m = t.admin;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const link = (page: number) => `/admin/console/subscribers?${new URLSearchParams({ q: filter.q, status: filter.status, topic: filter.topic, page: String(page) })}`;
  const exportQuery = filter.status ? `?status=${encodeURIComponent(filter.status)}` : "";
  return (
    <ConsolePage site={site} title={m.subscribers}>
      {props.notice ? <p role="status" class="card">{props.notice}</p> : null}
      <form method="get" action="/admin/console/subscribers" class="filters" role="search">
        <div class="field">
          <label for="q">{m.addressContains}</label>
          <input id="q" name="q" type="search" value={filter.q} />
        </div>
        <div class="field">
          <label for="status">{m.statusLabel}</label>
          <select id="status" name="status">
            <option value="">{m.any}</option>
            {props.statuses.map((s) => <option value={s} selected={s === filter.status}>{label(m.status, s)}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="topic">{m.topic}</label>
          <select id="topic" name="topic">
            <option value="">{m.any}</option>
            {props.topics.map((topic) => <option value={topic.slug} selected={topic.slug === filter.topic}>{topic.name}</option>)}
          </select>
        </div>
        <button type="submit">{m.search}</button>
      </form>
      <p class="muted">
        {plural(t, m.matches, total)} · {format(m.pageOf, { page: filter.page, pages })} · <a href={`/admin/subscribers/export.csv${exportQuery}`}>{m.exportCsv}</a>
      </p>
      <table data-testid="subscribers">
        <thead>
          <tr><th>{m.address}</th><th>{m.statusLabel}</th><th>{m.topics}</th><th>{m.cadence}</th><th>{m.signedUp}</th></tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr>
              <td><a href={`/admin/console/subscribers/${encodeURIComponent(s.id)}`}>{s.email}</a></td>
              <td>{label(m.status, s.status)}</td>
              <td>{s.topics.join(", ") || m.everything}</td>
              <td>{schedule(t, s)}</td>
              <td>{formatTime(s.createdAt, site)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {filter.page > 1 ? <a href={link(filter.page - 1)}>{m.previous}</a> : null} {filter.page < pages ? <a href={link(filter.page + 1)}>{m.next}</a> : null}
      </p>
    </ConsolePage>
  );
}

export function SubscriberPage({ site, subscriber }: { site: ConsoleSite; subscriber: Subscriber }) {
  const s = subscriber;
  const m = site.t.admin;
  const rows: [string, string][] = [
    [m.statusLabel, label(m.status, s.status)],
    [m.topics, s.topics.join(", ") || m.everything],
    [m.tags, s.tags.join(", ") || m.everything],
    [m.cadence, schedule(site.t, s)],
    [m.signedUp, formatTime(s.createdAt, site)],
    [m.confirmed, formatTime(s.confirmedAt, site)],
    [m.unsubscribed, formatTime(s.unsubscribedAt, site)],
    [m.suppressed, formatTime(s.suppressedAt, site)],
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
        <p>{m.deleteNote}</p>
        <button type="submit" class="danger">{m.deleteButton}</button>
      </form>
    </ConsolePage>
  );
}

export function ImportPage({ site, report, error }: { site: ConsoleSite; report?: ImportReport; error?: Reason }) {
  const m = site.t.admin;
  return (
    <ConsolePage site={site} title={m.importTitle}>
      <form method="post" action="/admin/console/import" enctype="multipart/form-data" class="card">
        <Csrf site={site} />
        <div class="field">
          <label for="file">{m.importFile}</label>
          <input id="file" name="file" type="file" accept=".csv,text/csv" required />
        </div>
        <fieldset>
          <legend>{m.consent}</legend>
          <label><input type="radio" name="consent" value="confirm" checked /> {m.consentConfirm}</label>
          <label><input type="radio" name="consent" value="confirmed" /> {m.consentConfirmed}</label>
        </fieldset>
        <div class="field">
          <label style="font-weight:400"><input type="checkbox" name="update" value="1" /> {m.importUpdate}</label>
        </div>
        <button type="submit">{m.importButton}</button>
      </form>
      {error ? <p class="error" role="alert">{say(site.t, error)}</p> : null}
      {report ? (
        <section aria-label={m.importResult} data-testid="import-report">
          <div class="stats">
            <div><span class="muted">{m.imported}</span><b>{report.imported}</b></div>
            <div><span class="muted">{m.updated}</span><b>{report.updated}</b></div>
            <div><span class="muted">{m.skipped}</span><b>{report.skipped}</b></div>
            <div><span class="muted">{m.errors}</span><b>{report.errors.length}</b></div>
          </div>
          {report.errors.length ? (
            <table>
              <thead><tr><th>{m.line}</th><th>{m.reason}</th></tr></thead>
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
  const { t } = site;
  const m = t.admin;
  return (
    <ConsolePage site={site} title={m.audienceTitle}>
      <p class="muted">{fill(m.audienceIntro, { accept: <code>Accept: application/json</code> })}</p>
      {feeds.length === 0 ? <p>{m.noFeeds}</p> : null}
      {feeds.map((f) => {
        const h = history.get(f.path) ?? { subscribers: days.map(() => 0), clients: days.map(() => 0) };
        return (
          <section class="card" data-feed={f.path}>
            <h2 style="margin-top:0">{fill(plural(t, m.feedReaders, f.subscribers), { path: <code>{f.path}</code> })}</h2>
            <p>
              {Object.entries(f.aggregators).map(([name, n]) => `${name}: ${n}`).join(" · ") || m.noAggregators} · {format(m.otherClientsCount, { count: f.clients })}
            </p>
            <DailyChart
              title={format(m.feedChart, { path: f.path, days: days.length })}
              days={days}
              series={[
                { label: m.readers, color: "#0b57d0", values: h.subscribers },
                { label: m.otherClients, color: "#188038", values: h.clients },
              ]}
            />
          </section>
        );
      })}
      <h2>{m.emailHeading}</h2>
      <p>{format(m.emailEverything, { count: email.everything })}</p>
      <table>
        <thead><tr><th>{m.kind}</th><th>{m.slug}</th><th>{m.subscribers}</th></tr></thead>
        <tbody>
          {(["topics", "tags"] as const).flatMap((kind) =>
            Object.entries(email[kind]).sort((a, b) => b[1] - a[1]).map(([slug, n]) => (
              <tr><td>{kind === "topics" ? t.terms.topic : t.terms.tag}</td><td>{slug}</td><td>{n}</td></tr>
            )),
          )}
        </tbody>
      </table>
    </ConsolePage>
  );
}
