/**
 * The DIGEST_QUEUE consumer. Never throws: every message is acked or retried on its own
 * (a throw would make the broker redeliver the whole batch, acked messages included).
 */
import type { EmailSender } from "../email/sender.js";
import { deliverQueuedMail } from "../email/transactional.js";
import { readConfig } from "../config.js";
import type { Env } from "../env.js";
import { backoffSeconds, settleEach, type DigestMessage } from "./messages.js";
import { planRun, type PlanOptions } from "./planner.js";
import { sendDigestBatch } from "./send.js";

export interface ConsumerDeps {
  sender: EmailSender;
  /** Where continuation `plan` messages and re-enqueued batches go (default env.DIGEST_QUEUE). */
  queue?: Queue<DigestMessage>;
  plan?: Omit<PlanOptions, "queue" | "db">;
}

type Verdict = { retry: false } | { retry: true; reason: string };

async function handle(message: DigestMessage, env: Env, deps: ConsumerDeps): Promise<Verdict> {
  if (message.kind === "plan") {
    const queue = deps.queue ?? env.DIGEST_QUEUE;
    await planRun(env, message.runId, { ...deps.plan, queue });
    return { retry: false };
  }
  if (message.kind === "mail") {
    const verdict = await deliverQueuedMail(env.DB, message.id, deps.sender);
    if (!verdict.retry) console.log(`mail ${message.id} ${verdict.status}`);
    return verdict;
  }
  const verdict = await sendDigestBatch(env.DB, readConfig(env), message.runId, message.batch, deps.sender);
  if (verdict.retry) return verdict;
  console.log(`digest.batch ${message.runId}#${message.batch} sent=${verdict.sent} failed=${verdict.failed} skipped=${verdict.skipped}`);
  return { retry: false };
}

export async function consumeDigestQueue(batch: MessageBatch<unknown>, env: Env, deps: ConsumerDeps): Promise<void> {
  await settleEach(batch, "digest.queue", backoffSeconds, async (message, attempts) => {
    const verdict = await handle(message, env, deps);
    return verdict.retry ? { retryIn: backoffSeconds(attempts), reason: verdict.reason } : { ack: true };
  });
}
