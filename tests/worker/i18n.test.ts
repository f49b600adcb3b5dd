/**
 * The message catalogue (src/i18n): every language has every key, and every page and mail
 * speaks SITE_LANGUAGE alone — no English beside Chinese or the reverse.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app.js";
import { siteContent } from "../../src/content/index.js";
import { renderDigest } from "../../src/digest/render.js";
import { pageSite } from "../../src/config.js";
import { CATALOGUES, dateFormatter, LANGUAGES, messagesFor, placeholders, resolveLanguage, type Language } from "../../src/i18n/index.js";
import { alreadySubscribedMail, confirmationMail } from "../../templates/email/confirm.js";
import { BASE, activeSubscriber, mailTo, postForm, uniqueEmail, normalised } from "./subscribers-helpers.js";

const content = await siteContent(env);

type Tree = { [key: string]: unknown };

/** Every leaf as [path, value]. */
function leaves(tree: unknown, path = ""): Array<[string, unknown]> {
  if (tree === null || typeof tree !== "object") return [[path, tree]];
  if (Array.isArray(tree)) return tree.map((v, i) => [`${path}[${i}]`, v] as [string, unknown]);
  return Object.entries(tree as Tree).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
}

describe("catalogue", () => {
  const reference = new Map(leaves(CATALOGUES.en));

  it("has en, zh-CN and zh-TW", () => {
    expect(LANGUAGES).toEqual(expect.arrayContaining(["en", "zh-CN", "zh-TW"]));
  });

  for (const lang of LANGUAGES) {
    it(`${lang} has exactly the keys of en, each a non-empty string with the same placeholders`, () => {
      const mine = new Map(leaves(CATALOGUES[lang]));
      expect([...mine.keys()].sort()).toEqual([...reference.keys()].sort());
      for (const [path, value] of mine) {
        expect(typeof value, path).toBe("string");
        expect((value as string).trim(), path).not.toBe("");
        expect(placeholders(value as string), path).toEqual(placeholders(reference.get(path) as string));
      }
    });
  }

  it("resolves SITE_LANGUAGE, unknown → en", () => {
    const cases: Array<[string | undefined, Language]> = [
      ["en", "en"], ["EN-us", "en"], ["zh-CN", "zh-CN"], ["zh-cn", "zh-CN"], ["zh", "zh-CN"], ["zh-Hans", "zh-CN"], ["zh_SG", "zh-CN"],
      ["zh-TW", "zh-TW"], ["zh-Hant", "zh-TW"], ["zh-HK", "zh-TW"], ["fr", "en"], ["", "en"], [undefined, "en"], ["klingon-x", "en"],
    ];
    for (const [tag, lang] of cases) expect(resolveLanguage(tag), String(tag)).toBe(lang);
    expect(messagesFor("de").lang).toBe("en");
  });

  it("formats dates for the locale and the time zone", () => {
    const instant = "2026-01-05T20:30:00Z"; // 04:30 on the 6th in Shanghai
    expect(dateFormatter(CATALOGUES.en, "Asia/Shanghai")(instant)).toBe("Jan 6, 2026");
    expect(dateFormatter(CATALOGUES.en, "America/New_York")(instant)).toBe("Jan 5, 2026");
    expect(dateFormatter(CATALOGUES["zh-CN"], "Asia/Shanghai")(instant)).toBe("2026年1月6日");
    expect(dateFormatter(CATALOGUES["zh-TW"], "Asia/Taipei")(instant)).toBe("2026年1月6日");
    // Without a zone: the author's own calendar day, whatever the offset.
    expect(dateFormatter(CATALOGUES.en)("2025-06-27T00:10:04+08:00")).toBe("Jun 27, 2025");
    expect(dateFormatter(CATALOGUES["zh-CN"])("2025-06-27T23:10:04-07:00")).toBe("2025年6月27日");
    // An unknown zone never throws.
    expect(dateFormatter(CATALOGUES.en, "Mars/Base")(instant)).toBe("Jan 5, 2026");
  });
});

/** Catalogue strings of other languages found in `html` (strings shared by all are ignored). */
function foreign(text: string, lang: Language): string[] {
  const own = new Set(leaves(CATALOGUES[lang]).map(([, v]) => v as string));
  const found = new Set<string>();
  for (const other of LANGUAGES) {
    if (other === lang) continue;
    for (const [, v] of leaves(CATALOGUES[other])) {
      const s = v as string;
      if (own.has(s) || s.length < 3) continue;
      // Compare the literal parts around placeholders.
      for (const raw of s.split(/\{\w+\}/)) {
        const part = raw.trim();
        // A phrase: two Latin words or two CJK characters (single words are often URLs).
        const phrase = /[a-z]{2,}\s+[a-z]{2,}/i.test(part) || /[\u4e00-\u9fff]{2}/.test(part);
        if (phrase && !ownPart(own, part) && text.includes(part)) found.add(part);
      }
    }
  }
  return [...found];
}
function ownPart(own: Set<string>, part: string): boolean {
  for (const s of own) if (s.includes(part.trim())) return true;
  return false;
}

