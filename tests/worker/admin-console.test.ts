/** /admin console: sign-in session cookie, CSRF on every action, pages, sign-out. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index.js";
import { CATALOGUES, format, messagesFor, say } from "../../src/i18n/index.js";

const t = messagesFor(env.SITE_LANGUAGE);

const BASE = "http://localhost:8787";
const SAME = { Origin: BASE, "Sec-Fetch-Site": "same-origin" };

async function call(path: string, init: RequestInit = {}, vars: Record<string, unknown> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(BASE + path, { redirect: "manual", ...init }), { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function signIn(): Promise<string> {
  const res = await call("/admin/login", { method: "POST", headers: SAME, body: new URLSearchParams({ token: env.ADMIN_TOKEN! }) });
  expect(res.status).toBe(303);
  return /tidings_admin=([^;]+)/.exec(res.headers.get("set-cookie")!)![1]!;
}

async function page(path: string, cookie: string): Promise<{ res: Response; html: string }> {
  const res = await call(path, { headers: { Cookie: `tidings_admin=${cookie}` } });
  return { res, html: await res.text() };
}

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;

describe("sign-in", () => {
  it("shows a sign-in form without a session", async () => {
    const res = await call("/admin");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('action="/admin/login"');
    expect(html).toContain('type="password"');
  });

  it("sets a signed HttpOnly Secure SameSite=Strict cookie with an expiry for the right token", async () => {
    const res = await call("/admin/login", { method: "POST", headers: SAME, body: new URLSearchParams({ token: env.ADMIN_TOKEN! }) });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^tidings_admin=[\w-]+\.[0-9a-z]+\.[\w-]+; Path=\/admin; Max-Age=43200; HttpOnly; Secure; SameSite=Strict$/);
    expect(cookie).not.toContain(env.ADMIN_TOKEN!);
  });

  it("refuses a wrong token, a cross-site post and a forged or foreign cookie", async () => {
    const wrong = await call("/admin/login", { method: "POST", headers: SAME, body: new URLSearchParams({ token: "nope" }) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const cross = await call("/admin/login", { method: "POST", headers: { Origin: "https://evil.test", "Sec-Fetch-Site": "cross-site" }, body: new URLSearchParams({ token: env.ADMIN_TOKEN! }) });
    expect(cross.status).toBe(403);
    const cookie = await signIn();
    const forged = cookie.slice(0, -2) + (cookie.endsWith("AA") ? "BB" : "AA");
    expect((await page("/admin", forged)).html).toContain('action="/admin/login"');
    // a session made under another ADMIN_TOKEN is not valid after it changes
    const rotated = await call("/admin", { headers: { Cookie: `tidings_admin=${cookie}` } }, { ADMIN_TOKEN: "another-token" });
    expect(await rotated.text()).toContain('action="/admin/login"');
  });

  it("is disabled without ADMIN_TOKEN", async () => {
    expect((await call("/admin", {}, { ADMIN_TOKEN: "" })).status).toBe(404);
  });

  it("signs out with a CSRF-checked POST", async () => {
    const cookie = await signIn();
    const { html } = await page("/admin", cookie);
    const noCsrf = await call("/admin/logout", { method: "POST", headers: { ...SAME, Cookie: `tidings_admin=${cookie}` }, body: new URLSearchParams({}) });
    expect(noCsrf.status).toBe(403);
    const out = await call("/admin/logout", { method: "POST", headers: { ...SAME, Cookie: `tidings_admin=${cookie}` }, body: new URLSearchParams({ csrf: csrfOf(html) }) });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/^tidings_admin=; Path=\/admin; Max-Age=0/);
  });
});

describe("console pages", () => {
  it("overview: counts by status, an inline SVG chart, runs and audience", async () => {
    const cookie = await signIn();
    const { res, html } = await page("/admin", cookie);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(html).toContain(t.admin.byStatus);
    expect(html).toContain("<svg");
    expect(html).toContain("<polyline");
    expect(html).toContain(t.admin.feedAudience);
  });

  it("subscribers: search by part of the address, filter, detail, delete (CSRF), export with the session", async () => {
    const cookie = await signIn();
    await env.DB.prepare(
      `INSERT INTO subscribers (id, email, status, topics, tags, created_at, updated_at) VALUES
       ('con-1', 'Alice.Search@console.test', 'active', '["open-source"]', '[]', 10, 10),
       ('con-2', 'bob@console.test', 'pending', '[]', '[]', 11, 11)`,
    ).run();
    const found = await page("/admin/console/subscribers?q=alice.s", cookie);
    expect(found.html).toContain("Alice.Search@console.test");
    expect(found.html).not.toContain("bob@console.test");
    const byStatus = await page("/admin/console/subscribers?q=console.test&status=pending", cookie);
    expect(byStatus.html).toContain("bob@console.test");
    expect(byStatus.html).not.toContain("Alice.Search");
    const byTopic = await page("/admin/console/subscribers?q=console.test&topic=open-source", cookie);
    expect(byTopic.html).toContain("Alice.Search");
    expect(byTopic.html).not.toContain("bob@console.test");
    expect((await page("/admin/console/subscribers?status=nope", cookie)).res.status).toBe(400);
    expect((await page("/admin/console/subscribers?q=%25", cookie)).html).not.toContain("Alice.Search");

    const detail = await page("/admin/console/subscribers/con-2", cookie);
    expect(detail.html).toContain("bob@console.test");
    const bad = await call("/admin/console/subscribers/con-2/delete", { method: "POST", headers: { ...SAME, Cookie: `tidings_admin=${cookie}` }, body: new URLSearchParams({ csrf: "forged" }) });
    expect(bad.status).toBe(403);
    const del = await call("/admin/console/subscribers/con-2/delete", { method: "POST", headers: { ...SAME, Cookie: `tidings_admin=${cookie}` }, body: new URLSearchParams({ csrf: csrfOf(detail.html) }) });
    expect(del.status).toBe(303);
    expect(await env.DB.prepare("SELECT id FROM subscribers WHERE id = 'con-2'").first()).toBeNull();

    // the export streams while it is written (waitUntil): read it before waiting for the context
    const ctx = createExecutionContext();
    const csv = await worker.fetch(new Request(`${BASE}/admin/subscribers/export.csv`, { headers: { Cookie: `tidings_admin=${cookie}` } }), env, ctx);
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain("Alice.Search@console.test");
    await waitOnExecutionContext(ctx);
    // the session reads; it never changes anything through the bearer API
    const apiDelete = await call("/admin/subscribers/con-1", { method: "DELETE", headers: { Cookie: `tidings_admin=${cookie}` } });
    expect(apiDelete.status).toBe(401);
  });

  it("import: a CSV file through the form gives the report", async () => {
    const cookie = await signIn();
    const { html } = await page("/admin/console/import", cookie);
    const form = new FormData();
    form.set("csrf", csrfOf(html));
    form.set("consent", "confirmed");
    form.set("file", new File(["email,tags\nimported.one@console.test,Meta\nbroken\n"], "list.csv", { type: "text/csv" }));
    const res = await call("/admin/console/import", { method: "POST", headers: { ...SAME, Cookie: `tidings_admin=${cookie}` }, body: form });
    expect(res.status).toBe(200);
    const out = await res.text();
    expect(out).toContain(`${t.admin.imported}</span><b>1</b>`);
    expect(out).toContain(say(t, { key: "admin.importEmail", values: { reason: { key: "reasons.emailShape" } } }));
    expect(await env.DB.prepare("SELECT status FROM subscribers WHERE email = 'imported.one@console.test'").first()).toEqual({ status: "active" });
  });

  it("digest runs and audience pages render for a session; audience JSON on request", async () => {
    const cookie = await signIn();
    expect((await page("/admin/console/digests", cookie)).html).toContain(t.admin.digests);
    await call("/rss.xml", { headers: { "User-Agent": "Feedly/1.0 (7 subscribers)", "CF-Connecting-IP": "203.0.113.8" } });
    const audience = await page("/admin/audience", cookie);
    expect(audience.html).toContain(t.admin.audienceTitle);
    expect(audience.html).toContain("/rss.xml");
    expect(audience.html).toContain("Feedly: 7");
    const json = await call("/admin/audience", { headers: { Cookie: `tidings_admin=${cookie}`, Accept: "application/json" } });
    expect(((await json.json()) as { feeds: unknown[] }).feeds.length).toBeGreaterThan(0);
  });

  it("console pages without a session go to sign-in; posts are refused", async () => {
    expect((await call("/admin/console/subscribers")).status).toBe(303);
    expect((await call("/admin/audience")).status).toBe(303);
    expect((await call("/admin/console/import", { method: "POST", headers: SAME, body: new FormData() })).status).toBe(403);
  });
});

describe("the console speaks SITE_LANGUAGE", () => {
  /** English phrases of the console that must not appear on a Chinese console page. */
  const ENGLISH = ["Console sign-in", "Sign in", "Sign out", "Overview", "Subscribers by status", "Feed audience", "Last digest runs", "Address contains", "Export CSV", "Signed up", "Digest runs", "Import subscribers"];

  for (const lang of ["zh-CN", "zh-TW"] as const) {
    it(`${lang}: sign-in, overview, subscribers, a subscriber, digest runs, import`, async () => {
      const m = CATALOGUES[lang].admin;
      const as = { SITE_LANGUAGE: lang };
      const signInPage = await (await call("/admin", {}, as)).text();
      expect(signInPage).toContain(`<html lang="${lang}"`);
      for (const text of [m.signInTitle, m.token, m.signIn]) expect(signInPage).toContain(text);
      const wrong = await (await call("/admin/login", { method: "POST", headers: SAME, body: new URLSearchParams({ token: "nope" }) }, as)).text();
      expect(wrong).toContain(m.wrongToken);

      const cookie = await signIn();
      const get = async (path: string) => (await call(path, { headers: { Cookie: `tidings_admin=${cookie}` } }, as)).text();
      await env.DB.prepare(
        `INSERT OR IGNORE INTO subscribers (id, email, status, topics, tags, cadence, send_weekday, created_at, updated_at) VALUES ('lang-1', 'lang.one@console.test', 'active', '[]', '[]', 'weekly', 3, 10, 10)`,
      ).run();
      const overview = await get("/admin");
      for (const text of [m.overview, m.subscribers, m.digests, m.audience, m.import, m.signOut, m.byStatus, m.status.active, m.status.total, m.feedAudience, m.lastRuns, m.chartTitle, m.signups, format(m.chartHeading, { days: 30 })]) {
        expect(overview, text).toContain(text);
      }
      const list = await get("/admin/console/subscribers?q=lang.one");
      for (const text of [m.addressContains, m.statusLabel, m.search, m.exportCsv, m.address, m.signedUp, m.status.active, format(m.pageOf, { page: 1, pages: 1 })]) expect(list, text).toContain(text);
      const detail = await get("/admin/console/subscribers/lang-1");
      for (const text of [m.deleteButton, m.deleteNote, CATALOGUES[lang].cadence.weekly, CATALOGUES[lang].weekdays[3]!]) expect(detail, text).toContain(text);
      const runs = await get("/admin/console/digests");
      expect(runs).toContain(m.digests);
      const importPage = await get("/admin/console/import");
      for (const text of [m.importTitle, m.consent, m.consentConfirm, m.importButton]) expect(importPage, text).toContain(text);

      for (const [name, html] of Object.entries({ signInPage, overview, list, detail, runs, importPage })) {
        const text = html.replace(/<[^>]+>/g, " ");
        for (const phrase of ENGLISH) expect(text, `${name}: ${phrase}`).not.toContain(phrase);
      }
    });
  }

  it("zh-CN: a refused console request is a console page in the site's language (JSON: English)", async () => {
    const m = CATALOGUES["zh-CN"].admin;
    const cookie = await signIn();
    const headers = { Cookie: `tidings_admin=${cookie}` };
    const missing = await call("/admin/console/subscribers/no-such-id", { headers });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/^text\/html/);
    const missingPage = await missing.text();
    expect(missingPage).toContain(m.noSubscriber);
    expect(missingPage).toContain(`>${m.overview}</a>`);
    const bad = await call("/admin/console/subscribers?status=nope", { headers });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain(format(m.badStatus, { statuses: "pending, active, unsubscribed, bounced, complained" }));
    expect(await (await call("/admin/console/subscribers?page=0", { headers })).text()).toContain(m.badPage);
    const json = await call("/admin/console/subscribers/no-such-id", { headers: { ...headers, Accept: "application/json" } });
    expect(await json.json()).toEqual({ error: CATALOGUES.en.admin.noSubscriber, status: 404 });
  });

  it("en: the English console", async () => {
    const m = CATALOGUES.en.admin;
    const cookie = await signIn();
    const overview = await (await call("/admin", { headers: { Cookie: `tidings_admin=${cookie}` } }, { SITE_LANGUAGE: "en" })).text();
    expect(overview).toContain(`<h1>${m.overview}</h1>`);
    expect(overview.replace(/<[^>]+>/g, " ").split(env.SITE_TITLE).join(" ").match(/[\u4e00-\u9fff]+/g) ?? []).toEqual([]);
  });
});
