/**
 * Consumer of the dead letter queue (`tidings-digest-dlq`). A message lands here after
 * `max_retries` attempts — for a send, a provider outage longer than the queue's backoff
 * (about an hour). While the batch's first attempt is recent enough that Resend still
 * honours its idempotency key, the message goes back on the digest queue an hour later:
 * an outage delays mail, it does not lose it. Past that, resending could duplicate mail
 * Resend accepted without our hearing back, so the batch is left unsent and recorded on
 * the run (`stats.deadLettered`) for an admin to redrive. Never throws.
 */
import type { Env } from "../env.js";
import { settleEach, type DigestMessage } from "./messages.js";

/** Resend keeps idempotency keys 24 h; leave a margin for the requeue delay itself. */
export const REQUEUE_WITHIN_MS = 22 * 3_600_000;
const REQUEUE_DELAY_SECONDS = 3600;

export interface DeadLetterDeps {
  queue?: Queue<DigestMessage>;
  now?: number;
}

/** When the batch's unfinished rows were first frozen for sending (or queued); null if none remain. */
async function firstAttempt(db: D1Database, runId: string, batch: number): Promise<number | null> {
  const row = await db
    .prepare(
      `SELECT MIN(updated_at) AS first FROM digest_deliveries
       WHERE run_id = ?1 AND batch_no = ?2 AND status IN ('queued', 'sending')`,
    )
    .bind(runId, batch)
    .first<{ first: number | null }>();
  return row?.first ?? null;
}

async function recordDeadLetter(db: D1Database, runId: string, batch: number): Promise<void> {
  await db
    .prepare(
      `UPDATE digest_runs SET stats = json_set(stats, '$.deadLettered',
         json(COALESCE(json_extract(stats, '$.deadLettered'), '[]')), '$.deadLettered[#]', ?2)
       WHERE id = ?1`,
    )
    .bind(runId, batch)
    .run();
}

async function handle(message: DigestMessage, env: Env, queue: Queue<DigestMessage>, now: number): Promise<void> {
  if (message.kind === "plan") {
    // Planning resumes from its cursor under a lease: always safe to try again.
    await queue.send(message, { delaySeconds: REQUEUE_DELAY_SECONDS });
    return;
  }
  const first = await firstAttempt(env.DB, message.runId, message.batch);
  if (first === null) return; // everything in it was sent, failed for good or skipped
  if (now - first < REQUEUE_WITHIN_MS) {
    console.warn(`digest.dlq: ${message.runId}#${message.batch} back on the queue in ${REQUEUE_DELAY_SECONDS}s`);
    await queue.send(message, { delaySeconds: REQUEUE_DELAY_SECONDS });
    return;
  }
  console.error(
    `digest.dlq: ${message.runId}#${message.batch} unsent after ${Math.round((now - first) / 3_600_000)} h; ` +
      "left for POST /admin/digests/run {redrive} (resending blind past Resend's 24 h idempotency window could duplicate)",
  );
  await recordDeadLetter(env.DB, message.runId, message.batch);
}

export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env, deps: DeadLetterDeps = {}): Promise<void> {
  const queue = deps.queue ?? (env.DIGEST_QUEUE as Queue<DigestMessage>);
  const now = deps.now ?? Date.now();
  // A throw here is D1 or the queue itself failing: try this dead letter again later.
  await settleEach(batch, "digest.dlq", () => REQUEUE_DELAY_SECONDS, async (message) => {
    await handle(message, env, queue, now);
    return { ack: true };
  });
}
