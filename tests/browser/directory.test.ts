/**
 * In chromium against `wrangler dev`: the feed directory (keyboard only, with and without
 * JavaScript), a landing page and the browser view of a feed. Screenshots go to
 * test-results/screenshots/directory-*.png.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { format, messagesFor } from "../../src/i18n/index.js";
import { baseUrl, launch, screenshot, type Session } from "./browser.js";

// global-setup's first wrangler dev speaks wrangler.toml's SITE_LANGUAGE.
const t = messagesFor("zh-CN");

// page.evaluate callbacks run in chromium; this file is type-checked without the DOM
// library, so it declares the little it touches (module-local, no global effect).
interface FocusedElement {
  tagName: string;
  id: string;
  value: string;
  selectionStart: number | null;
  selectionEnd: number | null;
  getAttribute(name: string): string | null;
}
declare const document: { activeElement: FocusedElement | null };
declare const navigator: { clipboard: { readText(): Promise<string>; writeText(text: string): Promise<void> } };
declare function getComputedStyle(element: FocusedElement): { outlineStyle: string };

/** Article images live on SITE_URL (not reachable from tests): answer with a placeholder. */
async function stubSiteImages(page: Page): Promise<void> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="160"><rect width="240" height="160" fill="#c9d6ea"/><circle cx="80" cy="70" r="28" fill="#8fa8cf"/></svg>`;
  await page.route("https://news.example.com/**", (route) => route.fulfill({ status: 200, contentType: "image/svg+xml", body: svg }));
}

/** What has focus, as `tag#id[data-copy]`. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName.toLowerCase()}#${el.id}[${el.getAttribute("data-copy") ?? ""}]` : "";
  });
}

/** Presses Tab until `match` has focus (at most `max` times); fails otherwise. */
async function tabTo(page: Page, match: (f: string) => boolean, max = 40): Promise<string> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    if (match(f)) return f;
  }
  throw new Error(`focus never reached the target; last: ${await focused(page)}`);
}

const visibleRows = (page: Page) => page.locator("li[data-filter]:visible");

