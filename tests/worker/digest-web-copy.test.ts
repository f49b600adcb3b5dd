/**
 * The web copy of each mail ("view in browser", /digests/{token}): the same items as that
 * recipient's mail, as a page; a signed, purpose-bound token; 404 for a bad token, 410
 * once the run is pruned.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { HISTORY_MS, pruneDigestHistory } from "../../src/digest/prune.js";
import { app } from "../../src/app.js";
import { CATALOGUES, LANGUAGES, messagesFor } from "../../src/i18n/index.js";
import { signToken } from "../../src/lib/tokens.js";
import { addSubscriber, article, digestHarness, HOUR, site, T0 } from "./digest-support.js";

const DAY = 24 * HOUR;
const t = messagesFor(env.SITE_LANGUAGE);
const { cron, send } = digestHarness();

/** The "view in browser" link of a mail's HTML part. */
function copyLink(html: string): string {
  const m = new RegExp(`href="(${env.PUBLIC_URL}/digests/[^"]+)"[^>]*>${t.digest.viewInBrowser}<`).exec(html);
  expect(m, "no view-in-browser link").not.toBeNull();
  return m![1]!.replace(/&amp;/g, "&");
}

/** Article links and dates as they appear in digest HTML (mail or page), in order. */
function listed(html: string): Array<{ url: string; title: string }> {
  return [...html.matchAll(/<h2[^>]*>\s*<a[^>]*href="([^"]+)"[^>]*>([^<]*)<\/a>/g)].map((m) => ({ url: m[1]!, title: m[2]! }));
}

const old = article("old", T0 - 10 * DAY);
const a = article("a", T0 - 3 * HOUR, { title: "Alpha <news>", topicSlugs: ["open-source"], date: "2026-01-05T20:30:00-08:00" });
const b = article("b", T0 - 2 * HOUR, { title: "Beta", tagSlugs: ["meta"] });

async function twoMails() {
  // Shanghai 17:00 = 09:00 UTC; New York 04:00 = 09:00 UTC.
  await addSubscriber({ id: "all", timezone: "Asia/Shanghai", hour: 17 });
  await addSubscriber({ id: "oss", timezone: "America/New_York", hour: 4, topics: ["open-source"] });
  await cron(site(old), T0 - DAY); // baseline
  await cron(site(old, a, b), T0);
  return send();
}

describe("view in browser", () => {
  it("every digest links its web copy in the HTML and the text part; the page lists exactly that mail's items", async () => {
    const box = await twoMails();
    expect([...box.keys()].sort()).toEqual(["all", "oss"]);
    for (const [id, mail] of box) {
      const link = copyLink(mail.message.html);
      expect(mail.message.text, id).toContain(`${t.digest.viewInBrowser}: ${link}`);
      const res = await exports.default.fetch(link);
      expect(res.status, id).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html; charset=utf-8/i);
      const page = await res.text();
      expect(listed(page), id).toEqual(listed(mail.message.html));
      expect(listed(page).length, id).toBe(id === "all" ? 2 : 1);
      expect(page).toContain(`<html lang="${t.lang}"`);
    }
    // Dates in the recipient's own zone, as in the mail: 20:30 on the 5th in LA is the 6th in Shanghai, the 5th in New York.
    const pageOf = async (id: string) => (await exports.default.fetch(copyLink(box.get(id)!.message.html))).text();
    const shanghai = new Intl.DateTimeFormat(t.lang, { dateStyle: "medium", timeZone: "Asia/Shanghai" }).format(Date.parse(a.date));
    const newYork = new Intl.DateTimeFormat(t.lang, { dateStyle: "medium", timeZone: "America/New_York" }).format(Date.parse(a.date));
    expect(shanghai).not.toBe(newYork);
    expect(box.get("all")!.message.html).toContain(shanghai);
    expect(await pageOf("all")).toContain(shanghai);
    expect(await pageOf("oss")).toContain(newYork);
    expect(await pageOf("oss")).not.toContain(shanghai);
  });

  it("the page is private, unindexed, leaks no token by Referer, and carries no tracking and no personal links", async () => {
    const box = await twoMails();
    const mail = box.get("all")!;
    const res = await exports.default.fetch(copyLink(mail.message.html));
    expect(res.headers.get("x-robots-tag")).toBe("noindex");
    expect(res.headers.get("cache-control")).toMatch(/^private\b/);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const page = await res.text();
    expect(page).not.toContain("<script");
    expect(page).not.toContain("all@example.com");
    expect(page).not.toMatch(/\/(preferences|unsubscribe|me)\//); // no personal link of any kind (the personal feed is /me/…)
    // Every link is an article's, the site's, or this Worker's own pages: nothing redirects through a tracker.
    for (const [, href] of page.matchAll(/href="([^"]+)"/g)) {
      expect(href!.startsWith("https://news.example.com/") || href === env.SITE_URL || href!.startsWith("/") || href!.startsWith(env.PUBLIC_URL), href).toBe(true);
    }
    for (const [, src] of page.matchAll(/<img[^>]+src="([^"]+)"/g)) expect(src!.startsWith("https://news.example.com/"), src).toBe(true);
  });

  it("instant mail links its web copy too", async () => {
    await addSubscriber({ id: "fast", cadence: "instant" });
    await cron(site(old), T0 - HOUR);
    await cron(site(old, article("now", T0 - 10 * 60_000, { title: "Just in" })), T0);
    const mail = (await send()).get("fast")!;
    expect(mail.subject).toBe("Just in");
    const page = await (await exports.default.fetch(copyLink(mail.message.html))).text();
    expect(listed(page).map((i) => i.title)).toEqual(["Just in"]);
    expect(mail.message.text).toContain(copyLink(mail.message.html));
  });

  it("speaks SITE_LANGUAGE", async () => {
    const link = copyLink((await twoMails()).get("all")!.message.html);
    for (const lang of LANGUAGES) {
      const html = await (await app.request(link, {}, { ...env, SITE_LANGUAGE: lang })).text();
      expect(html, lang).toContain(`<html lang="${lang}"`);
      expect(html, lang).toContain(CATALOGUES[lang].digests.copyNote);
      expect(html, lang).toContain(CATALOGUES[lang].digest.read);
    }
  });

  it("the link is the same on every render (retries stay byte-identical) and differs per recipient", async () => {
    const box = await twoMails();
    const links = [...box.values()].map((m) => copyLink(m.message.html));
    expect(new Set(links).size).toBe(2);
    // No subscriber id or run id readable in the clear is needed: the token is all there is.
    expect(links.every((l) => /\/digests\/[A-Za-z0-9._-]+$/.test(l))).toBe(true);
  });
});

