/** The queue consumer: provider failures, retries, quota, permissive results, send-time suppression, real sender. */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { consumeDigestQueue } from "../../src/digest/consumer.js";
import { backoffSeconds, type DigestMessage } from "../../src/digest/messages.js";
import { runScheduledDigests } from "../../src/digest/scheduler.js";
import worker from "../../src/index.js";
import { addSubscriber, article, captureQueue, deliveries, drain, fakeResend, HOUR, resetDigestTables, site, T0 } from "./digest-support.js";

const base = article("base", T0 - 10 * 24 * HOUR);
const fresh = article("fresh", T0 - HOUR, { title: "新文章 fresh" });
let queue: ReturnType<typeof captureQueue>;

async function planFor(count: number, batchSize = 3, extra: (i: number) => Partial<Parameters<typeof addSubscriber>[0]> = () => ({})) {
  for (let i = 0; i < count; i++) await addSubscriber({ id: `s${String(i).padStart(3, "0")}`, ...extra(i) });
  await runScheduledDigests(env, T0 - 24 * HOUR, { queue, content: site(base), now: T0 - 24 * HOUR });
  await runScheduledDigests(env, T0, { queue, content: site(base, fresh), now: T0, plan: { batchSize } });
}

const error = (statusCode: number | null, name = "application_error") => ({ name, message: `failed with ${statusCode}`, statusCode });

beforeEach(async () => {
  await resetDigestTables();
  queue = captureQueue();
});
afterEach(() => vi.restoreAllMocks());

describe("delivery under provider failures", () => {
  it("500s, 429s and lost responses on some batches: everyone ends with exactly one digest", async () => {
    await planFor(20);
    const resend = fakeResend({
      fail: (call) => (call % 3 === 1 ? error(500) : call % 5 === 2 ? error(429, "rate_limit_exceeded") : null),
      lose: (call) => call % 4 === 0,
    });
    const retries = await drain(queue, resend.sender);
    expect(retries.length).toBeGreaterThan(0);
    const counts = resend.perRecipient();
    expect(counts.size).toBe(20);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect((await deliveries()).every((d) => d.status === "sent")).toBe(true);
    // Every retry of a batch reused its key with the identical payload (else the fake answers 409).
    const keys = new Set(resend.calls.map((c) => c.key));
    expect(keys.size).toBe(7);
  });

  it("a batch delivered twice (queue redelivery) sends once", async () => {
    await planFor(3);
    const resend = fakeResend();
    queue.messages.push(...queue.messages);
    await drain(queue, resend.sender);
    await drain(Object.assign(queue, { messages: [{ kind: "send", runId: "daily:2026-01-05T09Z", batch: 0 } as DigestMessage] }), resend.sender);
    expect([...resend.perRecipient().values()]).toEqual([1, 1, 1]);
  });

  it("does not retry quota errors: the batch is recorded as failed", async () => {
    await planFor(3);
    const resend = fakeResend({ fail: () => error(429, "daily_quota_exceeded") });
    const retries = await drain(queue, resend.sender);
    expect(retries).toEqual([]);
    expect((await deliveries()).map((d) => d.status)).toEqual(["failed", "failed", "failed"]);
    expect((await deliveries())[0]!.error).toMatch(/daily_quota_exceeded/);
  });

  it("records per-address failures of a permissive batch", async () => {
    await addSubscriber({ id: "good" });
    await env.DB.prepare("UPDATE subscribers SET email = 'invalid-good@example.com' WHERE id = 'good'").run();
    await planFor(2);
    await drain(queue, fakeResend().sender);
    const rows = await deliveries();
    expect(rows.map((d) => [d.subscriber_id, d.status])).toEqual([
      ["good", "failed"],
      ["s000", "sent"],
      ["s001", "sent"],
    ]);
  });

  it("skips subscribers who unsubscribed or bounced between planning and sending", async () => {
    await planFor(3);
    await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE id = 's000'").run();
    await env.DB.prepare("UPDATE subscribers SET status = 'bounced', suppressed_at = 1 WHERE id = 's001'").run();
    const resend = fakeResend();
    await drain(queue, resend.sender);
    expect([...resend.perRecipient().keys()]).toEqual(["s002@example.com"]);
    expect((await deliveries()).map((d) => d.status)).toEqual(["skipped", "skipped", "sent"]);
  });

  it("never throws: malformed messages are acked, failures are retried one by one", async () => {
    await planFor(3);
    const batch = createMessageBatch<unknown>("tidings-digest", [
      { id: "bad", timestamp: new Date(), attempts: 1, body: { hello: "world" } },
      { id: "good", timestamp: new Date(), attempts: 1, body: queue.messages.find((m) => m.kind === "send") },
    ]);
    const ctx = createExecutionContext();
    const retry = vi.spyOn(batch.messages[1]!, "retry");
    const broken = { async send(): Promise<never> { throw new Error("no"); }, async sendBatch(): Promise<never> { throw new Error("boom"); } };
    await expect(consumeDigestQueue(batch, env, { sender: broken })).resolves.toBeUndefined();
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["bad"]);
    expect(result.retryMessages.map((r: { msgId: string }) => r.msgId)).toEqual(["good"]);
    expect(retry).toHaveBeenCalledWith({ delaySeconds: 10 });
    expect(backoffSeconds(4)).toBe(80);
    expect(backoffSeconds(30)).toBe(900);
  });
});

