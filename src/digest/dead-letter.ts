/**
 * Consumer of the dead letter queue (`tidings-digest-dlq`). A message lands here after
 * `max_retries` attempts — for a send, a provider outage longer than the queue's backoff
 * (about an hour). It goes back on the digest queue an hour later only if, by
 * construction, every attempt it can then make (the requeue delay plus the whole retry
 * schedule, `latestAttemptAfter`) ends before its idempotency key's deadline (Resend's
 * 24 h window from the first attempt, minus a margin: `sendDeadline`). The send paths
 * refuse to call the provider past that deadline too, so even a broker that delivers late
 * cannot cause a duplicate. Otherwise a digest batch is left unsent and recorded on the
 * run (`stats.deadLettered`) for an admin to redrive, and a transactional mail is marked
 * `expired`. A batch or mail never attempted has used no key yet: it is always requeued.
 * Never throws.
 */
import { expireMail, mailDeadline } from "../email/transactional.js";
import { sendDeadline } from "../email/sender.js";
import type { Env } from "../env.js";
import { latestAttemptAfter, settleEach, type DigestMessage } from "./messages.js";
import { recordDeadLettered } from "./runs.js";
import { batchFirstAttempt } from "./deliveries.js";

export const REQUEUE_DELAY_SECONDS = 3600;
/**
 * How old a first attempt may be for its batch or mail to be requeued: the deadline less
 * everything a requeued message can still take (about 20.5 h).
 */
export const REQUEUE_WITHIN_MS = sendDeadline(0) - latestAttemptAfter(0, REQUEUE_DELAY_SECONDS);

export interface DeadLetterDeps {
  queue?: Queue<DigestMessage>;
  now?: number;
}

/** Whether a message whose key window closes at `deadline` (null: no key used yet) may go round again. */
function mayRequeue(deadline: number | null, now: number): boolean {
  return deadline === null || latestAttemptAfter(now, REQUEUE_DELAY_SECONDS) <= deadline;
}

async function handle(message: DigestMessage, env: Env, queue: Queue<DigestMessage>, now: number): Promise<void> {
  if (message.kind === "plan") {
    // Planning resumes from its cursor under a lease: always safe to try again.
    await queue.send(message, { delaySeconds: REQUEUE_DELAY_SECONDS });
    return;
  }
  if (message.kind === "mail") {
    const mail = await mailDeadline(env.DB, message.id);
    if (!mail || mail.status !== "queued") return; // delivered, dropped or given up already
    if (mayRequeue(mail.deadline, now)) {
      await queue.send(message, { delaySeconds: REQUEUE_DELAY_SECONDS });
      return;
    }
    console.error(`mail.dlq: ${message.id} expired (its idempotency window cannot hold another round of retries)`);
    await expireMail(env.DB, message.id, now);
    return;
  }
  const first = await batchFirstAttempt(env.DB, message.runId, message.batch);
  if (first === undefined) return; // everything in it was sent, failed for good or skipped
  if (mayRequeue(first === null ? null : sendDeadline(first), now)) {
    console.warn(`digest.dlq: ${message.runId}#${message.batch} back on the queue in ${REQUEUE_DELAY_SECONDS}s`);
    await queue.send(message, { delaySeconds: REQUEUE_DELAY_SECONDS });
    return;
  }
  console.error(
    `digest.dlq: ${message.runId}#${message.batch} unsent after ${Math.round((now - first!) / 3_600_000)} h; ` +
      "left for POST /admin/digests/run {redrive} (resending blind past Resend's 24 h idempotency window could duplicate)",
  );
  await recordDeadLettered(env.DB, message.runId, message.batch);
}

export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env, deps: DeadLetterDeps = {}): Promise<void> {
  const queue = deps.queue ?? env.DIGEST_QUEUE;
  const now = deps.now ?? Date.now();
  // A throw here is D1 or the queue itself failing: try this dead letter again later.
  await settleEach(batch, "digest.dlq", () => REQUEUE_DELAY_SECONDS, async (message) => {
    await handle(message, env, queue, now);
    return { ack: true };
  });
}
