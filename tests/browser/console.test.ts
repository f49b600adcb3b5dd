/**
 * The publisher's console in chromium against `wrangler dev`: sign in, overview, search,
 * import of a file, the audience page. Screenshots in test-results/screenshots/console-*.png.
 */
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { messagesFor, say } from "../../src/i18n/index.js";
import { baseUrl, launch, screenshot, type Session } from "./browser.js";

// global-setup's first wrangler dev speaks wrangler.toml's SITE_LANGUAGE (zh-CN): so does the console.
const t = messagesFor("zh-CN");
const m = t.admin;

describe("console in chromium", () => {
  let session: Session;
  const stamp = Date.now().toString(36);

  beforeAll(async () => {
    session = await launch({ timezoneId: "Asia/Shanghai", locale: "zh-CN" });
  });
  afterAll(async () => {
    await session?.close();
  });

  it("signs in, shows the overview, imports a file, finds an imported address, shows the audience, signs out", async () => {
    const base = baseUrl();
    const { page } = session;

    // a wrong token is refused, the right one signs in (the cookie is HttpOnly: no script sees it)
    await page.goto(`${base}/admin`);
    await page.fill("#token", "wrong");
    await page.click("button[type=submit]");
    await expect.poll(() => page.textContent("[role=alert]")).toBe(m.wrongToken);
    await screenshot(page, "console-signin-refused");
    await page.fill("#token", inject("adminToken"));
    await Promise.all([page.waitForURL(`${base}/admin`), page.click("button[type=submit]")]);
    expect(await page.textContent("h1")).toBe(m.overview);
    expect(await page.evaluate("document.cookie")).not.toContain("tidings_admin");
    const [cookie] = await session.context.cookies();
    expect(cookie).toMatchObject({ name: "tidings_admin", httpOnly: true, secure: true, sameSite: "Strict" });

    // import a CSV file through the form
    const dir = mkdtempSync(join(tmpdir(), "tidings-import-"));
    const file = join(dir, "list.csv");
    writeFileSync(file, `Email Address,Name,Topics,tags\nann.${stamp}@imported.test,Ann,Open Source,Meta|OpenAI\nbo.${stamp}@imported.test,Bo,,\nnot-an-address,X,,\n`);
    await page.click(`nav.console >> text=${m.import}`);
    await page.setInputFiles("#file", file);
    await page.check("input[name=consent][value=confirmed]");
    await page.click("form.card button[type=submit]");
    await page.waitForSelector("[data-testid=import-report]");
    const report = await page.textContent("[data-testid=import-report]");
    expect(report).toContain(`${m.imported}2`);
    // The reason in the site's language (zh-CN); the bearer API answers it in English.
    expect(report).toContain(say(t, { key: "admin.importEmail", values: { reason: { key: "reasons.emailShape" } } }));
    await screenshot(page, "console-import");

    // search by part of the address
    await page.click(`nav.console >> text=${m.subscribers}`);
    await page.fill("#q", `ann.${stamp}`);
    await page.click("form.filters button[type=submit]");
    await page.waitForURL(/q=ann/);
    const rows = await page.$$eval("[data-testid=subscribers] tbody tr", (trs) => trs.map((tr) => tr.textContent ?? ""));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(`ann.${stamp}@imported.test`);
    expect(rows[0]).toContain(m.status.active);
    await screenshot(page, "console-search");

    // the overview counts them and draws the chart
    await page.click(`nav.console >> text=${m.overview}`);
    expect(Number(await page.textContent("[data-testid=counts] div:nth-child(2) b"))).toBeGreaterThanOrEqual(2);
    expect(await page.$$("svg polyline")).toHaveLength(2);
    await screenshot(page, "console-overview");

    // feed readers poll; the audience page shows them
    for (const ua of ["Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; feed-id=1)", "NetNewsWire (RSS Reader)", "Miniflux/2.1"]) {
      const res = await fetch(`${base}/rss.xml`, { headers: { "User-Agent": ua } });
      await res.arrayBuffer();
    }
    await page.click(`nav.console >> text=${m.audience}`);
    const feed = page.locator('section[data-feed="/rss.xml"]');
    await expect.poll(() => feed.textContent()).toContain("Feedly: 42");
    expect(await feed.locator("svg").count()).toBe(1);
    await screenshot(page, "console-audience");

    await page.click(`text=${m.signOut}`);
    await page.waitForSelector("#token");
    expect(await session.context.cookies()).toHaveLength(0);
  });
});
