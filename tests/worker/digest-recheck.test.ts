/**
 * Issue 8: the recipient's status is re-checked before every send attempt, and no batch is
 * sent with an idempotency key whose 24 h window may have closed.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { consumeDigestQueue } from "../../src/digest/consumer.js";
import type { DigestMessage } from "../../src/digest/messages.js";
import { runScheduledDigests } from "../../src/digest/scheduler.js";
import { sendDeadline } from "../../src/email/sender.js";
import { addSubscriber, article, captureQueue, deliveries, drain, fakeResend, HOUR, resetDigestTables, site, T0 } from "./digest-support.js";

const base = article("base", T0 - 10 * 24 * HOUR);
const fresh = article("fresh", T0 - HOUR);
let queue: ReturnType<typeof captureQueue>;

async function planFor(count: number) {
  for (let i = 0; i < count; i++) await addSubscriber({ id: `s${String(i).padStart(3, "0")}` });
  await runScheduledDigests(env, T0 - 24 * HOUR, { queue, content: site(base), now: T0 - 24 * HOUR });
  await runScheduledDigests(env, T0, { queue, content: site(base, fresh), now: T0, plan: { batchSize: 10 } });
}

/** One delivery of every queued message, through a real MessageBatch; returns which were retried. */
async function deliverOnce(sender: Parameters<typeof drain>[1], attempts = 1) {
  const bodies = queue.messages.splice(0);
  const batch = createMessageBatch<DigestMessage>("tidings-digest", bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts, body })));
  const ctx = createExecutionContext();
  await consumeDigestQueue(batch as MessageBatch<unknown>, env, { sender, queue });
  const result = await getQueueResult(batch, ctx);
  const retried = bodies.filter((_, i) => result.retryMessages.some((r: { msgId: string }) => r.msgId === `m${i}`));
  queue.messages.push(...retried);
  return { retried, acked: result.explicitAcks as string[] };
}

beforeEach(async () => {
  await resetDigestTables();
  queue = captureQueue();
});

describe("status re-checked before every attempt", () => {
  it("a recipient who unsubscribes or is suppressed after a failed first attempt is not sent the retry", async () => {
    await planFor(3);
    let call = 0;
    const resend = fakeResend({ fail: () => (++call === 1 ? { name: "internal_server_error", message: "down", statusCode: 500 } : null) });
    expect((await deliverOnce(resend.sender)).retried).toHaveLength(1);
    await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE id = 's000'").run();
    await env.DB.prepare("UPDATE subscribers SET status = 'complained', suppressed_at = 1 WHERE id = 's001'").run();
    await drain(queue, resend.sender);
    expect([...resend.perRecipient().keys()]).toEqual(["s002@example.com"]);
    expect((await deliveries()).map((d) => [d.subscriber_id, d.status])).toEqual([
      ["s000", "skipped"],
      ["s001", "skipped"],
      ["s002", "sent"],
    ]);
  });

  it("when the first attempt went out unheard, the smaller retry is recognised (409) and nothing is sent twice", async () => {
    await planFor(3);
    let call = 0;
    const resend = fakeResend({ lose: () => ++call === 1 });
    expect((await deliverOnce(resend.sender)).retried).toHaveLength(1);
    await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE id = 's000'").run();
    await drain(queue, resend.sender);
    expect([...resend.perRecipient().values()]).toEqual([1, 1, 1]);
    expect((await deliveries()).map((d) => [d.subscriber_id, d.status])).toEqual([
      ["s000", "skipped"],
      ["s001", "sent"],
      ["s002", "sent"],
    ]);
  });
});

describe("the idempotency window holds by construction", () => {
  async function frozenAt(attemptedAt: number) {
    await planFor(2);
    const first = await deliverOnce(fakeResend({ fail: () => ({ name: "internal_server_error", message: "down", statusCode: 500 }) }).sender);
    expect(first.retried).toHaveLength(1);
    await env.DB.prepare("UPDATE digest_deliveries SET attempted_at = ?1 WHERE status = 'sending'").bind(attemptedAt).run();
  }

  it("a retry after the deadline (24 h window minus the margin) is not sent: left for an admin, recorded on the run", async () => {
    expect(sendDeadline(0)).toBeLessThan(24 * HOUR);
    await frozenAt(Date.now() - sendDeadline(0) - 60_000);
    const resend = fakeResend();
    const { retried, acked } = await deliverOnce(resend.sender, 2);
    expect(retried).toEqual([]);
    expect(acked).toHaveLength(1);
    expect(resend.calls).toEqual([]);
    expect((await deliveries()).map((d) => d.status)).toEqual(["sending", "sending"]);
    const run = await env.DB.prepare("SELECT stats FROM digest_runs WHERE id = 'daily:2026-01-05T09Z'").first<{ stats: string }>();
    expect(JSON.parse(run!.stats)).toMatchObject({ deadLettered: [0] });
  });

  it("a retry just inside the deadline is sent", async () => {
    await frozenAt(Date.now() - sendDeadline(0) + 10 * 60_000);
    const resend = fakeResend();
    await deliverOnce(resend.sender, 2);
    expect(resend.calls).toHaveLength(1);
    expect((await deliveries()).map((d) => d.status)).toEqual(["sent", "sent"]);
  });
});
