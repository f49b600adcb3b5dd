/** One subscriber per mailbox whatever its letter case (issue 8), and per-network sign-up limits. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { networkKey } from "../../src/lib/ratelimit.js";
import { mailboxKey } from "../../src/subscribers/address.js";
import { get, postJson } from "./subscribers-helpers.js";

const auth = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };
const rowsFor = async (email: string) =>
  (await env.DB.prepare("SELECT * FROM subscribers WHERE lower(email) = lower(?1) ORDER BY created_at").bind(email).all<Record<string, unknown>>()).results;

describe("one mailbox, one subscriber", () => {
  it("mailboxKey folds the whole address; validated addresses are ASCII", () => {
    expect(mailboxKey("Victim@Example.COM")).toBe("victim@example.com");
    expect(mailboxKey("VICTIM@example.com")).toBe(mailboxKey("victim@EXAMPLE.com"));
  });

  it("Victim@, victim@ and VICTIM@ sign up as one row (the first spelling kept)", async () => {
    const local = `victim${Date.now().toString(36)}`;
    for (const spelling of [`V${local.slice(1)}@example.com`, `${local}@example.com`, `${local.toUpperCase()}@EXAMPLE.COM`]) {
      expect((await postJson("/subscribe", { email: spelling })).status).toBe(202);
    }
    const rows = await rowsFor(`${local}@example.com`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.email).toBe(`V${local.slice(1)}@example.com`);
  });

  it("the database refuses a second spelling of a stored mailbox", async () => {
    const now = Date.now();
    const insert = (id: string, email: string) =>
      env.DB.prepare("INSERT INTO subscribers (id, email, status, created_at, updated_at) VALUES (?1, ?2, 'active', ?3, ?3)").bind(id, email, now).run();
    await insert(crypto.randomUUID(), "Dup.Case@example.com");
    await expect(insert(crypto.randomUUID(), "dup.case@example.com")).rejects.toThrow(/UNIQUE/);
  });

  it("admin lookup by email ignores case", async () => {
    const local = `lookup${Date.now().toString(36)}`;
    await postJson("/subscribe", { email: `${local}@example.com` });
    const res = await get(`/admin/subscribers?email=${encodeURIComponent(`${local.toUpperCase()}@Example.com`)}`, auth);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { email: string }[] };
    expect(body.items.map((i) => i.email)).toEqual([`${local}@example.com`]);
  });
});

describe("migration 0003: merging the case duplicates that exist", () => {
  it("keeps one row per mailbox with the most protective status, the newest watermark and every delivery", async () => {
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0003_a_mailbox_case"));
    expect(migration, "migrations/0003_a_mailbox_case*.sql").toBeDefined();
    await env.DB.prepare("DROP INDEX IF EXISTS subscribers_by_mailbox").run();
    const t = 1_700_000_000_000;
    const add = (id: string, email: string, status: string, at: number, extra: { through?: number; topics?: string[] } = {}) =>
      env.DB.prepare(
        "INSERT INTO subscribers (id, email, status, topics, created_at, updated_at, confirmed_at, digest_through) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?5, ?6)",
      )
        .bind(id, email, status, JSON.stringify(extra.topics ?? []), at, extra.through ?? null)
        .run();
    // Group A: active + complained + pending → complained wins.
    await add("a-active", "Mix@example.net", "active", t, { through: t + 50 });
    await add("a-complained", "mix@example.net", "complained", t + 1);
    await add("a-pending", "MIX@EXAMPLE.NET", "pending", t + 2);
    // Group B: pending + active (older) + active (newer) → the newer active wins, watermark = the max.
    await add("b-pending", "two@example.net", "pending", t + 10);
    await add("b-old", "Two@example.net", "active", t, { through: t + 900, topics: ["old"] });
    await add("b-new", "TWO@example.net", "active", t + 5, { through: t + 100, topics: ["new"] });
    // Group C: unsubscribed beats active.
    await add("c-active", "three@example.net", "active", t);
    await add("c-unsub", "Three@example.net", "unsubscribed", t + 1);
    // A loner is untouched.
    await add("d-alone", "Alone@example.net", "active", t);
    await env.DB.prepare(
      "INSERT INTO digest_runs (id, cadence, trigger, slot, window_end, targets, items, created_at, updated_at) VALUES ('merge-run', 'daily', 'manual', 0, 0, '[]', '[]', 0, 0)",
    ).run();
    const delivery = (sub: string, run = "merge-run") =>
      env.DB.prepare("INSERT INTO digest_deliveries (run_id, subscriber_id, batch_no, email, items, status, created_at, updated_at) VALUES (?1, ?2, 0, 'x', '[]', 'sent', 0, 0)").bind(run, sub).run();
    await delivery("b-old");
    await delivery("b-new");
    await delivery("c-active");

    await env.DB.batch(migration!.queries.map((q) => env.DB.prepare(q)));

    const byMailbox = async (email: string) => (await rowsFor(email)).map((r) => ({ id: r.id, status: r.status, through: r.digest_through, topics: r.topics }));
    expect(await byMailbox("mix@example.net")).toEqual([{ id: "a-complained", status: "complained", through: t + 50, topics: "[]" }]);
    expect(await byMailbox("two@example.net")).toEqual([{ id: "b-new", status: "active", through: t + 900, topics: '["new"]' }]);
    expect(await byMailbox("three@example.net")).toEqual([{ id: "c-unsub", status: "unsubscribed", through: null, topics: "[]" }]);
    expect(await byMailbox("alone@example.net")).toHaveLength(1);
    const { results } = await env.DB.prepare("SELECT subscriber_id FROM digest_deliveries WHERE run_id = 'merge-run' ORDER BY subscriber_id").all<{ subscriber_id: string }>();
    // One delivery per run and mailbox: the survivor's own (or a loser's, moved over).
    expect(results.map((r) => r.subscriber_id)).toEqual(["b-new", "c-unsub"]);
    await expect(add("again", "alone@EXAMPLE.net", "pending", t)).rejects.toThrow(/UNIQUE/);
  });
});

describe("per-network sign-up limits", () => {
  it("keys IPv6 by its /64 and IPv4 by the full address", () => {
    expect(networkKey("2001:db8:1:2::1")).toBe(networkKey("2001:0DB8:0001:0002:ffff:1:2:3"));
    expect(networkKey("2001:db8:1:2::1")).not.toBe(networkKey("2001:db8:1:3::1"));
    expect(networkKey("2001:db8::1")).toBe(networkKey("2001:db8:0:0:1::"));
    expect(networkKey("::ffff:192.0.2.7")).toBe(networkKey("192.0.2.7"));
    expect(networkKey("192.0.2.7")).not.toBe(networkKey("192.0.2.8"));
    expect(networkKey("not an ip")).toBe("other:not an ip");
  });

  it("12 sign-ups from one IPv6 /64 are limited after 10", async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 12; i++) {
      const res = await postJson("/subscribe", { email: `net64.${i}.${Date.now().toString(36)}@example.com` }, { "CF-Connecting-IP": `2001:db8:64:64::${i.toString(16)}` });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([...Array(10).fill(202), 429, 429]);
    // Another /64 and single IPv4 addresses are not affected.
    expect((await postJson("/subscribe", { email: `net64.other${Date.now()}@example.com` }, { "CF-Connecting-IP": "2001:db8:64:65::1" })).status).toBe(202);
    expect((await postJson("/subscribe", { email: `v4.${Date.now()}@example.com` }, { "CF-Connecting-IP": "203.0.113.9" })).status).toBe(202);
  });
});
