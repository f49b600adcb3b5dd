/** The choices of issue 11 on the subscriber endpoints: instant cadence, quiet hours, pause; the form's order and layout. */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { siteContent } from "../../src/content/index.js";
import { messagesFor } from "../../src/i18n/index.js";
import { compareNames } from "../../src/pages/directory.js";
import { BASE, activeSubscriber, get, postForm, postJson, row } from "./subscribers-helpers.js";

const t = messagesFor(env.SITE_LANGUAGE);
const content = await siteContent(env);

async function prefsJson(path: string) {
  return (await (await get(path, { Accept: "application/json" })).json()) as Record<string, unknown>;
}

describe("instant cadence, quiet hours and pause", () => {
  it("are taken as JSON and shown in the preferences JSON", async () => {
    const sub = await activeSubscriber({ cadence: "instant" });
    expect(await prefsJson(sub.preferences)).toMatchObject({ cadence: "instant", quiet: null, pausedUntil: null });
    const saved = await postJson(sub.preferences, { quiet: "22-7", pausedUntil: "2026-12-31" });
    expect(saved.status).toBe(200);
    expect(await prefsJson(sub.preferences)).toMatchObject({ cadence: "instant", quiet: { start: 22, end: 7 }, pausedUntil: "2026-12-31" });
    expect(await row(sub.email)).toMatchObject({ instant: 1, quiet_start: 22, quiet_end: 7, paused_until: "2026-12-31" });
    await postJson(sub.preferences, { quiet: { start: 1, end: 6 }, pausedUntil: null, cadence: "weekly" });
    expect(await prefsJson(sub.preferences)).toMatchObject({ cadence: "weekly", quiet: { start: 1, end: 6 }, pausedUntil: null });
    expect(await row(sub.email)).toMatchObject({ instant: 0, cadence: "weekly" });
  });

  it("refuses bad values with a reason (400), never a 500", async () => {
    const sub = await activeSubscriber();
    for (const body of [{ cadence: "hourly" }, { quiet: "25-3" }, { quiet: "22" }, { quiet: [1, 2, 3] }, { quiet: 7 }, { pausedUntil: "2026-02-30" }, { pausedUntil: "tomorrow" }, { pausedUntil: 20261231 }]) {
      const res = await postJson(sub.preferences, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/cadence|quiet|pausedUntil/);
    }
  });

  it("the form: three cadences, quiet hours as two selects, a pause date; empty selects mean none", async () => {
    const sub = await activeSubscriber();
    const html = await (await get(sub.preferences)).text();
    for (const cadence of ["instant", "daily", "weekly"]) expect(html).toContain(`name="cadence" value="${cadence}"`);
    expect(html.match(/<select id="quiet-(start|end)" name="quiet">/g)).toHaveLength(2);
    expect(html).toContain('type="date" name="pausedUntil"');
    expect(html).toContain(t.preferences.pause);
    const res = await postForm(sub.preferences, { cadence: "instant", quiet: ["23", "6"], pausedUntil: "2027-01-02", hour: "8", timezone: "UTC" });
    expect(res.status).toBe(303);
    expect(await prefsJson(sub.preferences)).toMatchObject({ cadence: "instant", quiet: { start: 23, end: 6 }, pausedUntil: "2027-01-02" });
    const paused = await (await get(sub.preferences)).text();
    expect(paused).toContain('value="2027-01-02"');
    await postForm(sub.preferences, { cadence: "daily", quiet: ["", ""], pausedUntil: "" });
    expect(await prefsJson(sub.preferences)).toMatchObject({ cadence: "daily", quiet: null, pausedUntil: null });
  });
});

describe("CSV import", () => {
  it("takes cadence instant (stored as the instant flag)", async () => {
    const email = `import.instant.${Date.now().toString(36)}@example.com`;
    const res = await exports.default.fetch(`${BASE}/admin/subscribers/import?consent=confirmed`, {
      method: "POST",
      body: `email,cadence\n${email},instant\n`,
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "text/csv; charset=utf-8" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ imported: 1, errors: [] });
    expect(await row(email)).toMatchObject({ instant: 1, cadence: "daily", status: "active" });
  });
});

describe("form polish", () => {
  it("lists topics and tags in the order /feeds sorts them", async () => {
    const html = await (await get("/subscribe")).text();
    for (const kind of ["topics", "tags"] as const) {
      const shown = [...html.matchAll(new RegExp(`name="${kind}" value="([^"]+)"`, "g"))].map((m) => content.term(kind, m[1]!)!.name);
      expect(shown.length).toBeGreaterThan(1);
      expect(shown).toEqual([...shown].sort(compareNames));
    }
  });

  it("shows the weekday only for weekly, quiet hours only for instant (CSS, no script needed)", async () => {
    const html = await (await get("/subscribe")).text();
    expect(html).toMatch(/<div class="field weekly-only"><label for="weekday">/);
    expect(html).toContain("form:has(input[name=cadence][value=weekly]:not(:checked)) .weekly-only{display:none}");
    expect(html).toContain('<fieldset class="instant-only">');
  });
});
