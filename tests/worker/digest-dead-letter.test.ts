/**
 * The dead letter queue's consumer: a batch that exhausted its retries (a provider outage
 * longer than the ~1 h of queue backoff) is put back on the digest queue while Resend's
 * 24 h idempotency key still guards it; later it is left for an admin, never resent blind.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { consumeDeadLetters, REQUEUE_WITHIN_MS } from "../../src/digest/dead-letter.js";
import type { DigestMessage } from "../../src/digest/messages.js";
import { addSubscriber, HOUR, resetDigestTables, T0 } from "./digest-support.js";

function recordingQueue() {
  const sent: { body: DigestMessage; delaySeconds?: number }[] = [];
  const queue = {
    async send(body: DigestMessage, options?: QueueSendOptions) {
      sent.push({ body, ...(options?.delaySeconds !== undefined ? { delaySeconds: options.delaySeconds } : {}) });
    },
    async sendBatch() {
      throw new Error("not used");
    },
  } as unknown as Queue<DigestMessage>;
  return { queue, sent };
}

async function runWithBatch(status: "queued" | "sending" | "sent", updatedAt: number): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO digest_runs (id, cadence, trigger, slot, window_end, targets, items, status, created_at, updated_at)
     VALUES ('daily:2026-01-05T09Z', 'daily', 'cron', ?1, ?1, '[]', '[]', 'planned', ?1, ?1)`,
  ).bind(T0).run();
  await addSubscriber({ id: "s1" });
  await env.DB.prepare(
    `INSERT INTO digest_deliveries (run_id, subscriber_id, batch_no, email, items, status, created_at, updated_at)
     VALUES ('daily:2026-01-05T09Z', 's1', 0, 's1@example.com', '[0]', ?1, ?2, ?2)`,
  ).bind(status, updatedAt).run();
}

async function consume(bodies: unknown[], now: number) {
  const { queue, sent } = recordingQueue();
  const batch = createMessageBatch<unknown>("tidings-digest-dlq", bodies.map((body, i) => ({ id: `d${i}`, timestamp: new Date(now), attempts: 1, body })));
  const ctx = createExecutionContext();
  await consumeDeadLetters(batch, env, { queue, now });
  const result = await getQueueResult(batch, ctx);
  return { sent, result };
}

describe("dead letters", () => {
  beforeEach(resetDigestTables);

  it("puts a batch back on the digest queue, delayed, while its idempotency key is fresh", async () => {
    await runWithBatch("sending", T0);
    const { sent, result } = await consume([{ kind: "send", runId: "daily:2026-01-05T09Z", batch: 0 }], T0 + 2 * HOUR);
    expect(sent).toEqual([{ body: { kind: "send", runId: "daily:2026-01-05T09Z", batch: 0 }, delaySeconds: 3600 }]);
    expect(result.explicitAcks).toEqual(["d0"]);
    expect(result.retryMessages).toEqual([]);
  });

  it("leaves a batch whose first attempt is too old for an admin, recorded on the run", async () => {
    await runWithBatch("sending", T0);
    const { sent, result } = await consume([{ kind: "send", runId: "daily:2026-01-05T09Z", batch: 0 }], T0 + REQUEUE_WITHIN_MS + 1);
    expect(sent).toEqual([]);
    expect(result.explicitAcks).toEqual(["d0"]);
    const row = await env.DB.prepare("SELECT status FROM digest_deliveries").first<{ status: string }>();
    expect(row!.status).toBe("sending"); // not resent, not given up on: redrive decides
    const run = await env.DB.prepare("SELECT stats FROM digest_runs").first<{ stats: string }>();
    expect(JSON.parse(run!.stats)).toMatchObject({ deadLettered: [0] });
  });

  it("just acknowledges a batch that has nothing left to send", async () => {
    await runWithBatch("sent", T0);
    const { sent, result } = await consume([{ kind: "send", runId: "daily:2026-01-05T09Z", batch: 0 }], T0 + HOUR);
    expect(sent).toEqual([]);
    expect(result.explicitAcks).toEqual(["d0"]);
  });

  it("re-queues a planning message and drops malformed ones", async () => {
    await runWithBatch("queued", T0);
    const { sent, result } = await consume([{ kind: "plan", runId: "daily:2026-01-05T09Z" }, { nonsense: true }], T0 + HOUR);
    expect(sent).toEqual([{ body: { kind: "plan", runId: "daily:2026-01-05T09Z" }, delaySeconds: 3600 }]);
    expect(result.explicitAcks.sort()).toEqual(["d0", "d1"]);
  });
});

describe("the Worker's queue handler", () => {
  beforeEach(resetDigestTables);

  it("routes the dead letter queue to its consumer", async () => {
    const worker = (await import("../../src/index.js")).default;
    const { queue, sent } = recordingQueue();
    const body = { kind: "plan", runId: "daily:2026-01-05T09Z" };
    const batch = createMessageBatch<unknown>("tidings-digest-dlq", [{ id: "x", timestamp: new Date(), attempts: 1, body }]);
    const ctx = createExecutionContext();
    await worker.queue!(batch, { ...env, DIGEST_QUEUE: queue }, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["x"]);
    // Only the dead-letter consumer delays a plan message by an hour.
    expect(sent).toEqual([{ body, delaySeconds: 3600 }]);
  });
});
