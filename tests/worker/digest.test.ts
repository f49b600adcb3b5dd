/** Digest planning: new items by identity, who is due when, filters, double fires, crashes. */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { siteContent, type Content } from "../../src/content/index.js";
import { runScheduledDigests } from "../../src/digest/scheduler.js";
import worker from "../../src/index.js";
import { addSubscriber, article, captureQueue, deliveries, drain, fakeResend, HOUR, resetDigestTables, site, T0 } from "./digest-support.js";

const DAY = 24 * HOUR;
let queue: ReturnType<typeof captureQueue>;

function cron(content: Content, at: number, plan?: { pageSize?: number; crashAfterPages?: number }, now = at) {
  return runScheduledDigests(env, at, { queue, content, now, plan });
}

/** Runs the queue to the end and returns, per subscriber id, the titles they received. */
async function mailbox() {
  const resend = fakeResend();
  await drain(queue, resend.sender);
  const box = new Map<string, string[][]>();
  for (const d of resend.delivered) {
    const id = d.to.split("@")[0]!;
    const titles = [...d.message.text.matchAll(/^\d+\. (.+)$/gm)].map((m) => m[1]!);
    box.set(id, [...(box.get(id) ?? []), titles]);
  }
  return box;
}

beforeEach(async () => {
  await resetDigestTables();
  queue = captureQueue();
});

describe("new items by identity", () => {
  const a1 = article("a1", T0 - 10 * DAY);

  it("records the archive on the first run (empty ledger) and sends nothing", async () => {
    await addSubscriber({ id: "s1" });
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: T0, cron: "0 * * * *" }), { ...env, DIGEST_QUEUE: queue }, ctx);
    await waitOnExecutionContext(ctx);
    const seen = await env.DB.prepare("SELECT COUNT(*) AS n, MAX(first_seen_at) AS max FROM articles_seen WHERE article_id != '#baseline'").first<{ n: number; max: number }>();
    expect(seen!.n).toBe((await siteContent(env)).visibleCount(T0));
    expect(seen!.max).toBe(0);
    expect(queue.messages).toEqual([]);
    expect(await deliveries()).toEqual([]);
  });

  it("sends a backdated article deployed late exactly once", async () => {
    await addSubscriber({ id: "s1" });
    await cron(site(a1), T0 - DAY);
    const late = article("late", T0 - 100 * DAY);
    await cron(site(a1, late), T0);
    await cron(site(a1, late), T0 + DAY);
    expect(await mailbox()).toEqual(new Map([["s1", [["Title late"]]]]));
  });

  it("sends a future-dated article once, after its date", async () => {
    await addSubscriber({ id: "s1" });
    const future = article("future", T0 + 30 * HOUR);
    await cron(site(a1, future), T0);
    await cron(site(a1, future), T0 + DAY);
    expect(queue.messages).toEqual([]);
    await cron(site(a1, future), T0 + 2 * DAY);
    await cron(site(a1, future), T0 + 3 * DAY);
    expect(await mailbox()).toEqual(new Map([["s1", [["Title future"]]]]));
  });

  it("never sends a new subscriber the archive; their window starts when they confirm", async () => {
    await addSubscriber({ id: "old" });
    await cron(site(a1), T0 - DAY);
    const a2 = article("a2", T0 - 2 * HOUR);
    await cron(site(a1, a2), T0);
    await addSubscriber({ id: "new", confirmedAt: T0 + HOUR });
    await cron(site(a1, a2), T0 + DAY);
    const a3 = article("a3", T0 + DAY + HOUR);
    await cron(site(a1, a2, a3), T0 + 2 * DAY);
    expect(await mailbox()).toEqual(
      new Map([
        ["old", [["Title a2"], ["Title a3"]]],
        ["new", [["Title a3"]]],
      ]),
    );
  });

  it("sends no email at all when nothing is new", async () => {
    await addSubscriber({ id: "s1" });
    await cron(site(a1), T0 - DAY);
    const report = await cron(site(a1), T0);
    expect(queue.messages).toEqual([]);
    expect(await deliveries()).toEqual([]);
    expect(report.runs.every((r) => "skipped" in r)).toBe(true);
  });
});

