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
