/**
 * Re-enqueues the unfinished batches of a run (rows still queued or sending), e.g. after
 * messages went to the dead letter queue during a long outage. Safe to repeat: sent rows
 * are skipped and a resent batch reuses its idempotency key. Batches whose key deadline
 * has passed (the send path refuses those) are unfrozen first — rows back to `queued`, a
 * new first attempt — because the admin has decided to send them: if Resend did accept
 * one unheard more than a day ago, that batch can now arrive twice.
 */
import { sendDeadline } from "../email/sender.js";
import { enqueueSends, type DigestMessage } from "./messages.js";

export async function redriveRun(db: D1Database, queue: Queue<DigestMessage>, runId: string, now: number = Date.now()): Promise<{ runId: string; batches: number }> {
  await db
    .prepare(
      `UPDATE digest_deliveries SET status = 'queued', attempted_at = NULL, updated_at = ?2
       WHERE run_id = ?1 AND status = 'sending' AND COALESCE(attempted_at, updated_at) < ?3`,
    )
    .bind(runId, now, now - sendDeadline(0))
    .run();
  const { results } = await db
    .prepare("SELECT DISTINCT batch_no FROM digest_deliveries WHERE run_id = ? AND status IN ('queued', 'sending') ORDER BY batch_no")
    .bind(runId)
    .all<{ batch_no: number }>();
  await enqueueSends(queue, runId, results.map((r) => r.batch_no));
  return { runId, batches: results.length };
}