describe("who gets what", () => {
  const base = article("base", T0 - 10 * DAY);

  it("filters by topics and tags (OR within, AND across; empty = everything)", async () => {
    await addSubscriber({ id: "all" });
    await addSubscriber({ id: "ai", topics: ["ai"] });
    await addSubscriber({ id: "rust", tags: ["rust"] });
    await addSubscriber({ id: "ai-and-rust", topics: ["ai"], tags: ["rust"] });
    await addSubscriber({ id: "none", topics: ["gardening"] });
    await cron(site(base), T0 - DAY);
    const x = article("x", T0 - 3 * HOUR, { topicSlugs: ["ai"], tagSlugs: ["python"], title: "人工智能 x" });
    const y = article("y", T0 - 2 * HOUR, { topicSlugs: ["systems"], tagSlugs: ["rust"], title: "y" });
    const z = article("z", T0 - 1 * HOUR, { topicSlugs: ["ai", "systems"], tagSlugs: ["rust"], title: "z" });
    await cron(site(base, x, y, z), T0);
    expect(await mailbox()).toEqual(
      new Map([
        ["all", [["z", "y", "人工智能 x"]]],
        ["ai", [["z", "人工智能 x"]]],
        ["rust", [["z", "y"]]],
        ["ai-and-rust", [["z"]]],
      ]),
    );
  });

  it("sends at each subscriber's local hour, daily or on their weekday", async () => {
    // T0 is Monday 09:00 UTC = 17:00 in Shanghai, 04:00 in New York.
    await addSubscriber({ id: "utc9" });
    await addSubscriber({ id: "sh17", timezone: "Asia/Shanghai", hour: 17 });
    await addSubscriber({ id: "ny9", timezone: "America/New_York", hour: 9 });
    await addSubscriber({ id: "weekly-mon", cadence: "weekly", weekday: 1 });
    await addSubscriber({ id: "weekly-tue", cadence: "weekly", weekday: 2 });
    await addSubscriber({ id: "kolkata14", timezone: "Asia/Kolkata", hour: 14 }); // 14:30 local
    await addSubscriber({ id: "bad-zone", timezone: "Mars/Olympus_Mons" });
    await cron(site(base), T0 - 7 * DAY);
    await cron(site(base, article("n", T0 - HOUR)), T0);
    expect([...(await mailbox()).keys()].sort()).toEqual(["kolkata14", "sh17", "utc9", "weekly-mon"]);
  });

  it("never plans bounced, complained, unsubscribed or pending subscribers", async () => {
    for (const status of ["bounced", "complained", "unsubscribed", "pending"]) await addSubscriber({ id: status, status });
    await addSubscriber({ id: "active" });
    await cron(site(base), T0 - DAY);
    await cron(site(base, article("n", T0 - HOUR)), T0);
    expect([...(await mailbox()).keys()]).toEqual(["active"]);
  });
});

describe("exactly once across re-runs", () => {
  const base = article("base", T0 - 10 * DAY);
  const fresh = article("fresh", T0 - HOUR);

  it("does nothing when the cron fires twice for one slot", async () => {
    for (let i = 0; i < 3; i++) await addSubscriber({ id: `s${i}` });
    await cron(site(base), T0 - DAY);
    await cron(site(base, fresh), T0);
    const first = queue.messages.length;
    const again = await cron(site(base, fresh), T0 + 5 * 60_000, undefined, T0 + 5 * 60_000);
    expect(queue.messages.length).toBe(first);
    expect(again.runs.every((r) => "skipped" in r)).toBe(true);
    const box = await mailbox();
    expect([...box.values()].map((v) => v.length)).toEqual([1, 1, 1]);
  });

  it("resumes a run that died half way without sending anyone twice", async () => {
    for (let i = 0; i < 7; i++) await addSubscriber({ id: `s${i}` });
    await cron(site(base), T0 - DAY);
    await expect(cron(site(base, fresh), T0, { pageSize: 2, crashAfterPages: 2 })).rejects.toThrow(/crash/);
    expect((await deliveries()).length).toBe(4);
    // The next fire for the slot (after the dead planner's lease) finishes the run.
    await cron(site(base, fresh), T0, { pageSize: 2 }, T0 + 2 * 60_000);
    const rows = await deliveries();
    expect(rows.map((r) => r.subscriber_id)).toEqual(["s0", "s1", "s2", "s3", "s4", "s5", "s6"]);
    const box = await mailbox();
    expect(box.size).toBe(7);
    expect([...box.values()].every((v) => v.length === 1)).toBe(true);
  });

  it("re-enqueues batches written before a crash but never handed to the queue", async () => {
    for (let i = 0; i < 4; i++) await addSubscriber({ id: `s${i}` });
    await cron(site(base), T0 - DAY);
    queue.failNext = 1;
    await expect(cron(site(base, fresh), T0, { pageSize: 2 })).rejects.toThrow(/queue unavailable/);
    expect(queue.messages).toEqual([]);
    await cron(site(base, fresh), T0, { pageSize: 2 }, T0 + 2 * 60_000);
    const box = await mailbox();
    expect(box.size).toBe(4);
    expect([...box.values()].every((v) => v.length === 1)).toBe(true);
  });

  it("hands large runs over to the queue in bounded steps", async () => {
    for (let i = 0; i < 9; i++) await addSubscriber({ id: `s${i}` });
    await cron(site(base), T0 - DAY);
    const report = await runScheduledDigests(env, T0, { queue, content: site(base, fresh), now: T0, plan: { pageSize: 2, maxPages: 2, batchSize: 2 } });
    expect(report.runs[0]).toMatchObject({ done: false, pages: 2 });
    expect(queue.messages.filter((m) => m.kind === "plan")).toHaveLength(1);
    const box = await mailbox();
    expect(box.size).toBe(9);
    expect([...box.values()].every((v) => v.length === 1)).toBe(true);
  });
});
