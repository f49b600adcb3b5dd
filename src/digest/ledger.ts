/**
 * The articles_seen ledger (this module holds all its SQL): when each article was first seen as published. The very first
 * sync (empty ledger, i.e. a new deployment) records the archive with first_seen_at = 0,
 * so it is never mailed.
 */
import type { Content } from "../content/index.js";
import { LOOKBACK_MS, snapshot, type DigestItem } from "./items.js";

const CHUNK = 50;
const BASELINE_MARKER = "#baseline";

export interface LedgerSync {
  added: number;
  baseline: boolean;
}

export async function syncLedger(db: D1Database, content: Content, now: number): Promise<LedgerSync> {
  const ids = await content.ids();
  const start = content.visibleStart(now);
  const row = await db.prepare("SELECT COUNT(*) AS n FROM articles_seen").first<{ n: number }>();
  const baseline = (row?.n ?? 0) === 0;
  const firstSeen = baseline ? 0 : now;
  const statements: D1PreparedStatement[] = [];
  // A marker row, so a deployment that starts with no articles has still had its baseline.
  if (baseline) statements.push(db.prepare(`INSERT OR IGNORE INTO articles_seen VALUES ('${BASELINE_MARKER}', 0, 0)`));
  for (let i = start; i < content.size; i += CHUNK) {
    const chunk = [];
    for (let p = i; p < Math.min(i + CHUNK, content.size); p++) chunk.push({ id: ids[p]!, p: content.publishedAt(p) });
    statements.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO articles_seen (article_id, first_seen_at, published_at)
           SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.p') FROM json_each(?2)`,
        )
        .bind(firstSeen, JSON.stringify(chunk)),
    );
  }
  const results = await db.batch(statements);
  const added = results.slice(baseline ? 1 : 0).reduce((n, r) => n + (r.meta.changes ?? 0), 0);
  return { added, baseline };
}

/** Every article id the ledger has seen (the preview's "not yet seen" test). */
export async function seenArticleIds(db: D1Database): Promise<Set<string>> {
  const { results } = await db.prepare("SELECT article_id FROM articles_seen").all<{ article_id: string }>();
  return new Set(results.map((r) => r.article_id));
}

/** Snapshots of the articles first seen in (windowEnd − LOOKBACK, windowEnd], newest first. */
export async function windowItems(db: D1Database, content: Content, windowEnd: number): Promise<DigestItem[]> {
  const { results } = await db
    .prepare("SELECT article_id, first_seen_at FROM articles_seen WHERE first_seen_at > ?1 AND first_seen_at <= ?2")
    .bind(Math.max(0, windowEnd - LOOKBACK_MS), windowEnd)
    .all<{ article_id: string; first_seen_at: number }>();
  const seen = new Map(results.map((r) => [r.article_id, r.first_seen_at]));
  const positions: number[] = [];
  if (seen.size > 0) (await content.ids()).forEach((id, p) => seen.has(id) && positions.push(p));
  const articles = await content.articles(positions);
  return articles.map((article) => snapshot(article, seen.get(article.id)!));
}