/** HTML text without tags, term names and the site title (those stay as written). */
function visibleText(html: string): string {
  let text = html
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
  // Longest first, so a tag inside a topic's name ("AI" in "数据与AI") does not split it.
  const names = (["tags", "topics"] as const).flatMap((kind) => [...content.catalogue(kind, Date.now()).values()].map((t) => t.name));
  for (const name of names.sort((a, b) => b.length - a.length)) text = text.split(name).join(" ");
  return text.split(env.SITE_TITLE).join(" ");
}

function fetchAs(lang: string, path: string, init: RequestInit = {}) {
  return app.request(BASE + path, init, { ...env, SITE_LANGUAGE: lang });
}

const tag = () => [...content.catalogue("tags", Date.now()).values()][0]!;
const PUBLIC_PAGES = () => ["/subscribe", "/feeds", "/", `/tags/${encodeURIComponent(tag().slug)}/`, "/tags/no-such-tag/", "/dev/outbox", "/digests", "/admin"];

describe("every page speaks SITE_LANGUAGE only", () => {
  for (const lang of LANGUAGES) {
    it(`${lang}: public pages`, async () => {
      for (const path of PUBLIC_PAGES()) {
        const res = await fetchAs(lang, path);
        const html = await res.text();
        expect(html, path).toContain(`<html lang="${lang}"`);
        expect(foreign(visibleText(html), lang), path).toEqual([]);
      }
      const view = await fetchAs(lang, "/rss.xml", { headers: { Accept: "text/html", "Sec-Fetch-Mode": "navigate" } });
      const html = await view.text();
      expect(html).toContain(CATALOGUES[lang].feedView.how);
      expect(foreign(visibleText(html), lang)).toEqual([]);
    });
  }

  it("English pages carry no Chinese besides term names and the site title", async () => {
    // Pages without article text (landing pages quote titles and summaries as written).
    for (const path of ["/subscribe", "/feeds", "/tags/no-such-tag/", "/dev/outbox", "/digests", "/admin"]) {
      const text = visibleText(await (await fetchAs("en", path)).text()).replace(/e\.g\. [^"]*/g, "");
      expect(text.match(/[\u4e00-\u9fff]+/g) ?? [], path).toEqual([]);
    }
  });

  it("subscriber pages and mails (the configured zh-CN, and en)", async () => {
    const sub = await activeSubscriber();
    const t = CATALOGUES["zh-CN"];
    const [mail] = await mailTo(sub.email);
    expect(mail!.subject).toContain(t.mail.confirmSubject.replace(" {site}", ""));
    expect(foreign(visibleText(mail!.html), "zh-CN")).toEqual([]);
    expect(foreign(mail!.text, "zh-CN")).toEqual([]);
    for (const lang of LANGUAGES) {
      const prefs = await (await fetchAs(lang, sub.preferences)).text();
      expect(prefs).toContain(CATALOGUES[lang].preferences.title);
      expect(foreign(visibleText(prefs), lang)).toEqual([]);
      const unsub = sub.preferences.replace("/preferences/", "/unsubscribe/");
      // The preferences token is not an unsubscribe token: the error page speaks the language too.
      const bad = await (await fetchAs(lang, unsub)).text();
      expect(bad).toContain(CATALOGUES[lang].errors.badLink);
    }
    const email = uniqueEmail("lang");
    const done = await (await postForm("/subscribe", { email })).text();
    expect(done).toContain(t.subscribe.sentTitle);
    expect(done).toContain(t.subscribe.devOutboxLink);
    expect(foreign(visibleText(done), "zh-CN")).toEqual([]);
    expect((await mailTo(normalised(email))).length).toBe(1);
  });

  it("mails in each language", () => {
    for (const lang of LANGUAGES) {
      const site = pageSite({ ...env, SITE_LANGUAGE: lang });
      const links = { confirmUrl: "https://x.test/confirm/t", preferencesUrl: "https://x.test/preferences/t", unsubscribeUrl: "https://x.test/unsubscribe/t" };
      for (const mail of [confirmationMail(site, "a@b.test", links), alreadySubscribedMail(site, "a@b.test", links)]) {
        expect(mail.html).toContain(`<html lang="${lang}"`);
        expect(foreign(visibleText(mail.html), lang)).toEqual([]);
        expect(foreign(mail.text, lang)).toEqual([]);
        expect(foreign(mail.subject, lang)).toEqual([]);
      }
      const item = { id: "a", title: "Title", url: "https://x.test/a", date: "2026-01-05T20:30:00Z", summary: "S", topics: [], tags: [], firstSeen: 1 };
      const digest = renderDigest({ siteTitle: "Site", siteUrl: "https://x.test", lang, timezone: "Asia/Shanghai", cadence: "daily", items: [item], preferencesUrl: links.preferencesUrl, unsubscribeUrl: links.unsubscribeUrl });
      expect(foreign(visibleText(digest.html), lang)).toEqual([]);
      expect(foreign(digest.text, lang)).toEqual([]);
      expect(digest.html).toContain(dateFormatter(CATALOGUES[lang], "Asia/Shanghai")(item.date));
    }
    const en = renderDigest({ siteTitle: "Site", siteUrl: "https://x.test", lang: "fr", cadence: "weekly", items: [], preferencesUrl: "p", unsubscribeUrl: "u" });
    expect(en.html).toContain('<html lang="en"');
  });
});