describe("through the real sender and the Resend HTTP API", () => {
  it("retries a 500 with the same Idempotency-Key and a byte-identical body", async () => {
    await planFor(2);
    const bodies: string[] = [];
    const keys: Array<string | null> = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      expect(request.url).toBe("https://resend.test/emails/batch");
      bodies.push(await request.text());
      keys.push(request.headers.get("idempotency-key"));
      expect(request.headers.get("x-batch-validation")).toBe("permissive");
      if (bodies.length === 1) return Response.json({ name: "internal_server_error", message: "oops", statusCode: 500 }, { status: 500 });
      return Response.json({ data: [{ id: "r1" }, { id: "r2" }] });
    });
    const testEnv = { ...env, RESEND_API_KEY: "re_test", RESEND_BASE_URL: "https://resend.test" };
    const send = queue.messages.filter((m) => m.kind === "send");
    for (let attempt = 1; attempt <= 2; attempt++) {
      const batch = createMessageBatch<DigestMessage>("tidings-digest", send.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: attempt, body })));
      const ctx = createExecutionContext();
      await worker.queue(batch as MessageBatch<unknown>, testEnv, ctx);
      const result = await getQueueResult(batch, ctx);
      expect(attempt === 1 ? result.retryMessages.length : result.explicitAcks.length).toBe(1);
    }
    expect(keys).toEqual(["tidings-digest/daily:2026-01-05T09Z/0", "tidings-digest/daily:2026-01-05T09Z/0"]);
    expect(bodies[1]).toBe(bodies[0]);
    const payload = JSON.parse(bodies[0]!) as Array<{ to: string[]; subject: string; headers: Record<string, string> }>;
    expect(payload.map((p) => p.to[0])).toEqual(["s000@example.com", "s001@example.com"]);
    expect(payload[0]!.subject).toContain("新文章 fresh");
    expect(payload[0]!.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect((await deliveries()).map((d) => d.status)).toEqual(["sent", "sent"]);
  });
});

describe("run records", () => {
  it("counts planned, sent, skipped and failed, visible through the admin API", async () => {
    await planFor(4, 2);
    await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE id = 's000'").run();
    await drain(queue, fakeResend({ fail: (_call, key) => (key.endsWith("/1") ? error(403, "validation_error") : null) }).sender);
    const auth = { authorization: "Bearer test-admin-token" };
    expect((await exports.default.fetch("http://localhost/admin/digests/runs")).status).toBe(401);
    const res = await exports.default.fetch("http://localhost/admin/digests/runs", { headers: auth });
    const { runs } = (await res.json()) as { runs: Array<Record<string, unknown>> };
    expect(runs.find((r) => r.id === "daily:2026-01-05T09Z")).toMatchObject({ status: "planned", items: 1, planned: 4, sent: 1, skipped: 1, failed: 2, pending: 0, batches: 2 });
    const one = await exports.default.fetch("http://localhost/admin/digests/runs/daily:2026-01-05T09Z", { headers: auth });
    expect(((await one.json()) as { sent: number }).sent).toBe(1);
  });
});
