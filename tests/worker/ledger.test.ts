/**
 * The articles_seen ledger at a large site's size: an hourly cron must not compare every
 * article again while the content is the same (at 100,000 articles that was 2,000 INSERT
 * statements and the whole 5.7 MB id list every hour), yet must miss nothing a full
 * comparison would have found.
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import type { Content } from "../../src/content/index.js";
import { syncLedger, windowItems } from "../../src/digest/ledger.js";
import { previewForEmail } from "../../src/digest/preview.js";
import { addSubscriber, article, HOUR, resetDigestTables, site, T0 } from "./digest-support.js";

const DAY = 24 * HOUR;

/** D1 that records the SQL of every statement it runs, batched or not. */
function recordingDb(db: D1Database): D1Database & { sql: string[] } {
  const sql: string[] = [];
  const texts = new WeakMap<object, string>();
  const wrap = (statement: D1PreparedStatement, text: string): D1PreparedStatement => {
    texts.set(statement, text);
    const bind = statement.bind.bind(statement);
    const first = statement.first.bind(statement) as D1PreparedStatement["first"];
    return Object.assign(statement, {
      bind: (...values: unknown[]) => wrap(bind(...values), text),
      first: ((...args: []) => (sql.push(text), first(...args))) as D1PreparedStatement["first"],
    });
  };
  return Object.assign(Object.create(db) as D1Database, {
    sql,
    prepare: (text: string) => wrap(db.prepare(text), text),
    batch: (statements: D1PreparedStatement[]) => {
      for (const s of statements) sql.push(texts.get(s) ?? "?");
      return db.batch(statements);
    },
  });
}

/** Content whose id list is counted (at 100,000 articles it is a 5.7 MB read). */
function counted(content: Content): Content & { idReads: number } {
  const out = Object.create(content) as Content & { idReads: number };
  out.idReads = 0;
  out.ids = () => {
    out.idReads++;
    return content.ids();
  };
  return out;
}

/** Statements inserting articles (the baseline marker aside). */
const inserts = (db: { sql: string[] }) => db.sql.filter((s) => /INSERT OR IGNORE INTO articles_seen[^]*json_each/.test(s)).length;

async function seen(): Promise<Map<string, number>> {
  const { results } = await env.DB.prepare("SELECT article_id, first_seen_at FROM articles_seen WHERE article_id NOT LIKE '#%'").all<{ article_id: string; first_seen_at: number }>();
  return new Map(results.map((r) => [r.article_id.replace("https://news.example.com/posts/", "").replace(/\/$/, ""), r.first_seen_at]));
}

const archive = Array.from({ length: 1000 }, (_, i) => article(`old-${i}`, T0 - (i + 1) * HOUR));

beforeEach(resetDigestTables);

