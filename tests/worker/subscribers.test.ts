/** Subscribe → confirm → preferences → unsubscribe, with every bad input along the way. */
import { readConfig } from "../../src/config.js";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CATALOGUES, format, messagesFor } from "../../src/i18n/index.js";
const t = messagesFor(env.SITE_LANGUAGE);
import { siteContent } from "../../src/content/index.js";
import { signToken } from "../../src/lib/tokens.js";
import { subscriberLinks } from "../../src/subscribers/links.js";
import { purgeExpiredPending } from "../../src/subscribers/maintenance.js";
import { BASE, activeSubscriber, get, linkPath, mailTo, normalised, postForm, postJson, row, settleMail, uniqueEmail } from "./subscribers-helpers.js";

const content = await siteContent(env);

const firstTopic = () => [...content.catalogue("topics", Date.now()).values()][0]!;
const firstTag = () => [...content.catalogue("tags", Date.now()).values()][0]!;

describe("GET /subscribe", () => {
  it("renders a labelled, no-JS form with the catalogue and the DESIGN.md field names", async () => {
    const res = await get("/subscribe");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<html lang="zh-CN">/);
    expect(html).toContain('<form method="post" action="/subscribe">');
    for (const name of ["email", "topics", "tags", "cadence", "timezone", "hour"]) expect(html).toContain(`name="${name}"`);
    expect(html).toContain(`value="${firstTopic().slug}"`);
    expect(html).toContain(`value="${firstTag().slug}"`);
    expect(html).toContain('<option value="Asia/Shanghai"');
    expect(html).toContain('name="website"'); // honeypot
    expect(html).toContain("resolvedOptions().timeZone"); // time zone prefill script
    // Every input and select has a label.
    for (const id of ["email", "timezone", "hour", "weekday"]) expect(html).toContain(`<label for="${id}">`);
  });

  it("answers JSON with the catalogue when asked", async () => {
    const res = await get("/subscribe", { Accept: "application/json" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { fields: Record<string, unknown>; topics: { slug: string; name: string; count: number }[] };
    expect(body.fields).toMatchObject({ email: "", cadence: "daily", timezone: "UTC", hour: 8, topics: [], tags: [] });
    expect(body.topics.map((t) => t.slug)).toContain(firstTopic().slug);
  });
});

describe("POST /subscribe", () => {
  it("stores a pending sign-up and mails a confirmation with HTML and text parts and PUBLIC_URL links", async () => {
    const email = `  Ada.Lovelace+news@Example.ORG `;
    const res = await postForm("/subscribe", { email, topics: [firstTopic().slug], tags: [firstTag().name], cadence: "weekly", timezone: "Asia/Shanghai", hour: "7", weekday: "5" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(t.subscribe.sent);
    const stored = await row("Ada.Lovelace+news@example.org");
    expect(stored).toMatchObject({ status: "pending", cadence: "weekly", timezone: "Asia/Shanghai", send_hour: 7, send_weekday: 5, confirmed_at: null });
    expect(JSON.parse(stored!.topics as string)).toEqual([firstTopic().slug]);
    expect(JSON.parse(stored!.tags as string)).toEqual([firstTag().slug]);
    expect(stored!.id).toMatch(/^[0-9a-f-]{36}$/);
    const [mail, ...more] = await mailTo("Ada.Lovelace+news@example.org");
    expect(more).toHaveLength(0);
    expect(mail!.from_addr).toBe(env.EMAIL_FROM);
    expect(mail!.subject).toContain(env.SITE_TITLE);
    const confirm = linkPath(mail!.text, "confirm");
    expect(mail!.html).toContain(`href="${BASE}${confirm}"`);
    expect(mail!.text).toContain(`${BASE}/preferences/`);
    // No raw id in any link.
    expect(mail!.text).not.toContain(stored!.id as string);
    expect(mail!.html).not.toContain(stored!.id as string);
  });

  it("accepts JSON and answers 202 JSON", async () => {
    const email = uniqueEmail("json");
    const res = await postJson("/subscribe", { email, topics: [firstTopic().name], cadence: "daily", timezone: "Europe/Berlin", hour: 18 });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ ok: true });
    expect(await row(normalised(email))).toMatchObject({ status: "pending", timezone: "Europe/Berlin", send_hour: 18 });
  });

  it("gives the same answer for unknown, pending, active and suppressed addresses (no enumeration)", async () => {
    const active = await activeSubscriber();
    const pending = uniqueEmail("pending");
    await postJson("/subscribe", { email: pending });
    const bounced = uniqueEmail("bounced");
    await postJson("/subscribe", { email: bounced });
    await settleMail(); // its confirmation goes out before the address bounces
    await env.DB.prepare("UPDATE subscribers SET status = 'bounced' WHERE email = ?1").bind(normalised(bounced)).run();
    const answers = [];
    for (const email of [uniqueEmail("new"), pending, active.email, bounced]) {
      const res = await postJson("/subscribe", { email });
      answers.push({ status: res.status, body: await res.json() });
    }
    for (const a of answers) expect(a).toEqual(answers[0]);
    // An active subscriber's preferences are not changed by a sign-up without a token.
    const before = await row(active.email);
    await postJson("/subscribe", { email: active.email, cadence: "weekly" });
    expect((await row(active.email))!.cadence).toBe(before!.cadence);
    expect((await row(normalised(bounced)))!.status).toBe("bounced");
    expect(await mailTo(normalised(bounced))).toHaveLength(1); // only the first confirmation, before it bounced
  });

  it("tells an active subscriber by mail, with preferences and unsubscribe links", async () => {
    const active = await activeSubscriber();
    await env.DB.prepare("DELETE FROM rate_limits WHERE key = ?1").bind(`mail:${active.email.toLowerCase()}`).run();
    await postJson("/subscribe", { email: active.email });
    const mails = await mailTo(active.email);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toBe(format(t.mail.alreadySubject, { site: env.SITE_TITLE }));
    expect(mails[1]!.text).toContain("/preferences/");
    expect(mails[1]!.text).toContain("/unsubscribe/");
  });

  it("sends at most one mail per address per 10 minutes, case variants included", async () => {
    const email = uniqueEmail("bomb");
    for (let i = 0; i < 5; i++) expect((await postJson("/subscribe", { email })).status).toBe(202);
    expect((await postJson("/subscribe", { email: email.toUpperCase().replace("@EXAMPLE.COM", "@example.com") })).status).toBe(202);
    await settleMail();
    const { results } = await env.DB.prepare("SELECT COUNT(*) AS n FROM dev_outbox WHERE lower(to_addr) = lower(?1)").bind(email).all<{ n: number }>();
    expect(results[0]!.n).toBe(1);
  });

  it("limits sign-ups per client IP and answers 429 with Retry-After", async () => {
    const ip = "203.0.113.77";
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await postJson("/subscribe", { email: uniqueEmail("ip") }, { "CF-Connecting-IP": ip })).status);
    expect(statuses.slice(0, 10).every((s) => s === 202)).toBe(true);
    const last = await postJson("/subscribe", { email: uniqueEmail("ip") }, { "CF-Connecting-IP": ip });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await last.json()).toMatchObject({ status: 429 });
  });

  it("pretends success when the honeypot is filled, and stores and sends nothing", async () => {
    const email = uniqueEmail("bot");
    const res = await postForm("/subscribe", { email, website: "http://spam.example" });
    expect(res.status).toBe(200);
    expect(await row(normalised(email))).toBeNull();
    expect(await mailTo(normalised(email))).toHaveLength(0);
  });

  it("refuses cross-site form posts and posts without Origin, but allows JSON without Origin", async () => {
    const email = uniqueEmail("csrf");
    const cross = await postForm("/subscribe", { email }, { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" });
    expect(cross.status).toBe(403);
    const bare = await exports.default.fetch(BASE + "/subscribe", { method: "POST", body: `email=${encodeURIComponent(email)}`, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect(bare.status).toBe(403);
    expect(await row(normalised(email))).toBeNull();
    const api = await exports.default.fetch(BASE + "/subscribe", { method: "POST", body: JSON.stringify({ email }), headers: { "Content-Type": "application/json", "CF-Connecting-IP": "192.0.2.9" } });
    expect(api.status).toBe(202);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ["missing email", {}, /email is required/],
    ["no @", { email: "nobody" }, /name@example.com/],
    ["two @", { email: "a@b@example.com" }, /before @/],
    ["header injection", { email: "a@example.com\r\nBcc: victim@example.com" }, /control characters|spaces/],
    ["display name", { email: "Ada <ada@example.com>" }, /spaces|before @/],
    ["bad domain", { email: "a@exa_mple.com" }, /domain/],
    ["IP literal", { email: "a@[127.0.0.1]" }, /domain/],
    ["no TLD", { email: "a@localhost" }, /domain/],
    ["too long", { email: "a".repeat(250) + "@example.com" }, /too long/],
    ["email not a string", { email: ["a@example.com"] }, /email/],
    ["unknown topic", { email: "t@example.com", topics: ["no-such-topic"] }, /unknown topic/],
    ["unknown tag", { email: "t@example.com", tags: ["no-such-tag"] }, /unknown tag/],
    ["topics not strings", { email: "t@example.com", topics: [1] }, /topics/],
    ["cadence", { email: "t@example.com", cadence: "hourly" }, /cadence/],
    ["timezone", { email: "t@example.com", timezone: "Mars/Olympus" }, /timezone/],
    ["hour 24", { email: "t@example.com", hour: 24 }, /hour/],
    ["hour text", { email: "t@example.com", hour: "eight" }, /hour/],
    ["weekday", { email: "t@example.com", weekday: 7 }, /weekday/],
  ];
  for (const [name, body, reason] of bad) {
    it(`400 with a reason and no mail: ${name}`, async () => {
      const res = await postJson("/subscribe", body);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { error: string };
      expect(answer.error).toMatch(reason);
      expect(await mailTo("t@example.com")).toHaveLength(0);
    });
  }

  it("re-shows the HTML form with the reason and what was typed", async () => {
    const res = await postForm("/subscribe", { email: "not-an-address", cadence: "weekly" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('value="not-an-address"');
    expect(html).toContain('role="alert"');
    expect(html).toMatch(/value="weekly" checked/);
  });

  it("rejects malformed bodies with 4xx, never 500", async () => {
    const cases: [RequestInit, number][] = [
      [{ body: "{not json", headers: { "Content-Type": "application/json" } }, 400],
      [{ body: "[1,2]", headers: { "Content-Type": "application/json" } }, 400],
      [{ body: "null", headers: { "Content-Type": "application/json" } }, 400],
      [{ body: "email=a@example.com", headers: { "Content-Type": "text/xml", Origin: BASE } }, 415],
      [{ body: JSON.stringify({ email: "x".repeat(40_000) }), headers: { "Content-Type": "application/json" } }, 413],
    ];
    for (const [init, status] of cases) {
      const res = await exports.default.fetch(BASE + "/subscribe", { method: "POST", ...init, headers: { "CF-Connecting-IP": "192.0.2.50", ...(init.headers as Record<string, string>) } });
      expect(res.status, String(init.body).slice(0, 20)).toBe(status);
    }
  });
});

describe("confirm", () => {
  async function pending() {
    const email = uniqueEmail("confirm");
    await postJson("/subscribe", { email });
    const [mail] = await mailTo(normalised(email));
    return { email: normalised(email), path: linkPath(mail!.text, "confirm") };
  }

  it("GET shows a Confirm button and changes nothing (mail scanners fetch links)", async () => {
    const { email, path } = await pending();
    for (let i = 0; i < 3; i++) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      const html = await res.text();
      expect(html).toContain(`<form method="post" action="${path}">`);
      expect(html).toContain(email);
    }
    expect((await row(email))!.status).toBe("pending");
  });

  it("POST activates, idempotently, and answers JSON with links when asked", async () => {
    const { email, path } = await pending();
    const first = await postForm(path, {});
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("/preferences/");
    const stored = await row(email);
    expect(stored).toMatchObject({ status: "active" });
    expect(stored!.confirmed_at).toBeGreaterThan(0);
    const again = await postJson(path, {});
    expect(again.status).toBe(200);
    const body = (await again.json()) as Record<string, string>;
    expect(body).toMatchObject({ status: "active", confirmed: true });
    expect(body.unsubscribeUrl).toMatch(new RegExp(`^${BASE}/unsubscribe/`));
    expect((await row(email))!.confirmed_at).toBe(stored!.confirmed_at);
    expect(await (await get(path, { Accept: "application/json" })).json()).toMatchObject({ status: "active", confirmed: true });
  });

  it("refuses forged, tampered, wrong-purpose and expired tokens", async () => {
    const { email, path } = await pending();
    const id = (await row(email))!.id as string;
    const token = path.split("/")[2]!;
    const secret = env.TOKEN_SECRET!;
    const candidates = [
      "nonsense",
      token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA"),
      await signToken("another-secret", id, "confirm"),
      await signToken(secret, id, "unsubscribe"),
      await signToken(secret, id, "preferences"),
      await signToken(secret, id, "confirm", Date.now() - 1000),
      "a".repeat(600),
    ];
    for (const bad of candidates) {
      const res = await postJson(`/confirm/${bad}`, {});
      expect(res.status, bad).toBe(400);
      // JSON: the English text and its key, whatever SITE_LANGUAGE is (the page says it in the site's language).
      expect(await res.json()).toEqual({ error: CATALOGUES.en.errors.badConfirmLink, code: "errors.badConfirmLink", status: 400 });
    }
    expect((await row(email))!.status).toBe("pending");
  });

  it("404 for a deleted sign-up, 409 for a cancelled one", async () => {
    const gone = await signToken(env.TOKEN_SECRET!, crypto.randomUUID(), "confirm");
    expect((await get(`/confirm/${gone}`)).status).toBe(404);
    const { email, path } = await pending();
    await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE email = ?1").bind(email).run();
    expect((await postJson(path, {})).status).toBe(409);
    expect((await row(email))!.status).toBe("unsubscribed");
  });

  it("refuses cross-site confirm posts", async () => {
    const { email, path } = await pending();
    const res = await postForm(path, {}, { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" });
    expect(res.status).toBe(403);
    expect((await row(email))!.status).toBe("pending");
  });
});

describe("preferences", () => {
  it("shows the current choices and saves new ones (form: PRG redirect; JSON: partial update)", async () => {
    const sub = await activeSubscriber({ topics: [firstTopic().slug] });
    const page = await get(sub.preferences);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(sub.email);
    expect(html).toMatch(new RegExp(`value="${firstTopic().slug}" checked`));
    expect(html).toMatch(/action="\/unsubscribe\/[^"]+"/);

    const saved = await postForm(sub.preferences, { tags: [firstTag().slug], cadence: "weekly", timezone: "America/New_York", hour: "21", weekday: "0" });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`${sub.preferences}?saved=1`);
    expect(await row(sub.email)).toMatchObject({ topics: "[]", tags: JSON.stringify([firstTag().slug]), cadence: "weekly", timezone: "America/New_York", send_hour: 21, send_weekday: 0, status: "active" });
    expect(await (await get(`${sub.preferences}?saved=1`)).text()).toContain(t.preferences.saved);

    const json = await postJson(sub.preferences, { hour: 6 });
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ hour: 6, cadence: "weekly", tags: [firstTag().slug], saved: true });
    const view = (await (await get(sub.preferences, { Accept: "application/json" })).json()) as Record<string, unknown>;
    expect(view).toMatchObject({ email: sub.email, status: "active", hour: 6 });
    expect(view).not.toHaveProperty("id");
  });

  it("400 with the reason for bad preferences; nothing saved", async () => {
    const sub = await activeSubscriber();
    const before = await row(sub.email);
    for (const body of [{ cadence: "yearly" }, { hour: -1 }, { timezone: "Nowhere/City" }, { topics: ["nope"] }]) {
      const res = await postJson(sub.preferences, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error.length).toBeGreaterThan(5);
    }
    const form = await postForm(sub.preferences, { cadence: "yearly" });
    expect(form.status).toBe(400);
    expect(await form.text()).toContain(t.reasons.cadence);
    expect(await row(sub.email)).toEqual(before);
  });

  it("a preferences token cannot confirm or unsubscribe", async () => {
    const sub = await activeSubscriber();
    const token = sub.preferences.split("/")[2]!;
    expect((await postJson(`/unsubscribe/${token}`, {})).status).toBe(400);
    expect((await postJson(`/confirm/${token}`, {})).status).toBe(400);
    expect((await row(sub.email))!.status).toBe("active");
  });
});

describe("unsubscribe", () => {
  async function links() {
    const sub = await activeSubscriber();
    const id = (await row(sub.email))!.id as string;
    const { unsubscribeUrl, preferencesUrl } = await subscriberLinks(readConfig(env).links, id);
    return { ...sub, id, unsubscribe: new URL(unsubscribeUrl).pathname, preferencesUrl };
  }

  it("subscriberLinks builds absolute PUBLIC_URL links with signed tokens", async () => {
    const l = await links();
    expect(l.preferencesUrl).toMatch(new RegExp(`^${BASE}/preferences/[A-Za-z0-9_.-]+$`));
    expect(l.unsubscribe).toMatch(/^\/unsubscribe\/[A-Za-z0-9_.-]+$/);
    expect(l.unsubscribe).not.toContain(l.id);
  });

  it("GET shows one button and changes nothing", async () => {
    const l = await links();
    const res = await get(l.unsubscribe);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<form method="post" action="${l.unsubscribe}">`);
    expect((html.match(/<button/g) ?? []).length).toBe(1);
    expect((await row(l.email))!.status).toBe("active");
  });

  it("RFC 8058 one-click POST from a mail provider (no Origin, no cookie): 200, empty body", async () => {
    const l = await links();
    const res = await exports.default.fetch(BASE + l.unsubscribe, {
      method: "POST",
      body: "List-Unsubscribe=One-Click",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    const stored = await row(l.email);
    expect(stored).toMatchObject({ status: "unsubscribed" });
    expect(stored!.unsubscribed_at).toBeGreaterThan(0);
    // Again: still 200, nothing changes.
    const again = await exports.default.fetch(BASE + l.unsubscribe, { method: "POST", body: "List-Unsubscribe=One-Click", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect(again.status).toBe(200);
    expect((await row(l.email))!.unsubscribed_at).toBe(stored!.unsubscribed_at);
  });

  it("one-click also works as multipart/form-data", async () => {
    const l = await links();
    const body = new FormData();
    body.append("List-Unsubscribe", "One-Click");
    const res = await exports.default.fetch(BASE + l.unsubscribe, { method: "POST", body });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    expect((await row(l.email))!.status).toBe("unsubscribed");
  });

  it("the button answers a page that offers to subscribe again; resubscribing needs the signed link", async () => {
    const l = await links();
    const res = await postForm(l.unsubscribe, {});
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(t.unsubscribe.doneTitle);
    const action = /<form method="post" action="(\/preferences\/[^"]+)">/.exec(html)![1]!;
    expect((await row(l.email))!.status).toBe("unsubscribed");
    const back = await postForm(action, { action: "resubscribe" });
    expect(back.status).toBe(303);
    const stored = await row(l.email);
    expect(stored).toMatchObject({ status: "active" });
  });

  it("JSON variant, and wrong-purpose or forged tokens are refused", async () => {
    const l = await links();
    const confirmToken = await signToken(env.TOKEN_SECRET!, l.id, "confirm");
    expect((await postJson(`/unsubscribe/${confirmToken}`, {})).status).toBe(400);
    expect((await postJson(`/unsubscribe/x.y.z`, {})).status).toBe(400);
    expect((await row(l.email))!.status).toBe("active");
    const res = await postJson(l.unsubscribe, {});
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ email: l.email, status: "unsubscribed" });
  });

  it("signing up again after unsubscribing needs a new confirmation", async () => {
    const l = await links();
    await postJson(l.unsubscribe, {});
    await env.DB.prepare("DELETE FROM rate_limits WHERE key = ?1").bind(`mail:${l.email.toLowerCase()}`).run();
    await postJson("/subscribe", { email: l.email });
    expect((await row(l.email))!.status).toBe("pending");
    const mails = await mailTo(l.email);
    expect(mails.at(-1)!.subject).toBe(format(t.mail.confirmSubject, { site: env.SITE_TITLE }));
  });
});

describe("purgeExpiredPending", () => {
  it("deletes sign-ups unconfirmed for 30 days, keeps the rest", async () => {
    const old = uniqueEmail("old");
    const fresh = uniqueEmail("fresh");
    await postJson("/subscribe", { email: old });
    await postJson("/subscribe", { email: fresh });
    const active = await activeSubscriber();
    const day = 24 * 60 * 60 * 1000;
    await env.DB.prepare("UPDATE subscribers SET updated_at = updated_at - ?1, created_at = created_at - ?1 WHERE email IN (?2, ?3)").bind(31 * day, normalised(old), active.email).run();
    const result = await purgeExpiredPending(env, Date.now());
    expect(result.pending).toBeGreaterThanOrEqual(1);
    expect(await row(normalised(old))).toBeNull();
    expect(await row(normalised(fresh))).not.toBeNull();
    expect(await row(active.email)).not.toBeNull();
  });
});
