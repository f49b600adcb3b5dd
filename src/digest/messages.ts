/**
 * Messages on DIGEST_QUEUE: send one recipient batch, continue planning a run, or deliver
 * one transactional mail (a `mail_outbox` row, src/email/transactional.ts).
 */
export type DigestMessage = { kind: "send"; runId: string; batch: number } | { kind: "plan"; runId: string } | { kind: "mail"; id: string };

export function parseMessage(body: unknown): DigestMessage | null {
  if (typeof body !== "object" || body === null) return null;
  const m = body as Record<string, unknown>;
  if (m.kind === "mail") return typeof m.id === "string" && /^[0-9a-f-]{36}$/.test(m.id) ? { kind: "mail", id: m.id } : null;
  if (typeof m.runId !== "string" || !m.runId) return null;
  if (m.kind === "plan") return { kind: "plan", runId: m.runId };
  if (m.kind === "send" && Number.isInteger(m.batch) && (m.batch as number) >= 0) {
    return { kind: "send", runId: m.runId, batch: m.batch as number };
  }
  return null;
}

/** Queue retry delay: exponential from 10 s, capped at 15 min (attempts counts from 1). */
export function backoffSeconds(attempts: number): number {
  return Math.min(900, 10 * 2 ** Math.max(0, Math.min(attempts, 20) - 1));
}

/** `max_retries` of the DIGEST_QUEUE consumer in wrangler.toml (tests/build/queue-config.test.ts checks they agree). */
export const MAX_RETRIES = 10;
/** Allowance per delivery for the broker's own delay and the handler's run time. */
export const DELIVERY_SLACK_MS = 2 * 60_000;

/**
 * The latest moment a message sent to DIGEST_QUEUE at `sentAt` with `delaySeconds` can
 * still be attempted: its delay, then every retry's backoff (MAX_RETRIES of them), plus a
 * slack per delivery. After that it is in the dead letter queue.
 */
export function latestAttemptAfter(sentAt: number, delaySeconds: number): number {
  let ms = delaySeconds * 1000 + (MAX_RETRIES + 1) * DELIVERY_SLACK_MS;
  for (let attempt = 1; attempt <= MAX_RETRIES; attempt++) ms += backoffSeconds(attempt) * 1000;
  return sentAt + ms;
}

/** Enqueues `send` messages for the given batch numbers (sendBatch takes ≤100 at a time). */
export async function enqueueSends(queue: Queue<DigestMessage>, runId: string, batches: readonly number[]): Promise<void> {
  for (let i = 0; i < batches.length; i += 100) {
    await queue.sendBatch(batches.slice(i, i + 100).map((batch) => ({ body: { kind: "send", runId, batch } })));
  }
}

/** What became of one message: acknowledged, or to be retried after a delay. */
export type Outcome = { ack: true } | { retryIn: number; reason: string };

/**
 * Settles every message of a queue batch on its own: malformed bodies are dropped
 * (acked), `handle` decides the rest, and a throw retries that message after
 * `errorDelay(attempts)` seconds. Never throws (the local broker would then redeliver the
 * whole batch, acknowledged messages included).
 */
export async function settleEach(
  batch: MessageBatch<unknown>,
  label: string,
  errorDelay: (attempts: number) => number,
  handle: (message: DigestMessage, attempts: number) => Promise<Outcome>,
): Promise<void> {
  await Promise.all(
    batch.messages.map(async (msg) => {
      const message = parseMessage(msg.body);
      if (!message) {
        console.error(`${label}: dropping malformed message`, JSON.stringify(msg.body)?.slice(0, 200));
        msg.ack();
        return;
      }
      let outcome: Outcome;
      try {
        outcome = await handle(message, msg.attempts);
      } catch (error) {
        outcome = { retryIn: errorDelay(msg.attempts), reason: error instanceof Error ? error.message : String(error) };
      }
      if ("ack" in outcome) {
        msg.ack();
      } else {
        console.warn(`${label}: retry ${JSON.stringify(message)} in ${outcome.retryIn}s (attempt ${msg.attempts}): ${outcome.reason}`);
        msg.retry({ delaySeconds: outcome.retryIn });
      }
    }),
  );
}
