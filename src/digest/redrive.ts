/**
 * Re-enqueues the unfinished batches of a run (rows still queued or sending), e.g. after
 * messages went to the dead letter queue during a long outage. Safe to repeat: sent rows
 * are skipped and a resent batch reuses its idempotency key. Batches whose key deadline
 * has passed (the send path refuses those) are unfrozen first — rows back to `queued`, a
 * new first attempt — because the admin has decided to send them: if Resend did accept
 * one unheard more than a day ago, that batch can now arrive twice.
 */
import { sendDeadline } from "../email/sender.js";
import { unfinishedBatches, unfreezeStale } from "./deliveries.js";
import { enqueueSends, type DigestMessage } from "./messages.js";

export async function redriveRun(db: D1Database, queue: Queue<DigestMessage>, runId: string, now: number = Date.now()): Promise<{ runId: string; batches: number }> {
  await unfreezeStale(db, runId, now - sendDeadline(0), now);
  const batches = await unfinishedBatches(db, runId);
  await enqueueSends(queue, runId, batches);
  return { runId, batches: batches.length };
}
