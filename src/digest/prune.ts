/**
 * Keeps D1 from growing without bound: runs older than the history window whose
 * deliveries are all finished go, with their delivery rows. The ledger (articles_seen)
 * is never pruned — it is what keeps old articles from being mailed again — and nothing
 * unfinished is touched (an admin may still redrive it).
 */
import type { Env } from "../env.js";

export const HISTORY_MS = 90 * 24 * 3_600_000;
/** Bounded work per cron run; the rest goes next hour. */
const MAX_RUNS = 200;

export async function pruneDigestHistory(env: Pick<Env, "DB">, now: number): Promise<{ runs: number }> {
  const { results } = await env.DB.prepare(
    `SELECT id FROM digest_runs r
     WHERE r.created_at < ?1
       AND NOT EXISTS (SELECT 1 FROM digest_deliveries d WHERE d.run_id = r.id AND d.status IN ('queued', 'sending'))
     ORDER BY r.created_at LIMIT ?2`,
  )
    .bind(now - HISTORY_MS, MAX_RUNS)
    .all<{ id: string }>();
  if (results.length === 0) return { runs: 0 };
  const ids = JSON.stringify(results.map((r) => r.id));
  await env.DB.batch([
    env.DB.prepare("DELETE FROM digest_deliveries WHERE run_id IN (SELECT value FROM json_each(?1))").bind(ids),
    env.DB.prepare("DELETE FROM digest_runs WHERE id IN (SELECT value FROM json_each(?1))").bind(ids),
  ]);
  return { runs: results.length };
}
