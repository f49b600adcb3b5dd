/**
 * Issue 8: mail sent on behalf of a request (confirmation, "already subscribed") goes
 * through the durable queued path — stored in D1, delivered by the queue consumer with
 * retries, backoff and an Idempotency-Key: delayed by a flaky provider, never lost, never
 * doubled, and the request never waits on the provider.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { app } from "../../src/app.js";
import type { DigestMessage } from "../../src/digest/messages.js";
import { createResendSender } from "../../src/email/resend.js";
import { sendDeadline } from "../../src/email/sender.js";
import { deliverQueuedMail, enqueueMail, STUCK_AFTER_MS, sweepMailOutbox } from "../../src/email/transactional.js";
import { captureQueue, drain, HOUR } from "./digest-support.js";
import { BASE, freshIp, normalised, uniqueEmail } from "./subscribers-helpers.js";

type Failure = "500" | "429" | "lose" | null;

/** Resend's HTTP API as the SDK sees it, through vi.spyOn(globalThis, "fetch"): idempotency keys, injected failures. */
function fakeResendApi(failure: (call: number) => Failure = () => null) {
  const keys = new Map<string, { body: string; response: { id: string } }>();
  const received = new Map<string, number>();
  const calls: Array<{ key: string | null; to: string }> = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (request.url !== "https://resend.test/emails") throw new Error(`unexpected fetch ${request.url}`);
    const body = await request.text();
    const key = request.headers.get("idempotency-key");
    calls.push({ key, to: (JSON.parse(body) as { to: string[] }).to[0]! });
    const injected = failure(calls.length);
    if (injected === "500") return Response.json({ statusCode: 500, name: "internal_server_error", message: "injected" }, { status: 500 });
    if (injected === "429") return Response.json({ statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" }, { status: 429 });
    const previous = key ? keys.get(key) : undefined;
    if (previous) {
      if (previous.body !== body) return Response.json({ statusCode: 409, name: "invalid_idempotent_request", message: "different payload" }, { status: 409 });
      return Response.json(previous.response);
    }
    for (const to of (JSON.parse(body) as { to: string[] }).to) received.set(to, (received.get(to) ?? 0) + 1);
    const response = { id: `em_${calls.length}` };
    if (key) keys.set(key, { body, response });
    if (injected === "lose") return Response.json({ statusCode: 500, name: "internal_server_error", message: "accepted, answer lost" }, { status: 500 });
    return Response.json(response);
  });
  return { spy, calls, received };
}

const resendEnv = { RESEND_API_KEY: "re_test", RESEND_BASE_URL: "https://resend.test" };
const sender = () => createResendSender({ apiKey: "re_test", baseUrl: "https://resend.test" });
let queue: ReturnType<typeof captureQueue>;

