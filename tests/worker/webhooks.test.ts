/** POST /webhooks/resend: Svix signatures, tolerance, de-dup, replay, suppression rules. */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signSvix, svixKey } from "../../src/subscribers/svix.js";
import { BASE, activeSubscriber, row } from "./subscribers-helpers.js";

const key = () => svixKey(env.RESEND_WEBHOOK_SECRET!);
let n = 0;
const newId = () => `msg_${Date.now().toString(36)}_${n++}`;

async function deliver(payload: unknown, opts: { id?: string; timestamp?: number; signature?: string; body?: string } = {}) {
  const body = opts.body ?? JSON.stringify(payload);
  const id = opts.id ?? newId();
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = opts.signature ?? (await signSvix(await key(), id, timestamp, body));
  const res = await exports.default.fetch(`${BASE}/webhooks/resend`, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/json", "svix-id": id, "svix-timestamp": String(timestamp), "svix-signature": signature },
  });
  return { res, id, timestamp, signature, body };
}

const event = (type: string, to: string, extra: Record<string, unknown> = {}) => ({
  type,
  created_at: new Date().toISOString(),
  data: { email_id: "em_1", from: "Tidings <digest@news.example.com>", to: [to], subject: "Digest", ...extra },
});

describe("/webhooks/resend", () => {
  it("a permanent bounce suppresses the subscriber", async () => {
    const sub = await activeSubscriber();
    const { res } = await deliver(event("email.bounced", sub.email, { bounce: { type: "Permanent", subType: "General", message: "no such user" } }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, suppressed: 1 });
    const stored = await row(sub.email);
    expect(stored).toMatchObject({ status: "bounced", suppression_reason: "email.bounced" });
    expect(stored!.suppressed_at).toBeGreaterThan(0);
  });

  it("a soft bounce changes nothing", async () => {
    const sub = await activeSubscriber();
    for (const type of ["Transient", "Undetermined"]) {
      const { res } = await deliver(event("email.bounced", sub.email, { bounce: { type, subType: "MailboxFull", message: "full" } }));
      expect(res.status).toBe(200);
    }
    expect((await row(sub.email))!.status).toBe("active");
  });

  it("a complaint and a suppression stop mail; a complaint is never downgraded", async () => {
    const a = await activeSubscriber();
    await deliver(event("email.complained", a.email));
    expect((await row(a.email))!.status).toBe("complained");
    await deliver(event("email.bounced", a.email, { bounce: { type: "Permanent" } }));
    expect((await row(a.email))!.status).toBe("complained");
    const b = await activeSubscriber();
    await deliver(event("email.suppressed", `Reader <${b.email.replace(/@.*/, (d) => d.toUpperCase())}>`));
    expect((await row(b.email))!.status).toBe("bounced");
  });

  it("other events are accepted and ignored", async () => {
    const sub = await activeSubscriber();
    for (const type of ["email.delivered", "email.opened", "email.delivery_delayed", "contact.created"]) {
      expect((await deliver(event(type, sub.email))).res.status).toBe(200);
    }
    expect((await row(sub.email))!.status).toBe("active");
  });

  it("de-duplicates on svix-id: a redelivery (new timestamp) is 200 and changes nothing", async () => {
    const sub = await activeSubscriber();
    const first = await deliver(event("email.delivered", sub.email));
    expect(first.res.status).toBe(200);
    // The same event id redelivered later, now a bounce: ignored as already handled.
    const again = await deliver(event("email.complained", sub.email), { id: first.id, timestamp: first.timestamp + 30 });
    expect(again.res.status).toBe(200);
    expect(await again.res.json()).toMatchObject({ duplicate: true });
    expect((await row(sub.email))!.status).toBe("active");
  });

  it("401 and no change for bad, stale, future, missing and replayed signatures", async () => {
    const sub = await activeSubscriber();
    const complaint = event("email.complained", sub.email);
    const body = JSON.stringify(complaint);
    const now = Math.floor(Date.now() / 1000);
    const wrongKey = await svixKey("whsec_" + btoa("another secret entirely"));
    const cases = [
      await deliver(complaint, { signature: "v1,AAAA" }),
      await deliver(complaint, { signature: await signSvix(wrongKey, "msg_x", now, body), id: "msg_x" }),
      // Past the 5-minute tolerance with room to spare: these requests take seconds on a loaded
      // machine, and `now + 301` became an accepted `+300` once a second had passed.
      await deliver(complaint, { timestamp: now - 330 }),
      await deliver(complaint, { timestamp: now + 330 }),
      await deliver(complaint, { signature: "v2,abc" }),
      // signed for another body
      await deliver(complaint, { body: body.replace("complained", "delivered"), signature: await signSvix(await key(), "msg_y", now, body), id: "msg_y" }),
    ];
    for (const c of cases) expect(c.res.status).toBe(401);
    const missing = await exports.default.fetch(`${BASE}/webhooks/resend`, { method: "POST", body, headers: { "Content-Type": "application/json" } });
    expect(missing.status).toBe(401);
    expect((await row(sub.email))!.status).toBe("active");

    // A valid delivery, then the identical request again: replay.
    const ok = await deliver(event("email.delivered", sub.email));
    expect(ok.res.status).toBe(200);
    const replay = await deliver(null, { id: ok.id, timestamp: ok.timestamp, signature: ok.signature, body: ok.body });
    expect(replay.res.status).toBe(401);
  });

  it("accepts any of several signatures (secret rotation)", async () => {
    const sub = await activeSubscriber();
    const body = JSON.stringify(event("email.complained", sub.email));
    const id = newId();
    const ts = Math.floor(Date.now() / 1000);
    const good = await signSvix(await key(), id, ts, body);
    const { res } = await deliver(null, { id, timestamp: ts, body, signature: `v1,bm90IGl0 ${good}` });
    expect(res.status).toBe(200);
    expect((await row(sub.email))!.status).toBe("complained");
  });

  it("400 for a validly signed body that is not an event", async () => {
    for (const body of ["not json", "[]", '{"data":{}}']) expect((await deliver(null, { body })).res.status).toBe(400);
  });
});

describe("/webhooks/resend and letter case", () => {
  it("a complaint for one spelling of a mailbox suppresses the subscriber stored under another", async () => {
    const sub = await activeSubscriber();
    const { res } = await deliver(event("email.complained", sub.email.toUpperCase()));
    expect(await res.json()).toMatchObject({ ok: true, suppressed: 1 });
    expect((await row(sub.email))!.status).toBe("complained");
  });
});
