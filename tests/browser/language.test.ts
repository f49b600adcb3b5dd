/** /subscribe in a real browser, in the site's language: zh-CN (wrangler.toml) and en. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messagesFor } from "../../src/i18n/index.js";
import { baseUrl, baseUrlEn, launch, screenshot, type Session } from "./browser.js";

describe("/subscribe speaks SITE_LANGUAGE", () => {
  let session: Session;
  beforeAll(async () => {
    session = await launch({ timezoneId: "Europe/Berlin", locale: "en-GB" });
  });
  afterAll(async () => {
    await session?.close();
  });

  for (const [lang, base] of [["zh-CN", baseUrl], ["en", baseUrlEn]] as const) {
    it(lang, async () => {
      const t = messagesFor(lang);
      const { page } = session;
      await page.goto(`${base()}/subscribe`);
      expect(await page.locator("html").getAttribute("lang")).toBe(lang);
      expect(await page.locator("h1").textContent()).toBe(t.subscribe.title);
      await expect.poll(() => page.getByLabel(t.subscribe.email).isVisible()).toBe(true);
      expect(await page.getByRole("button", { name: t.subscribe.submit, exact: true }).isVisible()).toBe(true);
      expect(await page.locator("legend").allTextContents()).toEqual(expect.arrayContaining([t.fields.cadence, t.fields.topics]));
      // The other language's words are nowhere on the page.
      const other = messagesFor(lang === "en" ? "zh-CN" : "en");
      const body = (await page.locator("body").textContent()) ?? "";
      for (const phrase of [other.subscribe.title, other.fields.cadence, other.fields.timezone, other.subscribe.submit]) expect(body).not.toContain(phrase);
      await screenshot(page, `language-subscribe-${lang}`);
    });
  }
});

describe("/subscribe says why a value is refused, in SITE_LANGUAGE, on a phone", () => {
  let session: Session;
  beforeAll(async () => {
    session = await launch({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, timezoneId: "Asia/Shanghai", locale: "zh-CN" });
  });
  afterAll(async () => {
    await session?.close();
  });

  it("zh-CN: an address the browser accepts but the server refuses", async () => {
    const t = messagesFor("zh-CN");
    const { page } = session;
    await page.goto(`${baseUrl()}/subscribe`);
    // `reader@localhost` passes the browser's type=email check; its domain has no dot.
    await page.getByLabel(t.subscribe.email).fill("reader@localhost");
    await Promise.all([page.waitForURL(/\/subscribe$/), page.getByRole("button", { name: t.subscribe.submit, exact: true }).click()]);
    const alert = page.getByRole("alert");
    expect((await alert.textContent())?.trim()).toBe(t.reasons.domain);
    expect(await page.locator("h1").textContent()).toBe(t.subscribe.title);
    expect(await page.getByLabel(t.subscribe.email).inputValue()).toBe("reader@localhost");
    // It fits the phone: nothing wider than the viewport, the alert on the first screen.
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    const box = (await alert.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    await screenshot(page, "language-subscribe-error-zh-CN-phone");
  });
});
