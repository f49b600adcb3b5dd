/** The EmailSender implementations: Resend (exact API requests, against a stubbed fetch) and the dev outbox. */
import { readConfig } from "../../src/config.js";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { format, messagesFor } from "../../src/i18n/index.js";
const t = messagesFor(env.SITE_LANGUAGE);
import { createOutboxSender } from "../../src/email/outbox.js";
import { createResendSender } from "../../src/email/resend.js";
import { createSender } from "../../src/email/create-sender.js";
import type { EmailMessage } from "../../src/email/sender.js";
import { subscribe } from "../../src/subscribers/service.js";
import { captureQueue, drain } from "./digest-support.js";
import { BASE, get, mailTo, postJson, settleMail, uniqueEmail, normalised } from "./subscribers-helpers.js";

const FAKE_API = "http://127.0.0.1:9999/";
const message = (to = "reader@example.com", extra: Partial<EmailMessage> = {}): EmailMessage => ({
  from: "Tidings <digest@news.example.com>",
  to,
  subject: "Hello 你好",
  html: "<p>Hi</p>",
  text: "Hi",
  headers: { "List-Unsubscribe": "<https://x.example/u>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  ...extra,
});

interface Seen {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
}

/** Stubs global fetch (the SDK's transport) with a fake Resend API. */
function fakeResend(reply: (req: Seen) => Response): Seen[] {
  const seen: Seen[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input as RequestInfo, init as RequestInit);
    const s: Seen = { url: req.url, method: req.method, headers: req.headers, body: JSON.parse(await req.text()) };
    seen.push(s);
    return reply(s);
  });
  return seen;
}

afterEach(() => vi.restoreAllMocks());

