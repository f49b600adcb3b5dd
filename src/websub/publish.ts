/**
 * WebSub publishing: tell the hub (`WEBSUB_HUB`) about every feed whose bytes changed
 * since it was last told, once. State lives in D1 (migrations/0003_websub.sql): a failed
 * ping keeps the old fingerprint and is retried on the next run; a claim keeps
 * overlapping runs from pinging the same change twice.
 */
import { readConfig } from "../config.js";
import type { Env } from "../env.js";
import { feedService } from "../feeds/service.js";
import { FEEDS_PER_SCOPE, publishScopes, scopeFeeds, type PublishableFeed } from "./feeds.js";

/**
 * Stay well inside the Workers free plan's 50 subrequests per invocation (the digest task
 * shares the cron run); the rest go next run. D1 sees three calls per run whatever the count.
 */
export const MAX_PINGS_PER_RUN = 30;
/**
 * Scopes (site, topic, tag: four feeds each) compared per run: rendering a feed reads the
 * store (1–3 files per scope), so comparing all 213 of a 10,000-article site in one run
 * took seconds and hundreds of reads. As many as the pings can cover, so a scope whose
 * feeds all changed is published in the run that compared it.
 */
export const SCOPES_PER_RUN = Math.floor(MAX_PINGS_PER_RUN / FEEDS_PER_SCOPE);
const CONCURRENCY = 6;
const CLAIM_MS = 5 * 60_000;
const PING_TIMEOUT_MS = 10_000;

export interface WebSubDeps {
  fetch?: typeof fetch;
}

export interface WebSubReport {
  hub: string | null;
  published: string[];
  failed: { url: string; error: string }[];
  unchanged: number;
  /** Changed feeds left for the next run (per-run cap, or claimed by another run). */
  deferred: number;
}

interface Row {
  feed_url: string;
  hub: string;
  published_fingerprint: string | null;
}

/** `hub.mode=publish` for one feed URL; resolves to an error message, or null on 2xx. */
async function ping(doFetch: typeof fetch, hub: string, url: string): Promise<string | null> {
  try {
    const res = await doFetch(hub, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ "hub.mode": "publish", "hub.url": url }).toString(),
      signal: AbortSignal.timeout(PING_TIMEOUT_MS),
    });
    const detail = res.ok ? "" : (await res.text().catch(() => "")).slice(0, 200);
    if (!res.ok) return `hub answered ${res.status}${detail ? `: ${detail}` : ""}`;
    await res.body?.cancel();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Claims changed feeds for this run, in one batch; keeps those no other run holds or already published. */
async function claim(db: D1Database, hub: string, feeds: PublishableFeed[], now: number): Promise<PublishableFeed[]> {
  if (feeds.length === 0) return [];
  const statement = db.prepare(
    `INSERT INTO websub_publications (feed_url, hub, claimed_until) VALUES (?1, ?2, ?3)
     ON CONFLICT(feed_url) DO UPDATE SET claimed_until = excluded.claimed_until, hub = excluded.hub
     WHERE (websub_publications.claimed_until IS NULL OR websub_publications.claimed_until <= ?4)
       AND (websub_publications.published_fingerprint IS NOT ?5 OR websub_publications.hub IS NOT excluded.hub)`,
  );
  const results = await db.batch(feeds.map((f) => statement.bind(f.url, hub, now + CLAIM_MS, now, f.fingerprint)));
  return feeds.filter((_, i) => results[i]?.meta.changes === 1);
}

/** Runs `task` over `items`, at most `limit` at a time, results in order. */
async function mapLimited<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function publishWebSub(env: Env, now: number, deps: WebSubDeps = {}): Promise<WebSubReport> {
  const config = readConfig(env);
  const hub = config.site.websubHub;
  const report: WebSubReport = { hub, published: [], failed: [], unchanged: 0, deferred: 0 };
  if (!hub) return report;
  const doFetch = deps.fetch ?? fetch;

  // What every feed is made from: a scope compared for this version (every change in it
  // published) is not rendered again; once all are, a run renders nothing.
  const service = await feedService(env);
  const { content } = service;
  const version = [content.hash, config.renderKey, hub, content.visibleStart(now)].join("\n");
  const scopes = publishScopes(content, now);
  const { results: done } = await env.DB.prepare("SELECT scope FROM websub_scopes WHERE compared_version = ?1").bind(version).all<{ scope: string }>();
  const compared = new Set(done.map((r) => r.scope));
  const pending = scopes.filter((s) => !compared.has(s.key));
  if (pending.length === 0) {
    report.unchanged = scopes.length * FEEDS_PER_SCOPE;
    return report;
  }
  // Newest first, a few per run (each reads the store).
  const todo = pending.slice(0, SCOPES_PER_RUN);
  const byScope = await Promise.all(todo.map((scope) => scopeFeeds(service, scope, now)));
  const feeds = byScope.flat();
  const { results } = await env.DB.prepare("SELECT feed_url, hub, published_fingerprint FROM websub_publications WHERE feed_url IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(feeds.map((f) => f.url)))
    .all<Row>();
  const known = new Map(results.map((r) => [r.feed_url, r]));
  const changed = feeds.filter((f) => {
    const row = known.get(f.url);
    return !row || row.published_fingerprint !== f.fingerprint || row.hub !== hub;
  });
  const changedUrls = new Set(changed.map((f) => f.url));
  report.unchanged = feeds.length - changed.length + (scopes.length - pending.length) * FEEDS_PER_SCOPE;
  report.deferred = Math.max(0, changed.length - MAX_PINGS_PER_RUN) + (pending.length - todo.length) * FEEDS_PER_SCOPE;

  const batch = changed.slice(0, MAX_PINGS_PER_RUN);
  const claimed = await claim(env.DB, hub, batch, now);
  report.deferred += batch.length - claimed.length;
  const errors = await mapLimited(claimed, CONCURRENCY, (feed) => ping(doFetch, hub, feed.url));
  const succeeded = env.DB.prepare(
    `UPDATE websub_publications SET published_fingerprint = ?2, published_at = ?3, last_attempt_at = ?3,
       claimed_until = NULL, failures = 0, last_error = NULL WHERE feed_url = ?1`,
  );
  const failed = env.DB.prepare(
    `UPDATE websub_publications SET claimed_until = NULL, failures = failures + 1, last_error = ?2, last_attempt_at = ?3
     WHERE feed_url = ?1`,
  );
  const published = new Set<string>();
  const updates = claimed.map((feed, i) => {
    const error = errors[i];
    if (error == null) {
      report.published.push(feed.url);
      published.add(feed.url);
      return succeeded.bind(feed.url, feed.fingerprint, now);
    }
    report.failed.push({ url: feed.url, error });
    return failed.bind(feed.url, error, now);
  });
  // A scope is compared for this version once every feed of it that changed is published
  // (a failed, deferred or claimed-elsewhere one is compared again next run).
  const finished = todo.filter((_, i) => byScope[i]!.every((f) => !changedUrls.has(f.url) || published.has(f.url)));
  const mark = env.DB.prepare(
    "INSERT INTO websub_scopes (scope, compared_version) VALUES (?1, ?2) ON CONFLICT (scope) DO UPDATE SET compared_version = excluded.compared_version",
  );
  for (const scope of finished) updates.push(mark.bind(scope.key, version));
  if (updates.length) await env.DB.batch(updates);
  if (report.published.length || report.failed.length) {
    console.log(`websub: published ${report.published.length}, failed ${report.failed.length}, deferred ${report.deferred}`);
  }
  return report;
}
