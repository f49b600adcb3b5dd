/**
 * Why a form was refused, in SITE_LANGUAGE: the parsers return catalogue keys
 * (src/i18n `reasons`), the subscriber pages show them in the site's language, and JSON
 * answers keep the English text with the key as a stable `code`.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app.js";
import { CATALOGUES, format, LANGUAGES, type Language } from "../../src/i18n/index.js";
import { activeSubscriber, BASE, formBody, freshIp } from "./subscribers-helpers.js";

const SAME = { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, "Sec-Fetch-Site": "same-origin" };

function postAs(lang: Language, path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}) {
  return app.request(BASE + path, { method: "POST", body: formBody(fields), redirect: "manual", headers: { ...SAME, "CF-Connecting-IP": freshIp(), ...headers } }, { ...env, SITE_LANGUAGE: lang });
}

/** The text of the page's alert (the refused reason), entities decoded. */
function alertText(html: string): string {
  const m = /<p class="notice error" role="alert">([\s\S]*?)<\/p>/.exec(html);
  if (!m) throw new Error(`no alert in: ${html.slice(0, 400)}`);
  return m[1]!.replace(/<[^>]+>/g, "").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").trim();
}

const tooManyTags = Array.from({ length: 201 }, (_, i) => `t${i}`);
const UNKNOWN = "没有-such-tag";

/** Bad values and the reason each must show, from a catalogue. */
const CASES: Array<{ name: string; fields: Record<string, string | string[]>; expected: (t: (typeof CATALOGUES)["en"]) => string }> = [
  { name: "bad timezone", fields: { timezone: "Mars/Base" }, expected: (t) => t.reasons.timezone },
  { name: "bad pausedUntil", fields: { pausedUntil: "2026-02-30" }, expected: (t) => t.reasons.pausedUntil },
  { name: "too many tags", fields: { tags: tooManyTags }, expected: (t) => format(t.reasons.tooManyTags, { max: 200 }) },
  { name: "unknown tag (its name as written)", fields: { tags: UNKNOWN }, expected: (t) => format(t.reasons.unknownTag, { name: UNKNOWN }) },
];

describe("/subscribe shows why in SITE_LANGUAGE", () => {
  for (const lang of LANGUAGES) {
    const t = CATALOGUES[lang];
    it(`${lang}: a bad address`, async () => {
      const res = await postAs(lang, "/subscribe", { email: "nobody-at-example.com" });
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain(`<html lang="${lang}"`);
      expect(alertText(html)).toBe(t.reasons.emailShape);
      // What was typed stays in the form.
      expect(html).toContain('value="nobody-at-example.com"');
    });

    for (const c of CASES) {
      it(`${lang}: ${c.name}`, async () => {
        const res = await postAs(lang, "/subscribe", { email: "reader@example.com", ...c.fields });
        expect(res.status).toBe(400);
        expect(alertText(await res.text())).toBe(c.expected(t));
      });
    }
  }

  it("zh-TW: too many sign-ups from one network (429) and a cross-site post (403)", async () => {
    const t = CATALOGUES["zh-TW"];
    const ip = freshIp();
    let last: Response | undefined;
    for (let i = 0; i < 11; i++) last = await postAs("zh-TW", "/subscribe", { email: "nobody" }, { "CF-Connecting-IP": ip });
    expect(last!.status).toBe(429);
    const limited = await last!.text();
    expect(limited).toContain(t.errors.tooManySignups);
    expect(limited).toContain(t.errors.tooMany);
    const cross = await postAs("zh-TW", "/subscribe", { email: "reader@example.com" }, { Origin: "https://evil.test", "Sec-Fetch-Site": "cross-site" });
    expect(cross.status).toBe(403);
    expect(await cross.text()).toContain(t.reasons.crossSite);
  });

  it("JSON answers keep the English reason and add its key as `code`, whatever the language", async () => {
    const res = await app.request(
      BASE + "/subscribe",
      { method: "POST", body: JSON.stringify({ email: "reader@example.com", tags: [UNKNOWN] }), headers: { "Content-Type": "application/json", Accept: "application/json", "CF-Connecting-IP": freshIp() } },
      { ...env, SITE_LANGUAGE: "zh-CN" },
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: format(CATALOGUES.en.reasons.unknownTag, { name: UNKNOWN }), code: "reasons.unknownTag", status: 400 });
  });
});

describe("the preferences page shows why in SITE_LANGUAGE", () => {
  for (const lang of LANGUAGES) {
    const t = CATALOGUES[lang];
    it(lang, async () => {
      const sub = await activeSubscriber();
      for (const c of CASES) {
        const res = await postAs(lang, sub.preferences, { cadence: "daily", ...c.fields });
        expect(res.status, c.name).toBe(400);
        const html = await res.text();
        expect(html).toContain(t.preferences.title);
        expect(alertText(html), c.name).toBe(c.expected(t));
      }
    });
  }
});

describe("a landing page for a term that cannot be read", () => {
  for (const lang of LANGUAGES) {
    it(lang, async () => {
      const t = CATALOGUES[lang];
      const res = await app.request(BASE + "/tags/%E4%ZZ/", {}, { ...env, SITE_LANGUAGE: lang });
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain(t.landing.notFound);
      expect(html).toContain(format(t.landing.malformed, { kind: t.terms.tag, name: "%E4%ZZ" }).replace(/"/g, "&quot;"));
    });
  }
});
