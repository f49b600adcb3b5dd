/**
 * In a real browser against `wrangler dev`: a digest in the dev outbox, its "view in
 * browser" link opened from the mail, the same items on the page; then the public list
 * `/digests` and a public copy. global-setup seeds the ledger so the sample articles are
 * new at the first run (tests/browser/seed.sql).
 */
import { describe, expect, it } from "vitest";
import { messagesFor } from "../../src/i18n/index.js";
import { baseUrl, browserSession, outbox, screenshot } from "./browser.js";

const t = messagesFor("zh-CN");

describe("digests on the web, in chromium", () => {
  const session = browserSession({ timezoneId: "Asia/Shanghai", locale: "zh-CN" });
  const email = `digests.${Date.now().toString(36)}@example.com`;

  it("opens a digest's web copy from its view-in-browser link, with the mail's items; /digests lists it publicly", async () => {
    const base = baseUrl();
    const { page, context } = session();

    // A subscriber with no topics or tags (JSON, as scripts do), confirmed from the outbox.
    const signup = await fetch(`${base}/subscribe`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ email, cadence: "daily", timezone: "Asia/Shanghai", hour: 8 }),
    });
    expect(signup.status).toBe(202);
    const [confirmation] = await outbox(base, email, 1);
    const confirmUrl = new RegExp(`${base}/confirm/[A-Za-z0-9._-]+`).exec(confirmation!.text)![0];
    expect((await fetch(confirmUrl, { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: "{}" })).status).toBe(200);

    // "Run digests now" in the outbox: the digest arrives a moment later.
    await page.goto(`${base}/dev/outbox`);
    await Promise.all([page.waitForURL(/\/dev\/outbox\?digests=1/), page.getByRole("button", { name: t.outbox.run }).click()]);
    const digest = (await outbox(base, email, 2)).find((m) => m.id !== confirmation!.id);
    expect(digest, "no digest in the outbox").toBeDefined();

    // The mail as the outbox shows it; its link opens the copy in a new tab.
    await page.goto(`${base}/dev/outbox/${digest!.id}`);
    const mail = page.frameLocator("iframe.mail-frame");
    const mailTitles = await mail.locator("h2 a").allTextContents();
    expect(mailTitles.length).toBeGreaterThan(1);
    await screenshot(page, "digests-00-mail");
    const [copy] = await Promise.all([context.waitForEvent("page"), mail.getByRole("link", { name: t.digest.viewInBrowser }).click()]);
    await copy.waitForLoadState();
    expect(copy.url()).toMatch(new RegExp(`^${base}/digests/[A-Za-z0-9._-]+$`));
    expect(await copy.locator("h2 a").allTextContents()).toEqual(mailTitles);
    // Dates as in the mail: the subscriber's zone, the site's language.
    expect(await copy.locator("h2 + p.muted").allTextContents()).toEqual(await mail.locator("h2 + p.muted").allTextContents());
    await expect.poll(() => copy.getByText(t.digests.copyNote).count()).toBe(1);
    expect(await copy.getByRole("link", { name: t.digest.unsubscribe }).count()).toBe(0);
    await screenshot(copy, "digests-01-web-copy");
    const headers = (await fetch(copy.url())).headers;
    expect(headers.get("x-robots-tag")).toBe("noindex");
    expect(headers.get("cache-control")).toBe("private");
    await copy.close();

    // The public list: reached from /subscribe; this run, a no-topics recipient's mail, is on it.
    await page.goto(`${base}/subscribe`);
    await Promise.all([page.waitForURL(`${base}/digests`), page.getByRole("link", { name: t.subscribe.recentLink }).click()]);
    await expect.poll(() => page.locator("h1").textContent()).toBe(t.digests.title);
    const entries = page.locator('ul.items a[href^="/digests/run/"]');
    expect(await entries.count()).toBeGreaterThan(0);
    await screenshot(page, "digests-02-list");
    await Promise.all([page.waitForURL(/\/digests\/run\//), entries.first().click()]);
    expect(await page.locator("h2 a").allTextContents()).toEqual(mailTitles);
    expect(await page.content()).not.toContain(email);
    await screenshot(page, "digests-03-public-copy");
  });
});
