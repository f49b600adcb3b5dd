/** Messages on DIGEST_QUEUE: send one recipient batch, or continue planning a run. */
export type DigestMessage = { kind: "send"; runId: string; batch: number } | { kind: "plan"; runId: string };

export function parseMessage(body: unknown): DigestMessage | null {
  if (typeof body !== "object" || body === null) return null;
  const m = body as Record<string, unknown>;
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