describe("/feeds in chromium, keyboard only", () => {
  let session: Session;
  beforeAll(async () => {
    session = await launch({ permissions: ["clipboard-read", "clipboard-write"], locale: "zh-CN" });
  });
  afterAll(async () => {
    await session?.close();
  });

  it("Tab to the filter, type, Tab to a copy button, Enter copies the feed URL", async () => {
    const base = baseUrl();
    const { page } = session;
    await page.goto(`${base}/feeds`);
    const all = await visibleRows(page).count();
    expect(all).toBeGreaterThan(20);
    await screenshot(page, "directory-01-feeds");

    await tabTo(page, (f) => f === "input#q[]");
    await page.keyboard.type("scale");
    await expect.poll(() => visibleRows(page).count()).toBe(1);
    await expect.poll(() => page.locator("#filter-status").textContent()).toBe(format(t.feeds.shown, { shown: 1, total: all }));
    expect(new URL(page.url()).searchParams.get("q")).toBe("scale");

    const button = await tabTo(page, (f) => f.startsWith("button#[") && f !== "button#[]");
    expect(button).toMatch(/^button#\[tags-\d+-rss\]$/);
    // Focus is visible on the copy button.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe("none");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(`${base}/tags/scale-ai/rss.xml`);
    await expect.poll(() => page.locator("button[data-copy]:focus").textContent()).toContain(t.feedParts.copied);
    await screenshot(page, "directory-02-filtered-copied");

    // Clearing the filter brings every feed back.
    await page.locator("#q").fill("");
    await expect.poll(() => visibleRows(page).count()).toBe(all);
  });

  it("filters Chinese text live", async () => {
    const { page } = session;
    await page.goto(`${baseUrl()}/feeds`);
    await page.locator("#q").focus();
    await page.keyboard.type("数据");
    const names = await visibleRows(page).locator("h3").allTextContents();
    expect(names.sort()).toEqual(["数据与开源生态", "数据安全", "数据标注", "数据治理"].sort());
  });

  it("the email link preselects the topic on the subscribe page", async () => {
    const { page } = session;
    await page.goto(`${baseUrl()}/feeds?q=${encodeURIComponent("数据与开源生态")}`);
    const href = await visibleRows(page).first().locator("a", { hasText: t.feeds.emailTopic }).getAttribute("href");
    expect(href).toBe(`/subscribe?topics=${encodeURIComponent("数据与开源生态")}`);
  });
});

describe("/feeds in chromium without JavaScript", () => {
  let session: Session;
  beforeAll(async () => {
    session = await launch({ javaScriptEnabled: false });
  });
  afterAll(async () => {
    await session?.close();
  });

  it("filters with the GET form from the keyboard and shows the URLs to select", async () => {
    const base = baseUrl();
    const { page } = session;
    await page.goto(`${base}/feeds`);
    expect(await page.locator("button[data-copy]:visible").count()).toBe(0);
    await tabTo(page, (f) => f === "input#q[]");
    await page.keyboard.type("数据");
    await Promise.all([page.waitForURL(/\/feeds\?q=/), page.keyboard.press("Enter")]);
    expect(await visibleRows(page).count()).toBe(4);
    // The next Tab stops are real controls: the Filter button, then a term link and its URL field.
    await tabTo(page, (f) => f.startsWith("input#") && f !== "input#q[]");
    const value = await page.evaluate(() => document.activeElement!.value);
    expect(value.startsWith(`${base}/`)).toBe(true);
    const selected = await page.evaluate(() => {
      const input = document.activeElement!;
      return input.value.slice(input.selectionStart ?? 0, input.selectionEnd ?? 0);
    });
    expect(selected).toBe(value); // Tab selects the whole address: Ctrl+C copies it
    await screenshot(page, "directory-03-no-js-filtered");
  });
});

describe("landing page and browser view in chromium", () => {
  let session: Session;
  beforeAll(async () => {
    session = await launch({ permissions: ["clipboard-read", "clipboard-write"] });
    await stubSiteImages(session.page);
  });
  afterAll(async () => {
    await session?.close();
  });

  it("a tag landing page lists its articles and advertises its feeds", async () => {
    const base = baseUrl();
    const { page } = session;
    await page.goto(`${base}/tags/Scale%20AI/`); // redirects to the canonical URL
    expect(page.url()).toBe(`${base}/tags/scale-ai/`);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Scale AI");
    const alternates = await page.locator('head link[rel="alternate"]').evaluateAll((links) =>
      links.map((l) => `${l.getAttribute("type")} ${l.getAttribute("href")}`),
    );
    expect(alternates).toEqual([
      `application/rss+xml ${base}/tags/scale-ai/rss.xml`,
      `application/atom+xml ${base}/tags/scale-ai/atom.xml`,
      `application/feed+json ${base}/tags/scale-ai/feed.json`,
    ]);
    expect(await page.locator("article").count()).toBe(2);
    expect(await page.locator("article img").count()).toBeGreaterThan(0);
    await screenshot(page, "directory-04-landing-tag");
    await page.goto(`${base}/`);
    expect(await page.locator("article").count()).toBeGreaterThan(5);
    await screenshot(page, "directory-05-landing-home");
  });

  it("opening a feed URL shows the readable page; fetch() from a page still gets the feed", async () => {
    const base = baseUrl();
    const { page } = session;
    const feedUrl = `${base}/topics/${encodeURIComponent("数据与开源生态")}/atom.xml`;
    const response = await page.goto(feedUrl);
    expect(response!.headers()["content-type"]).toBe("text/html; charset=utf-8");
    expect(response!.headers()["vary"]).toBe("Accept, Sec-Fetch-Mode, Accept-Encoding");
    await expect.poll(() => page.locator("h1").textContent()).toContain("数据与开源生态");
    // Shown readably, copied percent-encoded: by the button and by Ctrl+C in the field.
    expect(await page.locator("#feed-url").inputValue()).toBe(`${base}/topics/数据与开源生态/atom.xml`);
    await page.locator("button[data-copy=feed-url]").click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(feedUrl);
    await page.evaluate(() => navigator.clipboard.writeText(""));
    await page.locator("#feed-url").focus();
    await page.keyboard.press("Control+C");
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(feedUrl);
    await screenshot(page, "directory-06-browser-view");
    const fetched = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return { type: res.headers.get("content-type"), start: (await res.text()).slice(0, 5) };
    }, feedUrl);
    expect(fetched).toEqual({ type: "application/atom+xml; charset=utf-8", start: "<?xml" });
  });

  it("an archive page of a feed reads as history with newer and older links", async () => {
    const { page } = session;
    await page.goto(`${baseUrl()}/rss.xml?limit=2&page=2`);
    await expect.poll(() => page.locator("main").textContent()).toContain(format(t.feedView.archive, { page: 2 }));
    await page.getByRole("link", { name: t.feedView.older }).click();
    expect(new URL(page.url()).searchParams.get("page")).toBe("1");
    await screenshot(page, "directory-07-browser-view-archive");
  });
});