async function signUp(email: string, overrides: Record<string, unknown> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(`${BASE}/subscribe`, {
    method: "POST",
    body: JSON.stringify({ email }),
    headers: { "Content-Type": "application/json", Accept: "application/json", "CF-Connecting-IP": freshIp() },
  });
  const res = await app.fetch(request, { ...env, ...resendEnv, DIGEST_QUEUE: queue, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const outbox = async (email: string) =>
  (await env.DB.prepare("SELECT o.* FROM mail_outbox o JOIN subscribers s ON s.id = o.subscriber_id WHERE s.email = ?1 ORDER BY o.created_at").bind(email).all<Record<string, unknown>>()).results;

beforeEach(() => {
  queue = captureQueue();
});
afterEach(() => vi.restoreAllMocks());

describe("the sign-up request", () => {
  it("answers without calling the provider: the mail is stored and queued", async () => {
    const api = fakeResendApi();
    const email = uniqueEmail("nowait");
    const res = await signUp(email);
    expect(res.status).toBe(202);
    expect(api.spy).not.toHaveBeenCalled();
    const [row, ...more] = await outbox(normalised(email));
    expect(more).toEqual([]);
    expect(row).toMatchObject({ kind: "confirm", status: "queued", attempts: 0 });
    expect(queue.messages).toEqual([{ kind: "mail", id: row!.id }]);
  });

  it("does the same work for a suppressed address (its mail is written, then dropped by the consumer)", async () => {
    fakeResendApi();
    const email = uniqueEmail("supp");
    await signUp(email);
    await drain(queue, sender());
    await env.DB.prepare("UPDATE subscribers SET status = 'complained', suppressed_at = 1 WHERE email = ?1").bind(normalised(email)).run();
    await env.DB.prepare("DELETE FROM rate_limits WHERE key = ?1").bind(`mail:${normalised(email).toLowerCase()}`).run();
    const api = fakeResendApi();
    expect((await signUp(email)).status).toBe(202);
    expect(queue.messages).toHaveLength(1);
    await drain(queue, sender());
    expect(api.calls).toEqual([]);
    expect((await outbox(normalised(email))).map((r) => r.status)).toEqual(["sent", "dropped"]);
  });
});

describe("delivery through a flaky provider", () => {
  it("with ~30 % of calls failing (500, 429, accepted-but-unanswered), every sign-up gets exactly one confirmation", async () => {
    // Calls 1, 4, 7, … fail: 500, then 429, then accepted with the answer lost.
    const kinds: Failure[] = ["500", "429", "lose"];
    const api = fakeResendApi((call) => (call % 3 === 1 ? kinds[Math.floor(call / 3) % 3]! : null));
    const emails = Array.from({ length: 12 }, () => uniqueEmail("flaky"));
    for (const email of emails) expect((await signUp(email)).status).toBe(202);
    const retries = await drain(queue, sender());
    expect(retries.length).toBeGreaterThan(3);
    for (const email of emails) expect(api.received.get(normalised(email)), email).toBe(1);
    expect(api.received.size).toBe(12);
    // One key per mail, reused on every attempt.
    const keysPerRecipient = new Map<string, Set<string | null>>();
    for (const c of api.calls) keysPerRecipient.set(c.to, (keysPerRecipient.get(c.to) ?? new Set()).add(c.key));
    for (const keys of keysPerRecipient.values()) {
      expect(keys.size).toBe(1);
      expect([...keys][0]).toMatch(/^tidings-mail\/[0-9a-f-]{36}$/);
    }
    for (const email of emails) expect((await outbox(normalised(email))).map((r) => r.status)).toEqual(["sent"]);
  });

  it("a queue redelivery sends nothing twice (concurrent copies share the key; a later copy finds it sent)", async () => {
    const api = fakeResendApi();
    const email = uniqueEmail("twice");
    await signUp(email);
    queue.messages.push(...queue.messages);
    await drain(queue, sender());
    queue.messages.push({ kind: "mail", id: (await outbox(normalised(email)))[0]!.id as string });
    await drain(queue, sender());
    expect(api.received.get(normalised(email))).toBe(1);
    expect(api.calls.length).toBeLessThanOrEqual(2);
  });
});

describe("status re-checked before every attempt", () => {
  it("a confirmation is not sent after the sign-up was unsubscribed, nor after a failed attempt and a bounce", async () => {
    const a = uniqueEmail("gone");
    await signUp(a);
    await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE email = ?1").bind(normalised(a)).run();
    const api = fakeResendApi();
    await drain(queue, sender());
    expect(api.calls).toEqual([]);
    expect((await outbox(normalised(a)))[0]).toMatchObject({ status: "dropped", error: "subscriber is unsubscribed" });

    const b = uniqueEmail("bounce");
    await signUp(b);
    vi.restoreAllMocks();
    const flaky = fakeResendApi(() => "500");
    const [message] = queue.messages.splice(0);
    const row = (await outbox(normalised(b)))[0]!;
    expect(await deliverQueuedMail(env.DB, row.id as string, sender())).toMatchObject({ retry: true });
    await env.DB.prepare("UPDATE subscribers SET status = 'bounced', suppressed_at = 1 WHERE email = ?1").bind(normalised(b)).run();
    expect(await deliverQueuedMail(env.DB, (message as { id: string }).id, sender())).toEqual({ retry: false, status: "dropped" });
    expect(flaky.calls).toHaveLength(1);
  });

  it("never calls the provider past the key's deadline: the mail is left expired", async () => {
    const email = uniqueEmail("late");
    await signUp(email);
    const id = (await outbox(normalised(email)))[0]!.id as string;
    await env.DB.prepare("UPDATE mail_outbox SET first_attempt_at = ?2, attempts = 11 WHERE id = ?1").bind(id, Date.now() - sendDeadline(0) - 60_000).run();
    const api = fakeResendApi();
    expect(await deliverQueuedMail(env.DB, id, sender())).toEqual({ retry: false, status: "expired" });
    expect(api.calls).toEqual([]);
  });

  it("a 409 for a key already used with another payload means an earlier attempt went out: recorded as sent", async () => {
    const email = uniqueEmail("conflict");
    await signUp(email);
    const id = (await outbox(normalised(email)))[0]!.id as string;
    vi.spyOn(globalThis, "fetch").mockResolvedValue(Response.json({ statusCode: 409, name: "invalid_idempotent_request", message: "different payload" }, { status: 409 }));
    expect(await deliverQueuedMail(env.DB, id, sender())).toEqual({ retry: false, status: "sent" });
  });
});

describe("enqueueMail and the hourly sweep", () => {
  it("a mail whose queue send failed is still stored, answered 202, and queued again by the sweep", async () => {
    const broken = { ...captureQueue(), async send(): Promise<never> { throw new Error("queue down"); } } as unknown as Queue<DigestMessage>;
    const email = uniqueEmail("sweep");
    expect((await signUp(email, { DIGEST_QUEUE: broken })).status).toBe(202);
    const [row] = await outbox(normalised(email));
    expect(row).toMatchObject({ status: "queued" });
    const early = await sweepMailOutbox(env.DB, queue, Date.now());
    expect(early.requeued).toBe(0);
    const later = await sweepMailOutbox(env.DB, queue, Date.now() + STUCK_AFTER_MS + HOUR);
    expect(later.requeued).toBeGreaterThanOrEqual(1);
    expect(queue.messages).toContainEqual({ kind: "mail", id: row!.id });
  });

  it("refuses a message that could inject a header", async () => {
    await expect(
      enqueueMail(env.DB, queue, { kind: "notice", subscriberId: "x", sendWhile: ["active"], message: { from: "a@example.com", to: "b@example.com\nBcc: c@example.com", subject: "s", html: "", text: "" } }),
    ).rejects.toThrow(/line breaks/);
  });
});
