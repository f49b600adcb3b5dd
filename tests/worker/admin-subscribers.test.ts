/** /admin/subscribers: bearer auth, counts, paging, CSV export, delete with data. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app.js";
import { BASE, activeSubscriber, get, postJson, row, uniqueEmail, normalised, mailTo } from "./subscribers-helpers.js";

const auth = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };

async function withEnv(path: string, overrides: Record<string, unknown>, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(BASE + path, init), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("/admin/subscribers auth", () => {
  it("needs the bearer token", async () => {
    for (const headers of [{} as Record<string, string>, { Authorization: "Bearer wrong" }, { Authorization: `Basic ${btoa("admin:" + env.ADMIN_TOKEN)}` }, { Authorization: `Bearer ${env.ADMIN_TOKEN}x` }]) {
      const res = await get("/admin/subscribers", headers);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
    }
    expect((await get("/admin/subscribers", auth)).status).toBe(200);
    expect((await get("/admin/subscribers", { Authorization: `bearer  ${env.ADMIN_TOKEN}` })).status).toBe(200);
  });

  it("is disabled (404) when ADMIN_TOKEN is not configured", async () => {
    const res = await withEnv("/admin/subscribers", { ADMIN_TOKEN: undefined }, { headers: { Authorization: "Bearer " } });
    expect(res.status).toBe(404);
    expect((await withEnv("/admin/subscribers", { ADMIN_TOKEN: "" }, { headers: { Authorization: "Bearer " } })).status).toBe(404);
  });
});

describe("/admin/subscribers", () => {
  it("counts by status and pages through the list with a cursor", async () => {
    for (let i = 0; i < 3; i++) await postJson("/subscribe", { email: uniqueEmail("page") });
    await activeSubscriber();
    const first = (await (await get("/admin/subscribers?limit=2", auth)).json()) as { counts: Record<string, number>; items: { id: string; email: string }[]; nextCursor: string | null };
    expect(first.counts.total).toBeGreaterThanOrEqual(4);
    expect(first.counts.active).toBeGreaterThanOrEqual(1);
    expect(first.counts.total).toBe(first.counts.pending! + first.counts.active! + first.counts.unsubscribed! + first.counts.bounced! + first.counts.complained!);
    expect(first.items).toHaveLength(2);
    const seen = new Set(first.items.map((i) => i.id));
    let cursor = first.nextCursor;
    while (cursor) {
      const next = (await (await get(`/admin/subscribers?limit=2&cursor=${cursor}`, auth)).json()) as typeof first;
      for (const item of next.items) {
        expect(seen.has(item.id)).toBe(false);
        seen.add(item.id);
      }
      cursor = next.nextCursor;
    }
    expect(seen.size).toBe(first.counts.total);
    const active = (await (await get("/admin/subscribers?status=active", auth)).json()) as typeof first;
    expect(active.items.every((i) => (i as unknown as { status: string }).status === "active")).toBe(true);
  });

  it("filters by email and rejects bad queries with 400", async () => {
    const sub = await activeSubscriber();
    const found = (await (await get(`/admin/subscribers?email=${encodeURIComponent(sub.email)}`, auth)).json()) as { items: { email: string }[] };
    expect(found.items.map((i) => i.email)).toEqual([sub.email]);
    for (const q of ["status=gone", "limit=0", "limit=501", "limit=x", "cursor=%%%", "email=nope"]) {
      expect((await get(`/admin/subscribers?${q}`, auth)).status, q).toBe(400);
    }
  });

  it("exports CSV with a header row, one row per subscriber and formula-safe cells", async () => {
    const risky = `=cmd+${Date.now()}@example.com`;
    await postJson("/subscribe", { email: risky });
    const res = await get("/admin/subscribers/export.csv", auth);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toContain("attachment");
    const csv = await res.text();
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,email,status,topics,tags,cadence,timezone,hour,weekday,createdAt,updatedAt,confirmedAt,unsubscribedAt,suppressedAt");
    const counts = ((await (await get("/admin/subscribers", auth)).json()) as { counts: { total: number } }).counts;
    expect(lines.length - 1).toBe(counts.total);
    expect(csv).toContain(`'${risky}`);
    expect(csv).not.toMatch(/,=cmd/);
  });

  it("shows and deletes one subscriber with their data; 404 afterwards", async () => {
    const sub = await activeSubscriber();
    const id = (await row(sub.email))!.id as string;
    // A table of another feature that references subscribers.
    await env.DB.exec("CREATE TABLE IF NOT EXISTS test_deliveries (id INTEGER PRIMARY KEY, subscriber_id TEXT NOT NULL)");
    await env.DB.prepare("INSERT INTO test_deliveries (subscriber_id) VALUES (?1), (?1)").bind(id).run();
    expect(await (await get(`/admin/subscribers/${id}`, auth)).json()).toMatchObject({ id, email: sub.email, status: "active" });
    const res = await exports.default.fetch(`${BASE}/admin/subscribers/${id}`, { method: "DELETE", headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ deleted: true, id, email: sub.email });
    expect(await row(sub.email)).toBeNull();
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM test_deliveries WHERE subscriber_id = ?1").bind(id).first("n")).toBe(0);
    expect(await mailTo(sub.email)).toHaveLength(0);
    expect((await exports.default.fetch(`${BASE}/admin/subscribers/${id}`, { method: "DELETE", headers: auth })).status).toBe(404);
    expect((await get(`/admin/subscribers/${id}`, auth)).status).toBe(404);
    // Their links now say the subscription is gone.
    expect((await get(sub.preferences)).status).toBe(404);
  });
});

describe("configuration", () => {
  it("/dev/outbox only exists in development", async () => {
    expect((await withEnv("/dev/outbox", { ENVIRONMENT: "production" })).status).toBe(404);
    expect((await withEnv("/dev/outbox", { ENVIRONMENT: "production" }, { headers: { Accept: "application/json" } })).status).toBe(404);
  });

  it("without TOKEN_SECRET outside development, token pages and sign-up answer 503, not 500", async () => {
    const over = { ENVIRONMENT: "production", TOKEN_SECRET: undefined };
    expect((await withEnv("/unsubscribe/a.b.c", over)).status).toBe(503);
    const res = await withEnv("/subscribe", over, {
      method: "POST",
      body: JSON.stringify({ email: uniqueEmail("cfg") }),
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": "192.0.2.77" },
    });
    expect(res.status).toBe(503);
  });

  it("without RESEND_WEBHOOK_SECRET the webhook answers 503", async () => {
    expect((await withEnv("/webhooks/resend", { RESEND_WEBHOOK_SECRET: undefined }, { method: "POST", body: "{}" })).status).toBe(503);
  });

  it("in development without TOKEN_SECRET, links still work (npm run dev as cloned)", async () => {
    const email = uniqueEmail("devsecret");
    const res = await withEnv("/subscribe", { TOKEN_SECRET: undefined }, {
      method: "POST",
      body: JSON.stringify({ email }),
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": "192.0.2.78" },
    });
    expect(res.status).toBe(202);
    const [mail] = await mailTo(normalised(email));
    const path = /\/confirm\/[A-Za-z0-9._-]+/.exec(mail!.text)![0];
    expect((await withEnv(path, { TOKEN_SECRET: undefined }, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })).status).toBe(200);
  });
});
