/**
 * The public list of recent site-wide digests (`/digests`) and their public copies
 * (`/digests/run/{runId}`): what a subscriber who chose no topics and no tags got.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { siteWideItems } from "../../src/digest/planner.js";
import { messagesFor, plural } from "../../src/i18n/index.js";
import { addSubscriber, article, digestHarness, HOUR, site, T0 } from "./digest-support.js";

const DAY = 24 * HOUR;
const BASE = env.PUBLIC_URL;
const t = messagesFor(env.SITE_LANGUAGE);
const { cron, send } = digestHarness();

/** Links to public copies on a /digests page, in order. */
function entries(html: string): string[] {
  return [...html.matchAll(/href="(\/digests\/run\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
}

function titles(html: string): string[] {
  return [...html.matchAll(/<h2[^>]*>\s*<a[^>]*href="[^"]+"[^>]*>([^<]*)<\/a>/g)].map((m) => m[1]!);
}

const old = article("old", T0 - 10 * DAY);
const a = article("a", T0 - 3 * HOUR, { title: "Alpha", topicSlugs: ["open-source"] });
const b = article("b", T0 - 2 * HOUR, { title: "Beta", tagSlugs: ["meta"] });

describe("/digests", () => {
  it("lists the run a subscriber with no topics or tags was mailed, linking a public copy of exactly that mail", async () => {
    await addSubscriber({ id: "everything", hour: 9 });
    await addSubscriber({ id: "narrow", hour: 9, topics: ["open-source"] });
    await cron(site(old), T0 - DAY);
    await cron(site(old, a, b), T0);
    const mail = (await send()).get("everything")!;
    const res = await exports.default.fetch(`${BASE}/digests`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("cache-control")).toMatch(/^public/);
    const html = await res.text();
    expect(html).toContain(t.digests.title);
    expect(html).toContain(plural(t, t.digests.items, 2));
    expect(entries(html)).toEqual(["/digests/run/daily:2026-01-05T09Z"]);
    const copy = await exports.default.fetch(BASE + entries(html)[0]!);
    expect(copy.status).toBe(200);
    expect(copy.headers.get("x-robots-tag")).toBe("noindex");
    const page = await copy.text();
    expect(titles(page)).toEqual(titles(mail.message.html));
    expect(titles(page).sort()).toEqual(["Alpha", "Beta"]);
    // No subscriber data: no address, no id, no personal link.
    for (const secret of ["everything", "narrow", "@example.com", "/preferences/", "/unsubscribe/"]) expect(page, secret).not.toContain(secret);
    expect(page).not.toMatch(/\/digests\/[A-Za-z0-9_-]{20,}\./);
    // The same list as JSON, for scripts.
    const json = (await (await exports.default.fetch(`${BASE}/digests`, { headers: { accept: "application/json" } })).json()) as { cadence: string; digests: Array<{ id: string; articles: number; titles: string[]; url: string }>; next: string | null };
    expect(json).toEqual({ cadence: "daily", digests: [{ id: "daily:2026-01-05T09Z", cadence: "daily", sentAt: "2026-01-05T09:00:00.000Z", articles: 2, titles: ["Beta", "Alpha"], url: "/digests/run/daily:2026-01-05T09Z" }], next: null });
  });

  it("takes a regular reader's mail as the run's site-wide digest, not one just confirmed or back from a pause", () => {
    const row = (id: string, topics: string[] = []) => ({ id, topics, tags: [] });
    const rows = [row("new"), row("paused"), row("regular"), row("narrow", ["x"])];
    const entries = [
      { id: "new", w: null, items: [0] },
      { id: "paused", w: 10, items: [0, 1, 2, 3] },
      { id: "regular", w: 50, items: [0, 1] },
      { id: "narrow", w: 99, items: [1] },
    ];
    expect(siteWideItems(rows, entries)).toEqual([0, 1]);
    expect(siteWideItems(rows, entries.slice(0, 1))).toEqual([0]);
    expect(siteWideItems(rows, entries.slice(3))).toBeNull();
  });

  it("lists nothing (and serves no copy) for a run that only mailed subscribers with topics or tags", async () => {
    await addSubscriber({ id: "narrow", hour: 9, topics: ["open-source"] });
    await addSubscriber({ id: "tagged", hour: 9, tags: ["meta"] });
    await cron(site(old), T0 - DAY);
    await cron(site(old, a, b), T0);
    expect((await send()).size).toBe(2);
    const html = await (await exports.default.fetch(`${BASE}/digests`)).text();
    expect(entries(html)).toEqual([]);
    expect(html).toContain(t.digests.none);
    const res = await exports.default.fetch(`${BASE}/digests/run/daily:2026-01-05T09Z`);
    expect(res.status).toBe(404);
    expect((await res.text()).length).toBeGreaterThan(0);
  });

  it("lists daily digests by default (a new subscriber's cadence); ?cadence= picks another; anything else is a 400", async () => {
    await addSubscriber({ id: "d", hour: 9 });
    await addSubscriber({ id: "w", cadence: "weekly", hour: 9, weekday: 1 });
    await addSubscriber({ id: "i", cadence: "instant" });
    await cron(site(old), T0 - DAY);
    await cron(site(old, a, b), T0);
    await send();
    expect(entries(await (await exports.default.fetch(`${BASE}/digests`)).text())).toEqual(["/digests/run/daily:2026-01-05T09Z"]);
    expect(entries(await (await exports.default.fetch(`${BASE}/digests?cadence=weekly`)).text())).toEqual(["/digests/run/weekly:2026-01-05T09Z"]);
    expect(entries(await (await exports.default.fetch(`${BASE}/digests?cadence=instant`)).text())).toEqual(["/digests/run/instant:2026-01-05T09Z"]);
    for (const bad of ["?cadence=hourly", "?cadence=constructor", "?before=nope", "?cadence=daily&cadence=weekly"]) {
      const res = await exports.default.fetch(`${BASE}/digests${bad}`);
      expect(res.status, bad).toBe(400);
      expect((await res.text()).length).toBeGreaterThan(0);
    }
  });

  it("is paged, newest first, 20 to a page", async () => {
    await addSubscriber({ id: "d", hour: 9 });
    const articles = [old];
    await cron(site(...articles), T0 - DAY);
    for (let day = 0; day < 23; day++) {
      articles.push(article(`day${day}`, T0 + day * DAY - HOUR, { title: `Day ${day}` }));
      await cron(site(...articles), T0 + day * DAY);
    }
    await send();
    const first = await (await exports.default.fetch(`${BASE}/digests`)).text();
    expect(entries(first)).toHaveLength(20);
    expect(entries(first)[0]).toBe("/digests/run/daily:2026-01-27T09Z");
    const older = /href="(\/digests\?[^"]*before=[^"]+)"/.exec(first)![1]!.replace(/&amp;/g, "&");
    const second = await (await exports.default.fetch(BASE + older)).text();
    expect(entries(second)).toEqual(["/digests/run/daily:2026-01-07T09Z", "/digests/run/daily:2026-01-06T09Z", "/digests/run/daily:2026-01-05T09Z"]);
    expect(second).not.toMatch(/before=/);
    const lead = await (await exports.default.fetch(`${BASE}/digests/run/daily:2026-01-27T09Z`)).text();
    expect(titles(lead)).toEqual(["Day 22"]);
  });

  it("is linked from /subscribe, and answers other methods with 405", async () => {
    const form = await (await exports.default.fetch(`${BASE}/subscribe`)).text();
    expect(form).toMatch(/href="\/digests"/);
    for (const path of ["/digests", "/digests/run/daily:2026-01-05T09Z"]) {
      const res = await exports.default.fetch(BASE + path, { method: "POST" });
      expect(res.status, path).toBe(405);
    }
  });
});
