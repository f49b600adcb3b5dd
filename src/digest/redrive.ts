/**
 * Re-enqueues the unfinished batches of a run (rows still queued or sending), e.g. after
 * messages went to the dead letter queue during a long outage. Safe to repeat: sent rows
 * are skipped and a resent batch reuses its idempotency key (Resend keeps keys 24 h).
 */
import { enqueueSends, type DigestMessage } from "./messages.js";

export async function redriveRun(db: D1Database, queue: Queue<DigestMessage>, runId: string): Promise<{ runId: string; batches: number }> {
  const { results } = await db
    .prepare("SELECT DISTINCT batch_no FROM digest_deliveries WHERE run_id = ? AND status IN ('queued', 'sending') ORDER BY batch_no")
    .bind(runId)
    .all<{ batch_no: number }>();
  await enqueueSends(queue, runId, results.map((r) => r.batch_no));
  return { runId, batches: results.length };
}
