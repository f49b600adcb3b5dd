/**
 * Records who fetched a feed, after the response (`waitUntil`), batched: sightings wait in
 * a per-isolate buffer bounded by bytes (`CACHE_BUDGETS.audienceBuffer`) and are written to
 * D1 in one batch once the buffer holds `FLUSH_BYTES` or its oldest entry is `FLUSH_AGE_MS`
 * old, so a busy feed costs a few D1 writes a minute, not one per poll. Repeats collapse
 * in the buffer (one row per aggregator, feed and day; one per client, feed and day).
 * When D1 is slow and the buffer is full, new sightings are dropped rather than kept:
 * audience numbers are estimates, memory is a budget. An isolate that is evicted loses at
 * most its unflushed buffer.
 *
 * Client ids are HMAC(TOKEN_SECRET, "audience/v1", day, /64 or IPv4, User-Agent): salted
 * per day, keyed, truncated; the address itself is never stored or kept.
 */
import { FEED_FILES } from "../lib/feed-formats.js";
import type { Context } from "hono";
import type { AppEnv, Env } from "../env.js";
import { CACHE_BUDGETS } from "../lib/cache.js";
import { termSlug } from "../lib/terms.js";
import { keyedDigest } from "../lib/tokens.js";
import { feedPath } from "../lib/urls.js";
import { readConfig, signingSecret } from "../config.js";
import { clientNetwork, readAggregator } from "./agents.js";
import { writeSightings, type AggregatorSighting, type ClientSighting } from "./store.js";

export const FLUSH_BYTES = 32 * 1024;
export const FLUSH_AGE_MS = 60_000;
const MAX_BYTES = CACHE_BUDGETS.audienceBuffer;

interface Buffer {
  aggregators: Map<string, AggregatorSighting>;
  clients: Map<string, ClientSighting>;
  bytes: number;
  since: number;
}

const empty = (): Buffer => ({ aggregators: new Map(), clients: new Map(), bytes: 0, since: 0 });
let buffer = empty();
let inFlight = 0;

/** Bytes an entry keeps alive (two bytes per UTF-16 unit, key and value, plus overhead). */
const entryBytes = (key: string) => 128 + key.length * 4;

/** UTC day of an instant: `2026-12-01`. */
export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

/**
 * The canonical path of a feed URL that was answered 200/304: `/index.xml` → `/rss.xml`,
 * any spelling of a term → its slug. Null for anything else.
 */
export function canonicalFeedPath(pathname: string): string | null {
  const parts = pathname.split("/").slice(1);
  const file = parts.at(-1) as keyof typeof FEED_FILES;
  const format = FEED_FILES[file];
  if (!format) return null;
  if (parts.length === 1) return feedPath(format);
  const [kind, raw] = parts;
  if (parts.length !== 3 || (kind !== "tags" && kind !== "topics")) return null;
  try {
    return feedPath(format, { kind, slug: termSlug(decodeURIComponent(raw!)) });
  } catch {
    return null;
  }
}

function add<T>(map: Map<string, T>, key: string, value: T, now: number): void {
  const known = map.has(key);
  if (!known && buffer.bytes + entryBytes(key) > MAX_BYTES) return;
  if (!known) buffer.bytes += entryBytes(key);
  if (buffer.since === 0) buffer.since = now;
  map.set(key, value);
}

/** Notes one feed response; writes the buffer when it is due. */
export async function recordSighting(env: Env, request: Request, path: string, now: number): Promise<void> {
  const day = utcDay(now);
  const userAgent = (request.headers.get("user-agent") ?? "").slice(0, 512);
  const report = readAggregator(userAgent);
  if (report) {
    add(buffer.aggregators, `${day}|${path}|${report.name}`, { day, path, aggregator: report.name, subscribers: report.subscribers, seenAt: now }, now);
  } else {
    const network = clientNetwork(request.headers.get("cf-connecting-ip") ?? "");
    if (!network) return;
    let secret: string;
    try {
      secret = signingSecret(readConfig(env).links);
    } catch {
      return; // no TOKEN_SECRET outside development: no keyed ids, so nothing recorded
    }
    const client = await keyedDigest(secret, `audience/v1\n${day}\n${network}\n${userAgent}`);
    add(buffer.clients, `${day}|${path}|${client}`, { day, path, client }, now);
  }
  if (buffer.bytes >= FLUSH_BYTES || now - buffer.since >= FLUSH_AGE_MS) await flushAudience(env.DB);
}

/** Writes whatever the buffer holds (also used by tests and the cron). */
export async function flushAudience(db: D1Database): Promise<void> {
  if (buffer.bytes === 0) return;
  const full = buffer;
  buffer = empty();
  inFlight++;
  try {
    await writeSightings(db, [...full.aggregators.values()], [...full.clients.values()]);
  } catch (error) {
    console.error("audience: write failed; these sightings are dropped", error instanceof Error ? error.message : error);
  } finally {
    inFlight--;
  }
}

/** What the buffer holds now (tests, diagnostics). */
export function audienceBufferUsage(): { bytes: number; maxBytes: number; entries: number; inFlight: number } {
  return { bytes: buffer.bytes, maxBytes: MAX_BYTES, entries: buffer.aggregators.size + buffer.clients.size, inFlight };
}

/** For the feed routes: record after the response (waitUntil), never delaying or failing it. */
export function recordFeedResponse(c: Context<AppEnv>, response: Response): void {
  if (response.status !== 200 && response.status !== 304) return;
  if ((response.headers.get("content-type") ?? "").startsWith("text/html")) return; // a person's browser view
  const path = canonicalFeedPath(new URL(c.req.url).pathname);
  if (!path) return;
  let ctx: { waitUntil(promise: Promise<unknown>): void };
  try {
    ctx = c.executionCtx;
  } catch {
    return; // called without an execution context (app.request in a test)
  }
  const recording = recordSighting(c.env, c.req.raw, path, Date.now());
  ctx.waitUntil(recording.catch((error: unknown) => console.error("audience: record failed", error instanceof Error ? error.message : error)));
}