describe("ledger sync", () => {
  it("compares a site in full once per content version, then only what became visible", async () => {
    const content = counted(site(...archive));
    const first = recordingDb(env.DB);
    expect(await syncLedger(first, content, T0)).toEqual({ added: 1000, baseline: true });
    // ~55 bytes an article: one statement of ids for all 1,000.
    expect(inserts(first)).toBe(1);

    for (const at of [T0 + HOUR, T0 + 2 * HOUR, T0 + DAY]) {
      const db = recordingDb(env.DB);
      const reads = content.idReads;
      expect(await syncLedger(db, content, at)).toEqual({ added: 0, baseline: false });
      expect(inserts(db)).toBe(0);
      expect(db.sql.length).toBeLessThanOrEqual(1);
      expect(content.idReads).toBe(reads);
    }
    expect((await seen()).size).toBe(1000);
  });

  it("sends a full comparison in statements of at most 90 KB of ids, however long the ids", async () => {
    const long = Array.from({ length: 3000 }, (_, i) => article(`${"很长的标题".repeat(6)}-${i}`.replace(/[^\x00-\x7f]/g, (c) => encodeURIComponent(c)), T0 - (i + 1) * HOUR));
    const db = recordingDb(env.DB);
    const bound: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = (text: string) => {
      const statement = prepare(text);
      const bind = statement.bind.bind(statement);
      return Object.assign(statement, { bind: (...values: unknown[]) => (bound.push(...values.filter((v): v is string => typeof v === "string" && v.startsWith("["))), bind(...values)) });
    };
    expect(await syncLedger(db, site(...long), T0)).toEqual({ added: 3000, baseline: true });
    expect(inserts(db)).toBeGreaterThan(3);
    expect(bound.length).toBe(inserts(db));
    expect(Math.max(...bound.map((json) => new TextEncoder().encode(json).byteLength))).toBeLessThanOrEqual(90_000);
    expect((await seen()).size).toBe(3000);
  });

  it("adds a future-dated article at the first sync after its date, with that sync's time", async () => {
    const future = article("future", T0 + 30 * HOUR);
    const content = counted(site(...archive, future));
    await syncLedger(env.DB, content, T0);
    const reads = content.idReads;
    await syncLedger(env.DB, content, T0 + DAY);
    expect((await seen()).has("future")).toBe(false);
    const db = recordingDb(env.DB);
    expect(await syncLedger(db, content, T0 + 2 * DAY)).toEqual({ added: 1, baseline: false });
    expect(inserts(db)).toBe(1);
    // One article's id comes from its metadata, not from the list of every id.
    expect(content.idReads).toBe(reads);
    expect((await seen()).get("future")).toBe(T0 + 2 * DAY);
  });

  it("compares a new content version in full: an article deployed with an old date is added", async () => {
    await syncLedger(env.DB, site(...archive), T0);
    const late = article("late", T0 - 500 * DAY);
    const deployed = site(...archive, late);
    expect(await syncLedger(env.DB, deployed, T0 + HOUR)).toEqual({ added: 1, baseline: false });
    expect((await seen()).get("late")).toBe(T0 + HOUR);
    expect(await syncLedger(env.DB, deployed, T0 + 2 * HOUR)).toEqual({ added: 0, baseline: false });
  });

  it("adds many articles coming into view at once (a batch scheduled for one hour)", async () => {
    const batch = Array.from({ length: 300 }, (_, i) => article(`batch-${i}`, T0 + 5 * HOUR + i));
    const content = site(...archive, ...batch);
    await syncLedger(env.DB, content, T0);
    expect(await syncLedger(env.DB, content, T0 + 6 * HOUR)).toEqual({ added: 300, baseline: false });
    const rows = await seen();
    expect(batch.every((a) => rows.get(a.slug) === T0 + 6 * HOUR)).toBe(true);
  });

  it("starts from the archive again when the ledger was emptied, whatever it recorded", async () => {
    const content = site(...archive);
    await syncLedger(env.DB, content, T0);
    await env.DB.prepare("DELETE FROM articles_seen").run();
    expect(await syncLedger(env.DB, content, T0 + HOUR)).toEqual({ added: 1000, baseline: true });
    expect([...(await seen()).values()].every((t) => t === 0)).toBe(true);
  });

  it("adds nothing, and fails nothing, when a sync's clock is behind the last one's", async () => {
    const future = article("future", T0 + 2 * HOUR);
    const content = site(...archive, future);
    await syncLedger(env.DB, content, T0);
    await syncLedger(env.DB, content, T0 + 3 * HOUR);
    expect((await seen()).get("future")).toBe(T0 + 3 * HOUR);
    expect(await syncLedger(env.DB, content, T0 + HOUR)).toEqual({ added: 0, baseline: false });
    expect(await syncLedger(env.DB, content, T0 + 4 * HOUR)).toEqual({ added: 0, baseline: false });
    expect((await seen()).get("future")).toBe(T0 + 3 * HOUR);
  });
});

describe("a run's items", () => {
  it("are found through the index's dates and their packs, not the list of every id", async () => {
    const fresh = [article("new-1", T0 + HOUR), article("new-2", T0 + HOUR), article("new-3", T0 + 2 * HOUR)];
    const content = counted(site(...archive, ...fresh));
    await syncLedger(env.DB, content, T0);
    await syncLedger(env.DB, content, T0 + 3 * HOUR);
    const reads = content.idReads;
    const items = await windowItems(env.DB, content, T0 + 4 * HOUR);
    expect(items.map((i) => i.id)).toEqual(["new-3", "new-1", "new-2"].map((slug) => `https://news.example.com/posts/${slug}/`));
    expect(content.idReads).toBe(reads);
  });

  it("still include an article whose date was changed after it was first seen", async () => {
    await syncLedger(env.DB, site(...archive), T0);
    await syncLedger(env.DB, site(...archive, article("moved", T0 + HOUR)), T0 + 2 * HOUR);
    // The author moves its date back a week; the ledger keeps the date it first saw.
    const content = counted(site(...archive, article("moved", T0 - 7 * DAY)));
    const items = await windowItems(env.DB, content, T0 + 3 * HOUR);
    expect(items.map((i) => i.id)).toEqual(["https://news.example.com/posts/moved/"]);
    expect(items[0]!.date).toBe(new Date(T0 - 7 * DAY).toISOString().replace(".000Z", "Z"));
  });
});

describe("the admin preview", () => {
  it("counts what a run now would hold: new in a version not compared yet, or published since the last sync", async () => {
    await addSubscriber({ id: "p1" });
    await syncLedger(env.DB, site(...archive), T0);
    const preview = async (content: Content, at: number) => (await previewForEmail(env, content, "p1@example.com", at))!.items;
    // Deployed, not synced yet: the new version is compared in full.
    const deployed = counted(site(...archive, article("deployed", T0 - 3 * DAY), article("soon", T0 + 5 * HOUR)));
    expect(await preview(deployed, T0 + HOUR)).toBe(1);
    await syncLedger(env.DB, deployed, T0 + HOUR);
    // Synced: it is in the window now, counted once; "soon" is not visible yet.
    expect(await preview(deployed, T0 + 2 * HOUR)).toBe(1);
    // "soon" came into view after the last sync: found without the list of every id.
    const reads = deployed.idReads;
    expect(await preview(deployed, T0 + 6 * HOUR)).toBe(2);
    expect(deployed.idReads).toBe(reads);
  });
});

