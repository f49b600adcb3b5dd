/**
 * The dead letter queue's consumer: a batch that exhausted its retries (a provider outage
 * longer than the ~1 h of queue backoff) is put back on the digest queue while Resend's
 * 24 h idempotency key still guards it; later it is left for an admin, never resent blind.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { consumeDeadLetters, REQUEUE_DELAY_SECONDS, REQUEUE_WITHIN_MS } from "../../src/digest/dead-letter.js";
import { backoffSeconds, latestAttemptAfter, MAX_RETRIES, type DigestMessage } from "../../src/digest/messages.js";
import { sendDeadline } from "../../src/email/sender.js";
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

  it("requeues only while the requeue delay plus every retry of the schedule ends before the key's deadline (boundary)", async () => {
    const schedule = Array.from({ length: MAX_RETRIES }, (_, i) => backoffSeconds(i + 1)).reduce((a, b) => a + b, 0) * 1000;
    // By construction: the latest attempt of a message requeued at the limit is still inside the window, with the margin.
    expect(REQUEUE_WITHIN_MS + REQUEUE_DELAY_SECONDS * 1000 + schedule).toBeLessThan(sendDeadline(0));
    expect(latestAttemptAfter(T0 + REQUEUE_WITHIN_MS, REQUEUE_DELAY_SECONDS)).toBeLessThanOrEqual(sendDeadline(T0));
    expect(latestAttemptAfter(T0 + REQUEUE_WITHIN_MS + 1, REQUEUE_DELAY_SECONDS)).toBeGreaterThan(sendDeadline(T0));
    expect(sendDeadline(T0)).toBeLessThan(T0 + 24 * HOUR);
    const message = { kind: "send", runId: "daily:2026-01-05T09Z", batch: 0 };
    await runWithBatch("sending", T0);
    expect((await consume([message], T0 + REQUEUE_WITHIN_MS)).sent).toHaveLength(1);
    expect((await consume([message], T0 + REQUEUE_WITHIN_MS + 1)).sent).toEqual([]);
  });

  it("requeues a batch never attempted whatever its age (no key was used yet)", async () => {
    await runWithBatch("queued", T0);
    const { sent } = await consume([{ kind: "send", runId: "daily:2026-01-05T09Z", batch: 0 }], T0 + 30 * 24 * HOUR);
    expect(sent).toHaveLength(1);
  });

  it("treats a transactional mail the same way: requeued while its window holds, else expired", async () => {
    await addSubscriber({ id: "m1", status: "pending" });
    const add = (id: string, firstAttempt: number | null) =>
      env.DB.prepare(
        `INSERT INTO mail_outbox (id, subscriber_id, kind, send_while, message, first_attempt_at, attempts, created_at, updated_at)
         VALUES (?1, 'm1', 'confirm', '["pending"]', '{}', ?2, 11, ?3, ?3)`,
      ).bind(id, firstAttempt, T0).run();
    const fresh = crypto.randomUUID();
    const old = crypto.randomUUID();
    const never = crypto.randomUUID();
    await add(fresh, T0);
    await add(old, T0 - 1);
    await add(never, null);
    const { sent, result } = await consume([fresh, old, never].map((id) => ({ kind: "mail", id })), T0 + REQUEUE_WITHIN_MS);
    expect(sent.map((s) => s.body)).toEqual([{ kind: "mail", id: fresh }, { kind: "mail", id: never }]);
    expect(result.explicitAcks).toHaveLength(3);
    const status = async (id: string) => (await env.DB.prepare("SELECT status FROM mail_outbox WHERE id = ?1").bind(id).first<{ status: string }>())!.status;
    expect([await status(fresh), await status(old), await status(never)]).toEqual(["queued", "expired", "queued"]);
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
