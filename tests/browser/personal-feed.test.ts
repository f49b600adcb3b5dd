/**
 * In a real browser against `wrangler dev`: the preferences page shows the personal
 * feed's three URLs (copy fields that the script enhances), issues a new address, and
 * pauses mail until a date.
 */
import type { Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messagesFor } from "../../src/i18n/index.js";
import { baseUrl, launch, screenshot, type Session } from "./browser.js";

// global-setup's first wrangler dev runs with wrangler.toml's SITE_LANGUAGE (zh-CN).
const t = messagesFor("zh-CN");

async function json<T>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { ...init, headers: { Accept: "application/json", "Content-Type": "application/json", ...init.headers } });
  return { status: res.status, body: (await res.json()) as T };
}

/** Subscribes by JSON, confirms from the dev outbox; returns the preferences URL. */
async function activeSubscriber(base: string, email: string): Promise<string> {
  expect((await json(`${base}/subscribe`, { method: "POST", body: JSON.stringify({ email, topics: ["open-source"] }) })).status).toBe(202);
  for (let tries = 0; tries < 100; tries++) {
    const { body } = await json<{ text: string }[]>(`${base}/dev/outbox?to=${encodeURIComponent(email)}`);
    const text = body[0]?.text;
    if (text) {
      const confirm = new RegExp(`${base}/confirm/[A-Za-z0-9._-]+`).exec(text)![0];
      expect((await json(confirm, { method: "POST", body: "{}" })).status).toBe(200);
      return new RegExp(`${base}/preferences/[A-Za-z0-9._-]+`).exec(text)![0];
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no confirmation mail for ${email}`);
}

/** The URL each copy field puts on the clipboard. */
async function dataUrls(fields: Locator): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < (await fields.count()); i++) out.push((await fields.nth(i).getAttribute("data-url"))!);
  return out;
}

describe("personal feed and pause on the preferences page, in chromium", () => {
  let session: Session;

  beforeAll(async () => {
    session = await launch({ timezoneId: "Asia/Shanghai", locale: "zh-CN" });
  });
  afterAll(async () => {
    await session?.close();
  });

  it("shows the three feed URLs with copy buttons, issues a new address, and pauses mail", async () => {
    const base = baseUrl();
    const { page } = session;
    const preferences = await activeSubscriber(base, `feed.${Date.now().toString(36)}@example.com`);

    await page.goto(preferences);
    const section = page.locator("section[aria-labelledby=personal-feed]");
    await expect.poll(() => section.locator("h2").textContent()).toBe(t.preferences.feedTitle);
    const fields = section.locator("input.url");
    expect(await fields.count()).toBe(3);
    const urls = await dataUrls(fields);
    expect(urls.map((u) => new URL(u).pathname.split("/").slice(3).join("/"))).toEqual(["rss.xml", "atom.xml", "feed.json"]);
    for (const url of urls) expect(url.startsWith(`${base}/me/`)).toBe(true);
    // The script revealed one Copy button per URL (hidden without script).
    expect(await section.locator("button[data-copy]:visible").count()).toBe(3);
    await screenshot(page, "personal-feed-01-preferences");

    // The feed answers with the subscriber's topic.
    const feed = await json<{ feed_url: string; items: unknown[] }>(urls[2]!);
    expect(feed.status).toBe(200);
    expect(feed.body.feed_url).toBe(urls[2]);
    expect(feed.body.items.length).toBeGreaterThan(0);

    // A new address: the page shows it, the old one is gone.
    await Promise.all([page.waitForURL(/\?feed=new$/), section.getByRole("button", { name: t.preferences.feedNew }).click()]);
    await expect.poll(() => section.locator(".notice").textContent()).toContain(t.preferences.feedIssued);
    const renewed = await dataUrls(section.locator("input.url"));
    expect(renewed[0]).not.toBe(urls[0]);
    expect((await fetch(urls[0]!)).status).toBe(410);
    expect((await fetch(renewed[0]!)).status).toBe(200);
    await screenshot(page, "personal-feed-02-new-address");

    // Pause until a date: saved, announced, and in the JSON.
    await page.locator("#paused-until").fill("2031-03-15");
    await Promise.all([page.waitForURL(/\?saved=1$/), page.getByRole("button", { name: t.preferences.save, exact: true }).click()]);
    const notices = await page.locator(".notice").allTextContents();
    expect(notices.join(" ")).toContain(t.preferences.saved);
    expect(notices.join(" ")).toMatch(/2031/);
    expect(await page.locator("#paused-until").inputValue()).toBe("2031-03-15");
    const view = await json<{ pausedUntil: string | null; feedUrls: { rss: string } }>(preferences);
    expect(view.body.pausedUntil).toBe("2031-03-15");
    expect(view.body.feedUrls.rss).toBe(renewed[0]);
    await screenshot(page, "personal-feed-03-paused");

    // A phone-sized viewport: the copy fields stay usable.
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(preferences);
    await screenshot(page, "personal-feed-04-phone");
    for (const handle of [section.locator("input.url").first(), section.locator("button[data-copy]").first()]) {
      const box = (await handle.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    expect((await section.locator("input.url").first().boundingBox())!.width).toBeGreaterThan(200);
    // (a string: this file is type-checked without the DOM)
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
  });
});
