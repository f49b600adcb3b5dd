/**
 * The articles_seen ledger (this module holds all its SQL): when each article was first seen as published. The very first
 * sync (empty ledger, i.e. a new deployment) records the archive with first_seen_at = 0,
 * so it is never mailed.
 */
import type { Content } from "../content/index.js";
import { LOOKBACK_MS, snapshot, type DigestItem } from "./items.js";

/**
 * Ids per `INSERT`, by the bytes of their JSON: a statement's one bound string stays far
 * under D1's limits (100 KB of SQL, 2 MB a value), so a full comparison of 100,000
 * articles is ~70 statements, not 2,000.
 */
const CHUNK_BYTES = 90_000;
const encoder = new TextEncoder();
const BASELINE_MARKER = "#baseline";

export interface LedgerSync {
  added: number;
  baseline: boolean;
}

/** Articles newly visible past which their ids come from the list of every id rather than from their metadata. */
const IDS_FROM_METADATA = 128;

/**
 * Records every visible article not yet in the ledger, first seen `now`. A new content
 * version (or an empty ledger) is compared in full — every visible id, in chunks the
 * `INSERT OR IGNORE` skips — and `ledger_sync` records the version and the time, in the
 * same batch. A later sync of that version only adds the articles published since that
 * time (usually none: no statement at all), so an hourly cron on a site of 100,000 reads
 * neither the id list nor 100,000 rows.
 */
export async function syncLedger(db: D1Database, content: Content, now: number): Promise<LedgerSync> {
  const { baseline, start, end, full } = await pendingSync(db, content, now);
  if (!full && end === start) return { added: 0, baseline };
  const firstSeen = baseline ? 0 : now;
  const statements: D1PreparedStatement[] = [];
  // A marker row, so a deployment that starts with no articles has still had its baseline.
  if (baseline) statements.push(db.prepare(`INSERT OR IGNORE INTO articles_seen VALUES ('${BASELINE_MARKER}', 0, 0)`));
  const ids = await idsAt(content, start, end);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO articles_seen (article_id, first_seen_at, published_at)
     SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.p') FROM json_each(?2)`,
  );
  for (const json of jsonChunks(Array.from({ length: end - start }, (_, i) => JSON.stringify({ id: ids[i]!, p: content.publishedAt(start + i) })), CHUNK_BYTES)) {
    statements.push(insert.bind(firstSeen, json));
  }
  // Never back in time for the same version (a sync whose clock is behind another's).
  statements.push(
    db
      .prepare(
        `INSERT INTO ledger_sync (id, content_hash, synced_until) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET synced_until = CASE WHEN content_hash = excluded.content_hash THEN MAX(synced_until, excluded.synced_until) ELSE excluded.synced_until END,
           content_hash = excluded.content_hash`,
      )
      .bind(content.hash, now),
  );
  const results = await db.batch(statements);
  const added = results.slice(baseline ? 1 : 0, results.length - 1).reduce((n, r) => n + (r.meta.changes ?? 0), 0);
  return { added, baseline };
}

/**
 * What a sync at `now` compares: positions [start, end) — every visible article for a
 * version not compared yet (`full`), else those published since that version's last sync
 * (which the ledger cannot hold yet) — and whether the ledger is empty (the baseline).
 */
export async function pendingSync(db: D1Database, content: Content, now: number): Promise<{ baseline: boolean; start: number; end: number; full: boolean }> {
  const state = await db
    .prepare("SELECT EXISTS (SELECT 1 FROM articles_seen) AS any, (SELECT content_hash FROM ledger_sync WHERE id = 1) AS hash, (SELECT synced_until FROM ledger_sync WHERE id = 1) AS until")
    .first<{ any: number; hash: string | null; until: number | null }>();
  const baseline = !state?.any;
  const start = content.visibleStart(now);
  // Same version, already compared up to `until`: what was published in (until, now] is new.
  if (baseline || state?.hash !== content.hash || state.until === null) return { baseline, start, end: content.size, full: true };
  return { baseline, start, end: Math.max(start, content.visibleStart(state.until)), full: false };
}

/** JSON arrays of `items` (each already JSON), each at most `maxBytes` of UTF-8 (an item longer than that alone in one). */
function jsonChunks(items: readonly string[], maxBytes: number): string[] {
  const out: string[] = [];
  let chunk: string[] = [];
  let bytes = 2;
  for (const item of items) {
    const size = encoder.encode(item).byteLength + 1;
    if (chunk.length > 0 && bytes + size > maxBytes) {
      out.push(`[${chunk.join(",")}]`);
      chunk = [];
      bytes = 2;
    }
    chunk.push(item);
    bytes += size;
  }
  if (chunk.length > 0) out.push(`[${chunk.join(",")}]`);
  return out;
}

/** Ids of the articles at positions [from, to): from their metadata when few, else from the list of every id. */
async function idsAt(content: Content, from: number, to: number): Promise<string[]> {
  if (to - from <= IDS_FROM_METADATA) {
    const positions = Array.from({ length: to - from }, (_, i) => from + i);
    return (await content.articles(positions)).map((a) => a.id);
  }
  return (await content.ids()).slice(from, to);
}

/** Every article id the ledger has seen (the preview's "not yet seen" test). */
export async function seenArticleIds(db: D1Database): Promise<Set<string>> {
  const { results } = await db.prepare("SELECT article_id FROM articles_seen").all<{ article_id: string }>();
  return new Set(results.map((r) => r.article_id));
}

/** Snapshots of the articles first seen in (windowEnd − LOOKBACK, windowEnd], newest first. */
export async function windowItems(db: D1Database, content: Content, windowEnd: number): Promise<DigestItem[]> {
  const { results } = await db
    .prepare("SELECT article_id, first_seen_at, published_at FROM articles_seen WHERE first_seen_at > ?1 AND first_seen_at <= ?2")
    .bind(Math.max(0, windowEnd - LOOKBACK_MS), windowEnd)
    .all<{ article_id: string; first_seen_at: number; published_at: number }>();
  const seen = new Map(results.map((r) => [r.article_id, r.first_seen_at]));
  const articles = await content.articles(await positionsOf(content, results.map((r) => ({ id: r.article_id, published: r.published_at }))));
  return articles.map((article) => snapshot(article, seen.get(article.id)!));
}

/**
 * Positions (ascending: newest first) of the articles with these ids, looked for among the
 * articles published at the date the ledger recorded for each (the index's dates, then their
 * metadata packs: a run's few recent items are a pack or two). An id not there — its date
 * was changed since, or it is gone — is looked up in the list of every id.
 */
async function positionsOf(content: Content, wanted: readonly { id: string; published: number }[]): Promise<number[]> {
  if (wanted.length === 0) return [];
  const candidates = new Set<number>();
  for (const { published } of wanted) {
    for (let p = content.visibleStart(published); p < content.size && content.publishedAt(p) === published; p++) candidates.add(p);
  }
  const near = [...candidates].sort((a, b) => a - b);
  const found = new Map((await content.articles(near)).map((a, i) => [a.id, near[i]!]));
  const missing = new Set(wanted.flatMap((w) => (found.has(w.id) ? [] : [w.id])));
  const positions = wanted.flatMap((w) => (found.has(w.id) ? [found.get(w.id)!] : []));
  if (missing.size > 0) (await content.ids()).forEach((id, p) => missing.has(id) && positions.push(p));
  return [...new Set(positions)].sort((a, b) => a - b);
}