describe("tokens", () => {
  it("preferences and unsubscribe tokens do not open a copy, and a copy token opens neither", async () => {
    const box = await twoMails();
    const mail = box.get("all")!;
    const copy = copyLink(mail.message.html).split("/").pop()!;
    for (const path of ["preferences", "unsubscribe"]) {
      const token = new RegExp(`/${path}/([A-Za-z0-9._-]+)`).exec(mail.message.html)![1]!;
      const res = await exports.default.fetch(`${env.PUBLIC_URL}/digests/${token}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).toContain(t.errors.badLink);
      const other = await exports.default.fetch(`${env.PUBLIC_URL}/${path}/${copy}`);
      expect(other.status, path).toBeGreaterThanOrEqual(400);
      expect(other.status, path).toBeLessThan(500);
    }
    // A copy token signed for the subscriber id alone (the other purposes' subject) is not a copy either.
    const bare = await signToken(env.TOKEN_SECRET!, "all", "digest-copy");
    expect((await exports.default.fetch(`${env.PUBLIC_URL}/digests/${bare}`)).status).toBe(404);
  });

  it("a tampered, unknown or malformed token is a 404 with a reason, never a 500", async () => {
    const box = await twoMails();
    const token = copyLink(box.get("all")!.message.html).split("/").pop()!;
    const flipped = token.slice(0, -2) + (token.at(-2) === "A" ? "B" : "A") + token.at(-1);
    const otherRun = await signToken("another-secret-entirely-0123456789", "daily:2026-01-05T09Z/all", "digest-copy");
    for (const bad of [flipped, otherRun, "x", "a.b.c", "%ZZ", "a..b", "%2e", "a".repeat(5000), encodeURIComponent("é✓\u0000")]) {
      const res = await exports.default.fetch(`${env.PUBLIC_URL}/digests/${bad}`);
      expect(res.status, bad.slice(0, 20)).toBe(404);
      expect((await res.text()).length, bad.slice(0, 20)).toBeGreaterThan(0);
      const json = await exports.default.fetch(`${env.PUBLIC_URL}/digests/${bad}`, { headers: { accept: "application/json" } });
      expect(json.status).toBe(404);
      expect(((await json.json()) as { error: string }).error).toBeTruthy();
    }
  });

  it("once the run is pruned the copy answers 410 Gone with a reason", async () => {
    const box = await twoMails();
    const link = copyLink(box.get("all")!.message.html);
    expect((await exports.default.fetch(link)).status).toBe(200);
    expect(await pruneDigestHistory(env, T0 + HISTORY_MS + DAY)).toEqual({ runs: expect.any(Number) });
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM digest_runs WHERE id = 'daily:2026-01-05T09Z'").first("n")).toBe(0);
    const res = await exports.default.fetch(link);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain(t.digests.gone);
  });

  it("other methods are a 405", async () => {
    const res = await exports.default.fetch(`${env.PUBLIC_URL}/digests/x`, { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toContain("GET");
  });
});
