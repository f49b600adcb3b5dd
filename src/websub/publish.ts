/**
 * WebSub publishing: tell the hub (`WEBSUB_HUB`) about every feed whose bytes changed
 * since it was last told, once. State lives in D1 (migrations/0003_websub.sql): a failed
 * ping keeps the old fingerprint and is retried on the next run; a claim keeps
 * overlapping runs from pinging the same change twice.
 */
import { readConfig } from "../config.js";
import type { Env } from "../env.js";
import { feedService } from "../feeds/service.js";
import { publishableCount, publishableFeeds, type PublishableFeed } from "./feeds.js";

/**
 * Stay well inside the Workers free plan's 50 subrequests per invocation (the digest task
 * shares the cron run); the rest go next run. D1 sees three calls per run whatever the count.
 */
export const MAX_PINGS_PER_RUN = 30;
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
  const hub = readConfig(env).site.websubHub;
  const report: WebSubReport = { hub, published: [], failed: [], unchanged: 0, deferred: 0 };
  if (!hub) return report;
  const doFetch = deps.fetch ?? fetch;

  // What every feed is made from: unchanged since a run that left nothing to do, so is every fingerprint.
  const service = await feedService(env);
  const version = [service.content.hash, readConfig(env).renderKey, hub, service.content.visibleStart(now)].join("\n");
  const settled = await env.DB.prepare("SELECT settled_version FROM websub_state WHERE id = 1").first<{ settled_version: string }>();
  if (settled?.settled_version === version) {
    report.unchanged = publishableCount(service.content, now);
    return report;
  }

  const feeds = await publishableFeeds(env, now);
  const { results } = await env.DB.prepare("SELECT feed_url, hub, published_fingerprint FROM websub_publications").all<Row>();
  const known = new Map(results.map((r) => [r.feed_url, r]));
  const changed = feeds.filter((f) => {
    const row = known.get(f.url);
    return !row || row.published_fingerprint !== f.fingerprint || row.hub !== hub;
  });
  report.unchanged = feeds.length - changed.length;
  report.deferred = Math.max(0, changed.length - MAX_PINGS_PER_RUN);

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
  const updates = claimed.map((feed, i) => {
    const error = errors[i];
    if (error == null) {
      report.published.push(feed.url);
      return succeeded.bind(feed.url, feed.fingerprint, now);
    }
    report.failed.push({ url: feed.url, error });
    return failed.bind(feed.url, error, now);
  });
  // Nothing left to do for this version (none changed, or every change published): later runs of it render nothing.
  const done = report.deferred === 0 && report.failed.length === 0;
  if (done) {
    updates.push(
      env.DB.prepare("INSERT INTO websub_state (id, settled_version) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET settled_version = excluded.settled_version").bind(version),
    );
  }
  if (updates.length) await env.DB.batch(updates);
  if (report.published.length || report.failed.length) {
    console.log(`websub: published ${report.published.length}, failed ${report.failed.length}, deferred ${report.deferred}`);
  }
  return report;
}
