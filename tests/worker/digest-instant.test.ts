/** Mail as articles appear (cadence `instant`), quiet hours and pause — through the same ledger, runs and queue as digests. */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import type { Content } from "../../src/content/index.js";
import { runScheduledDigests } from "../../src/digest/scheduler.js";
import { addSubscriber, article, captureQueue, drain, fakeResend, HOUR, resetDigestTables, site, T0 } from "./digest-support.js";

const DAY = 24 * HOUR;
let queue: ReturnType<typeof captureQueue>;

function cron(content: Content, at: number) {
  return runScheduledDigests(env, at, { queue, content, now: at });
}

/** Runs the queue dry; per subscriber id, each mail's subject and listed titles. */
async function mailbox() {
  const resend = fakeResend();
  await drain(queue, resend.sender);
  const box = new Map<string, Array<{ subject: string; titles: string[] }>>();
  for (const d of resend.delivered) {
    const id = d.to.split("@")[0]!;
    const titles = [...d.message.text.matchAll(/^\d+\. (.+)$/gm)].map((m) => m[1]!);
    box.set(id, [...(box.get(id) ?? []), { subject: d.subject, titles }]);
  }
  return box;
}

beforeEach(async () => {
  await resetDigestTables();
  queue = captureQueue();
});

const old = article("old", T0 - 10 * DAY);

describe("instant cadence", () => {
  it("mails an article in the first cron run after it becomes visible, once, with its title as subject", async () => {
    await addSubscriber({ id: "fast", cadence: "instant" });
    await addSubscriber({ id: "daily", cadence: "daily", hour: 23 });
    await cron(site(old), T0 - HOUR); // baseline
    const fresh = article("fresh", T0 + 20 * 60_000, { title: "Fresh news" }); // visible at 09:20
    await cron(site(old, fresh), T0); // 09:00: not visible yet
    expect(await mailbox()).toEqual(new Map());
    await cron(site(old, fresh), T0 + HOUR); // 10:00: the first run after
    await cron(site(old, fresh), T0 + 2 * HOUR);
    expect(await mailbox()).toEqual(new Map([["fast", [{ subject: "Fresh news", titles: ["Fresh news"] }]]]));
  });

  it("puts everything new since the last run in one mail, and a double fire sends nothing more", async () => {
    await addSubscriber({ id: "fast", cadence: "instant" });
    await cron(site(old), T0 - HOUR);
    const a = article("a", T0 - 30 * 60_000, { title: "A" });
    const b = article("b", T0 - 20 * 60_000, { title: "B" });
    await cron(site(old, a, b), T0);
    await cron(site(old, a, b), T0 + 60_000); // same slot again
    const box = await mailbox();
    expect(box.get("fast")).toHaveLength(1);
    expect(box.get("fast")![0]!.titles.sort()).toEqual(["A", "B"]);
    expect(box.get("fast")![0]!.subject).toMatch(/2/);
    const run = await env.DB.prepare("SELECT instant, cadence FROM digest_runs WHERE id = 'instant:2026-01-05T09Z'").first();
    expect(run).toEqual({ instant: 1, cadence: "daily" }); // the cadence column means nothing for instant runs (migrations/0005)
  });

  it("daily and weekly subscribers are not mailed by instant runs", async () => {
    await addSubscriber({ id: "daily", cadence: "daily", hour: 3 });
    await addSubscriber({ id: "weekly", cadence: "weekly", hour: 3, weekday: 3 });
    await cron(site(old), T0 - HOUR);
    await cron(site(old, article("x", T0 - 60_000)), T0);
    expect(await mailbox()).toEqual(new Map());
  });

  it("quiet hours hold instant mail until they end, in the subscriber's own time", async () => {
    // Shanghai is UTC+8: quiet 22:00–07:00 local = 14:00–23:00 UTC.
    await addSubscriber({ id: "quiet", cadence: "instant", timezone: "Asia/Shanghai", quiet: { start: 22, end: 7 } });
    await addSubscriber({ id: "loud", cadence: "instant", timezone: "Asia/Shanghai" });
    const night = Date.UTC(2026, 0, 5, 15); // 23:00 in Shanghai
    await cron(site(old), night - HOUR);
    const late = article("late", night - 10 * 60_000, { title: "Late" });
    await cron(site(old, late), night);
    await cron(site(old, late), night + 4 * HOUR); // 03:00 local
    expect([...(await mailbox()).keys()]).toEqual(["loud"]);
    await cron(site(old, late), Date.UTC(2026, 0, 5, 23)); // 07:00 local: quiet hours are over
    expect(await mailbox()).toEqual(new Map([["quiet", [{ subject: "Late", titles: ["Late"] }]]]));
  });
});

describe("pause", () => {
  it("sends nothing while paused, then one mail with what arrived meanwhile", async () => {
    await addSubscriber({ id: "away", cadence: "instant", pausedUntil: "2026-01-08" });
    await addSubscriber({ id: "digest", cadence: "daily", hour: 9, pausedUntil: "2026-01-08" });
    await cron(site(old), T0 - HOUR);
    const during = [1, 2, 3].map((d) => article(`d${d}`, T0 + (d - 1) * DAY + 2 * HOUR, { title: `During ${d}` }));
    for (let d = 0; d < 3; d++) await cron(site(old, ...during), T0 + d * DAY + HOUR);
    for (let d = 0; d < 3; d++) await cron(site(old, ...during), T0 + d * DAY);
    expect(await mailbox()).toEqual(new Map());
    await cron(site(old, ...during), Date.UTC(2026, 0, 8, 0)); // the 8th: paused no more
    await cron(site(old, ...during), Date.UTC(2026, 0, 8, 9));
    const box = await mailbox();
    expect(box.get("away")!.map((m) => m.titles.sort())).toEqual([["During 1", "During 2", "During 3"]]);
    expect(box.get("digest")!.map((m) => m.titles.sort())).toEqual([["During 1", "During 2", "During 3"]]);
  });

  it("caps the first mail after a long pause at the 50 newest, counting the rest", async () => {
    await addSubscriber({ id: "away", cadence: "instant", pausedUntil: "2026-01-09" });
    await cron(site(old), T0 - HOUR);
    const many = Array.from({ length: 60 }, (_, i) => article(`m${i}`, T0 + i * 60_000, { title: `Many ${String(i).padStart(2, "0")}` }));
    await cron(site(old, ...many), T0 + 2 * HOUR);
    expect(await mailbox()).toEqual(new Map());
    await cron(site(old, ...many), Date.UTC(2026, 0, 9, 1));
    const resend = fakeResend();
    await drain(queue, resend.sender);
    expect(resend.delivered).toHaveLength(1);
    const text = resend.delivered[0]!.message.text;
    const titles = [...text.matchAll(/^\d+\. (.+)$/gm)].map((m) => m[1]!);
    expect(titles).toHaveLength(50);
    expect(titles[0]).toBe("Many 59");
    expect(titles).not.toContain("Many 09");
    expect(text).toContain("10");
  });
});
