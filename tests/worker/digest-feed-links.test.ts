/**
 * Every digest and instant mail links the recipient's personal feed (HTML and text), and
 * past the 50-item cap the "rest" link leads there too. The link is the recipient's current
 * feed address when the mail is sent.
 */
import { readConfig } from "../../src/config.js";
import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import type { Content } from "../../src/content/index.js";
import { runScheduledDigests } from "../../src/digest/scheduler.js";
import { messagesFor, plural } from "../../src/i18n/index.js";
import { verifyFeedLink } from "../../src/subscribers/links.js";
import { renewFeedToken } from "../../src/subscribers/store.js";
import { addSubscriber, article, captureQueue, drain, fakeResend, HOUR, resetDigestTables, site, T0 } from "./digest-support.js";

const DAY = 24 * HOUR;
const t = messagesFor(env.SITE_LANGUAGE);
const FEED = new RegExp(`${env.PUBLIC_URL.replace(/[.:/]/g, "\\$&")}/me/([A-Za-z0-9._-]+)/rss\\.xml`, "g");
let queue: ReturnType<typeof captureQueue>;

function cron(content: Content, at: number) {
  return runScheduledDigests(env, at, { queue, content, now: at });
}

async function mails() {
  const resend = fakeResend();
  await drain(queue, resend.sender);
  return resend.delivered.map((d) => ({ to: d.to, html: d.message.html, text: d.message.text }));
}

beforeEach(async () => {
  await resetDigestTables();
  queue = captureQueue();
});

const old = article("old", T0 - 10 * DAY);

describe("the personal feed in every mail", () => {
  it("daily and instant mail link the recipient's own feed in the HTML and the text part", async () => {
    await addSubscriber({ id: "daily", cadence: "daily", hour: 9 });
    await addSubscriber({ id: "fast", cadence: "instant" });
    await cron(site(old), T0 - HOUR);
    await cron(site(old, article("new", T0 - 30 * 60_000)), T0);
    const sent = await mails();
    expect(sent.map((m) => m.to).sort()).toEqual(["daily@example.com", "fast@example.com"]);
    for (const mail of sent) {
      const id = mail.to.split("@")[0]!;
      const inHtml = [...mail.html.matchAll(FEED)].map((m) => m[1]!);
      const inText = [...mail.text.matchAll(FEED)].map((m) => m[1]!);
      expect(inHtml.length, id).toBeGreaterThan(0);
      expect(inText.length, id).toBeGreaterThan(0);
      expect(await verifyFeedLink(readConfig(env).links, inHtml[0]!)).toEqual({ subscriberId: id, version: 1 });
      expect(inText[0]).toBe(inHtml[0]);
      expect(mail.html).toContain(`>${t.digest.feed}</a>`);
      expect(mail.text).toContain(`${t.digest.feed}: ${env.PUBLIC_URL}/me/${inText[0]}/rss.xml`);
      // The web copy of the mail (its URL may be forwarded) does not carry it.
      const copy = new RegExp(`${env.PUBLIC_URL.replace(/[.:/]/g, "\\$&")}/digests/[A-Za-z0-9._-]+`).exec(mail.text)![0];
      const page = await exports.default.fetch(copy);
      expect(page.status, id).toBe(200);
      expect(await page.text()).not.toContain("/me/");
      // The link opens the feed.
      const res = await exports.default.fetch(`${env.PUBLIC_URL}/me/${inText[0]}/rss.xml`);
      expect(res.status, id).toBe(200);
      await res.arrayBuffer();
    }
  });

  it("past the 50-item cap, the link to the rest is the personal feed, not the site", async () => {
    await addSubscriber({ id: "away", cadence: "instant", pausedUntil: "2026-01-09" });
    await cron(site(old), T0 - HOUR);
    const many = Array.from({ length: 60 }, (_, i) => article(`m${i}`, T0 + i * 60_000, { title: `Many ${String(i).padStart(2, "0")}` }));
    await cron(site(old, ...many), T0 + 2 * HOUR);
    await cron(site(old, ...many), Date.UTC(2026, 0, 9, 1));
    const [mail] = await mails();
    const feed = [...mail!.text.matchAll(FEED)][0]![0];
    const moreText = plural(t, t.digest.more, 10);
    const lines = mail!.text.split("\n");
    const more = lines.indexOf(moreText);
    expect(more).toBeGreaterThan(0);
    expect(lines[more + 1]).toBe(feed);
    const moreLink = new RegExp(`href="([^"]+)"[^>]*>${moreText.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}</a>`).exec(mail!.html);
    expect(moreLink?.[1]).toBe(feed);
  });

  it("is the feed address of sending time (a new one issued after planning is the one mailed)", async () => {
    await addSubscriber({ id: "daily", cadence: "daily", hour: 9 });
    await cron(site(old), T0 - HOUR);
    await cron(site(old, article("new", T0 - 30 * 60_000)), T0);
    await renewFeedToken(env.DB, "daily", Date.now()); // after planning, before sending
    const [mail] = await mails();
    const token = [...mail!.text.matchAll(FEED)][0]![1]!;
    expect(await verifyFeedLink(readConfig(env).links, token)).toEqual({ subscriberId: "daily", version: 2 });
  });
});