describe("Resend sender", () => {
  it("POSTs /emails on RESEND_BASE_URL with to, from, subject, both parts, headers, key and Idempotency-Key", async () => {
    const seen = fakeResend(() => Response.json({ id: "em_123" }));
    const sender = createResendSender({ apiKey: "re_test_key", baseUrl: FAKE_API });
    const outcome = await sender.send(message(), { idempotencyKey: "confirm/abc" });
    expect(outcome).toEqual({ ok: true, id: "em_123" });
    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req!.url).toBe("http://127.0.0.1:9999/emails");
    expect(req!.method).toBe("POST");
    expect(req!.headers.get("authorization")).toBe("Bearer re_test_key");
    expect(req!.headers.get("idempotency-key")).toBe("confirm/abc");
    expect(req!.headers.get("content-type")).toBe("application/json");
    expect(req!.body).toEqual({
      from: "Tidings <digest@news.example.com>",
      to: ["reader@example.com"],
      subject: "Hello 你好",
      html: "<p>Hi</p>",
      text: "Hi",
      headers: { "List-Unsubscribe": "<https://x.example/u>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    });
  });

  it("reports API errors with their status, and network failures with statusCode null", async () => {
    fakeResend(() => Response.json({ statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" }, { status: 429 }));
    const sender = createResendSender({ apiKey: "re_test_key", baseUrl: FAKE_API });
    expect(await sender.send(message())).toEqual({ ok: false, error: { name: "rate_limit_exceeded", message: "Too many requests", statusCode: 429 } });
    vi.restoreAllMocks();
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("connection refused"));
    const failed = await sender.send(message());
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error.statusCode).toBeNull();
  });

  it("never calls the API for a message with a line break in a header field", async () => {
    const seen = fakeResend(() => Response.json({ id: "x" }));
    const sender = createResendSender({ apiKey: "re_test_key", baseUrl: FAKE_API });
    const outcome = await sender.send(message("a@example.com\r\nBcc: b@example.com"));
    expect(outcome.ok).toBe(false);
    expect((await sender.send(message(undefined, { subject: "x\nBcc: y" }))).ok).toBe(false);
    expect((await sender.send(message(undefined, { headers: { "X-A": "1\r\nBcc: y" } }))).ok).toBe(false);
    expect(seen).toHaveLength(0);
  });

  it("sends batches in permissive mode under the idempotency key; results[i] belongs to messages[i]", async () => {
    const seen = fakeResend((req) => {
      expect(req.url).toBe("http://127.0.0.1:9999/emails/batch");
      return Response.json({ data: [{ id: "em_a" }, { id: "em_c" }], errors: [{ index: 1, message: "Invalid `to` field" }] });
    });
    const sender = createResendSender({ apiKey: "re_test_key", baseUrl: FAKE_API });
    const batch = [message("a@example.com"), message("b@example.com"), message("bad\nline@example.com"), message("c@example.com")];
    const outcome = await sender.sendBatch(batch, { idempotencyKey: "digest/run-1/0" });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.get("x-batch-validation")).toBe("permissive");
    expect(seen[0]!.headers.get("idempotency-key")).toBe("digest/run-1/0");
    // The locally refused message never reaches the API; the rest keep their order.
    expect((seen[0]!.body as { to: string[] }[]).map((m) => m.to[0])).toEqual(["a@example.com", "b@example.com", "c@example.com"]);
    expect(outcome).toEqual({
      ok: true,
      results: [{ id: "em_a" }, { error: "Invalid `to` field" }, { error: "to must not contain line breaks" }, { id: "em_c" }],
    });
  });

  it("a failed batch request is one error; empty and oversized batches are refused", async () => {
    fakeResend(() => Response.json({ statusCode: 500, name: "internal_server_error", message: "boom" }, { status: 500 }));
    const sender = createResendSender({ apiKey: "re_test_key", baseUrl: FAKE_API });
    expect(await sender.sendBatch([message()], { idempotencyKey: "k" })).toEqual({ ok: false, error: { name: "internal_server_error", message: "boom", statusCode: 500 } });
    expect((await sender.sendBatch([], { idempotencyKey: "k" })).ok).toBe(false);
    expect((await sender.sendBatch(Array.from({ length: 101 }, () => message()), { idempotencyKey: "k" })).ok).toBe(false);
  });

  it("the whole sign-up sends the exact confirmation request when RESEND_API_KEY is set (from the queue, not the request)", async () => {
    const seen = fakeResend(() => Response.json({ id: "em_confirm" }));
    const email = uniqueEmail("resend");
    const queue = captureQueue();
    const liveEnv = { ...env, RESEND_API_KEY: "re_live_key", RESEND_BASE_URL: FAKE_API, DIGEST_QUEUE: queue };
    const result = await subscribe(liveEnv, { email }, false, "192.0.2.200", Date.now());
    expect(result).toEqual({ ok: true });
    expect(seen).toHaveLength(0);
    await drain(queue, createSender(readConfig(liveEnv).mail, liveEnv.DB));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.get("idempotency-key")).toMatch(/^tidings-mail\/[0-9a-f-]{36}$/);
    const body = seen[0]!.body as Record<string, unknown>;
    expect(seen[0]!.url).toBe("http://127.0.0.1:9999/emails");
    expect(body.from).toBe(env.EMAIL_FROM);
    expect(body.to).toEqual([normalised(email)]);
    expect(body.subject).toBe(format(t.mail.confirmSubject, { site: env.SITE_TITLE }));
    expect(body.text).toMatch(new RegExp(`${BASE}/confirm/[A-Za-z0-9_.-]+`));
    expect(body.html).toMatch(new RegExp(`href="${BASE}/confirm/[A-Za-z0-9_.-]+"`));
    expect(body.html).toMatch(/^<!doctype html><html lang="zh-CN">/);
    expect(await mailTo(normalised(email))).toHaveLength(0); // not in the dev outbox
  });

  it("createSender picks Resend only when RESEND_API_KEY is set", async () => {
    const seen = fakeResend(() => Response.json({ id: "em_1" }));
    await createSender(readConfig({ ...env, RESEND_API_KEY: "", RESEND_BASE_URL: FAKE_API }).mail, env.DB).send(message(uniqueEmail("pick").toLowerCase()));
    expect(seen).toHaveLength(0);
    await createSender(readConfig({ ...env, RESEND_API_KEY: "re_x", RESEND_BASE_URL: FAKE_API }).mail, env.DB).send(message());
    expect(seen).toHaveLength(1);
  });
});

describe("dev outbox sender", () => {
  it("stores messages and honours idempotency keys (same key: no second copy, same ids)", async () => {
    const sender = createOutboxSender(env.DB);
    const to = uniqueEmail("outbox").toLowerCase();
    const a = await sender.send(message(to), { idempotencyKey: "once" });
    const b = await sender.send(message(to), { idempotencyKey: "once" });
    expect(a).toEqual(b);
    expect(await mailTo(to)).toHaveLength(1);
    const c = await sender.send(message(to));
    expect(c.ok && a.ok && c.id !== a.id).toBe(true);
    expect(await mailTo(to)).toHaveLength(2);
  });

  it("batches: results in order, invalid ones reported, a rerun stores nothing new", async () => {
    const sender = createOutboxSender(env.DB);
    const to = [uniqueEmail("b1").toLowerCase(), "bad\naddress@example.com", uniqueEmail("b2").toLowerCase()];
    const first = await sender.sendBatch(to.map((t) => message(t)), { idempotencyKey: `run-${to[0]}` });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect("id" in first.results[0]! && "error" in first.results[1]! && "id" in first.results[2]!).toBe(true);
    const again = await sender.sendBatch(to.map((t) => message(t)), { idempotencyKey: `run-${to[0]}` });
    expect(again).toEqual(first);
    expect(await mailTo(to[0]!)).toHaveLength(1);
    expect(await mailTo(to[2]!)).toHaveLength(1);
  });
});

describe("/dev/outbox", () => {
  it("lists mail newest first as JSON in the DESIGN.md shape", async () => {
    const email = uniqueEmail("dev");
    await postJson("/subscribe", { email });
    await settleMail();
    const sender = createOutboxSender(env.DB);
    await sender.send(message(normalised(email), { subject: "second" }));
    const res = await get(`/dev/outbox?to=${encodeURIComponent(normalised(email))}`, { Accept: "application/json" });
    expect(res.status).toBe(200);
    const list = (await res.json()) as Record<string, unknown>[];
    expect(list.map((m) => m.subject)).toEqual(["second", format(t.mail.confirmSubject, { site: env.SITE_TITLE })]);
    expect(Object.keys(list[0]!).sort()).toEqual(["headers", "html", "id", "sentAt", "subject", "text", "to"]);
    expect(new Date(list[0]!.sentAt as string).getTime()).toBeGreaterThan(0);
    const all = (await (await get("/dev/outbox", { Accept: "application/json" })).json()) as unknown[];
    expect(all.length).toBeGreaterThanOrEqual(2);
  });

  it("has an HTML list and a message view with the HTML part in a sandboxed iframe", async () => {
    const sender = createOutboxSender(env.DB);
    const sent = await sender.send(message(uniqueEmail("view").toLowerCase(), { html: `<p class="x">Tom & "Jerry" <b>hi</b></p>` }));
    const list = await (await get("/dev/outbox")).text();
    expect(list).toContain(t.outbox.title);
    expect(sent.ok).toBe(true);
    if (!sent.ok) return;
    expect(list).toContain(`/dev/outbox/${sent.id}`);
    const view = await (await get(`/dev/outbox/${sent.id}`)).text();
    expect(view).toMatch(new RegExp(`<iframe class="mail-frame" title="${t.outbox.htmlPart}" sandbox`));
    expect(view).toMatch(/sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="[^"]*&lt;p class=&quot;x&quot;&gt;Tom &amp; &quot;Jerry&quot; &lt;b&gt;hi/);
    expect((await get("/dev/outbox/nope")).status).toBe(404);
    expect((await get("/dev/outbox?limit=abc")).status).toBe(400);
  });
});
