/**
 * In a real browser against `wrangler dev`: subscribe, read the confirmation link from
 * the dev outbox, confirm, change preferences, unsubscribe, subscribe again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messagesFor } from "../../src/i18n/index.js";
import { baseUrl, launch, outbox, screenshot, type Session } from "./browser.js";

// global-setup's first wrangler dev runs with wrangler.toml's SITE_LANGUAGE (zh-CN).
const t = messagesFor("zh-CN");
const exact = (text: string) => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`);

async function preferencesJson(url: string) {
  const res = await fetch(url, { headers: { Accept: "application/json" } });
  return (await res.json()) as { status: string; cadence: string; topics: string[]; tags: string[]; hour: number; timezone: string; weekday: number };
}

describe("subscriber journey in chromium", () => {
  let session: Session;
  const email = `browser.${Date.now().toString(36)}@example.com`;

  beforeAll(async () => {
    session = await launch({ timezoneId: "Asia/Shanghai", locale: "zh-CN" });
  });
  afterAll(async () => {
    await session?.close();
  });

  it("subscribes, confirms from the outbox, changes preferences and unsubscribes", async () => {
    const base = baseUrl();
    const { page } = session;

    // 1. The form, with the time zone prefilled from the browser.
    await page.goto(`${base}/subscribe`);
    await expect.poll(() => page.locator("#timezone").inputValue()).toBe("Asia/Shanghai");
    await screenshot(page, "subscribe-01-form");
    await page.getByLabel(t.subscribe.email).fill(email);
    const firstTopic = page.locator('input[name="topics"]').first();
    const topicSlug = await firstTopic.getAttribute("value");
    await firstTopic.check();
    await page.locator('input[name="cadence"][value="weekly"]').check();
    await page.locator("#hour").selectOption("7");
    await page.locator("#weekday").selectOption("5");
    await Promise.all([page.waitForURL(`${base}/subscribe`), page.getByRole("button", { name: exact(t.subscribe.submit) }).click()]);
    await expect.poll(() => page.locator("h1").textContent()).toContain(t.subscribe.sentTitle);
    await screenshot(page, "subscribe-02-check-inbox");

    // 2. The confirmation mail, from the dev outbox (JSON for the link, HTML for a look).
    const [mail] = await outbox(base, email);
    expect(mail).toBeDefined();
    expect(mail!.subject).toContain(t.mail.confirmHeading);
    const confirmUrl = new RegExp(`${base}/confirm/[A-Za-z0-9._-]+`).exec(mail!.text)![0];
    await page.goto(`${base}/dev/outbox`);
    await screenshot(page, "subscribe-03-outbox");
    await page.goto(`${base}/dev/outbox/${mail!.id}`);
    await page.frameLocator("iframe.mail-frame").getByText(t.mail.confirmButton).first().waitFor();
    await screenshot(page, "subscribe-04-outbox-message");

    // 3. Confirm: the GET page changes nothing, the button does.
    await page.goto(confirmUrl);
    await screenshot(page, "subscribe-05-confirm");
    await Promise.all([page.waitForLoadState("load"), page.getByRole("button", { name: exact(t.confirm.button) }).click()]);
    await expect.poll(() => page.locator("h1").textContent()).toContain(t.confirm.doneTitle);
    await screenshot(page, "subscribe-06-confirmed");

    // 4. Preferences: daily, a tag, another hour.
    await Promise.all([page.waitForURL(/\/preferences\//), page.getByRole("link", { name: exact(t.confirm.preferences) }).click()]);
    const preferencesUrl = page.url();
    expect(await preferencesJson(preferencesUrl)).toMatchObject({ status: "active", cadence: "weekly", topics: [topicSlug], hour: 7, weekday: 5, timezone: "Asia/Shanghai" });
    await expect.poll(() => page.locator(`input[name="topics"][value="${topicSlug}"]`).isChecked()).toBe(true);
    await page.locator('input[name="cadence"][value="daily"]').check();
    const tag = page.locator('input[name="tags"]').nth(1);
    const tagSlug = await tag.getAttribute("value");
    await tag.check();
    await page.locator("#hour").selectOption("20");
    await Promise.all([page.waitForURL(/saved=1/), page.getByRole("button", { name: exact(t.preferences.save) }).click()]);
    await expect.poll(() => page.locator(".notice[role=status]").first().textContent()).toContain(t.preferences.saved);
    await screenshot(page, "subscribe-07-preferences-saved");
    expect(await preferencesJson(preferencesUrl)).toMatchObject({ status: "active", cadence: "daily", topics: [topicSlug], tags: [tagSlug], hour: 20 });

    // 5. Unsubscribe from the preferences page.
    await Promise.all([page.waitForLoadState("load"), page.getByRole("button", { name: exact(t.preferences.unsubscribe) }).click()]);
    await expect.poll(() => page.locator("h1").textContent()).toContain(t.unsubscribe.doneTitle);
    await screenshot(page, "subscribe-08-unsubscribed");
    expect((await preferencesJson(preferencesUrl)).status).toBe("unsubscribed");

    // 6. Changed their mind.
    await Promise.all([page.waitForURL(/saved=1/), page.getByRole("button", { name: exact(t.unsubscribe.again) }).click()]);
    expect((await preferencesJson(preferencesUrl)).status).toBe("active");
    await screenshot(page, "subscribe-09-resubscribed");
  });

  it("the unsubscribe link page works with one button", async () => {
    const base = baseUrl();
    const prefs = (await fetch(`${base}/subscribe`, { headers: { Accept: "application/json" } })).status;
    expect(prefs).toBe(200);
    const other = `browser.unsub.${Date.now().toString(36)}@example.com`;
    const res = await fetch(`${base}/subscribe`, { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify({ email: other }) });
    expect(res.status).toBe(202);
    const [mail] = await outbox(base, other);
    const confirmPath = /\/confirm\/[A-Za-z0-9._-]+/.exec(mail!.text)![0];
    const confirmed = (await (await fetch(base + confirmPath, { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: "{}" })).json()) as { unsubscribeUrl: string };
    const { page } = session;
    await page.goto(confirmed.unsubscribeUrl);
    expect(await page.locator("button").count()).toBe(1);
    await screenshot(page, "subscribe-10-unsubscribe-link");
    await Promise.all([page.waitForLoadState("load"), page.getByRole("button", { name: exact(t.unsubscribe.button) }).click()]);
    await expect.poll(() => page.locator("h1").textContent()).toContain(t.unsubscribe.doneTitle);
  });

  it("looks right on a phone", async () => {
    const phone = await launch({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    try {
      await phone.page.goto(`${baseUrl()}/subscribe`);
      // No horizontal scrolling.
      expect(await phone.page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
      await screenshot(phone.page, "subscribe-11-phone");
    } finally {
      await phone.close();
    }
  });
});
