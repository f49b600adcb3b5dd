/**
 * Subscriber rows in D1: the one module that holds the `subscribers` table's SQL (sign-up,
 * preferences, status, import, the admin views, the digest planner's due pages and
 * watermarks, housekeeping); everything else calls it. Addresses are compared by mailbox
 * (mailboxKey(): any letter case), matching the unique index on lower(email).
 */
import type { Cadence, Target } from "../digest/due.js";
import { outboxDeleteStatement } from "../email/outbox.js";
import { CONFIRM_TOKEN_TTL_MS } from "../lib/tokens.js";
import { mailboxKey } from "./address.js";
import type { Preferences } from "./preferences.js";

export const STATUSES = ["pending", "active", "unsubscribed", "bounced", "complained"] as const;
export type Status = (typeof STATUSES)[number];

export interface Subscriber extends Preferences {
  id: string;
  email: string;
  status: Status;
  createdAt: number;
  updatedAt: number;
  confirmedAt: number | null;
  unsubscribedAt: number | null;
  suppressedAt: number | null;
  /** Digest watermark: articles first seen up to here were considered (null: none yet). */
  digestThrough: number | null;
  /** Signed into the personal feed's URL; a new one retires the old URL (migrations/0006). */
  feedTokenVersion: number;
}

/** A `subscribers` row as D1 returns it (`SELECT *`): the one row type of the table. */
export interface SubscriberRow {
  id: string;
  email: string;
  status: Status;
  topics: string;
  tags: string;
  cadence: "daily" | "weekly";
  /** 1 = cadence `instant` (migrations/0005: the cadence column then means nothing). */
  instant: number;
  timezone: string;
  send_hour: number;
  send_weekday: number;
  quiet_start: number | null;
  quiet_end: number | null;
  paused_until: string | null;
  created_at: number;
  updated_at: number;
  confirmed_at: number | null;
  unsubscribed_at: number | null;
  suppressed_at: number | null;
  digest_through: number | null;
  feed_token_version: number;
}

/** The strings of a stored JSON array (anything else: none). */
export function jsonStrings(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

export function fromRow(row: SubscriberRow): Subscriber {
  return {
    id: row.id,
    email: row.email,
    status: row.status,
    topics: jsonStrings(row.topics),
    tags: jsonStrings(row.tags),
    cadence: row.instant ? "instant" : row.cadence,
    timezone: row.timezone,
    hour: row.send_hour,
    weekday: row.send_weekday,
    quiet: row.quiet_start !== null && row.quiet_end !== null ? { start: row.quiet_start, end: row.quiet_end } : null,
    pausedUntil: row.paused_until,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    confirmedAt: row.confirmed_at,
    unsubscribedAt: row.unsubscribed_at,
    suppressedAt: row.suppressed_at,
    digestThrough: row.digest_through,
    feedTokenVersion: row.feed_token_version,
  };
}

async function one(stmt: D1PreparedStatement): Promise<Subscriber | null> {
  const row = await stmt.first<SubscriberRow>();
  return row ? fromRow(row) : null;
}

const PREFS_SET =
  "topics = ?2, tags = ?3, cadence = ?4, timezone = ?5, send_hour = ?6, send_weekday = ?7, instant = ?8, quiet_start = ?9, quiet_end = ?10, paused_until = ?11";
/** ?2–?11 of every statement that writes preferences. */
function prefsArgs(p: Preferences) {
  const cadence = p.cadence === "instant" ? "daily" : p.cadence;
  return [JSON.stringify(p.topics), JSON.stringify(p.tags), cadence, p.timezone, p.hour, p.weekday, p.cadence === "instant" ? 1 : 0, p.quiet?.start ?? null, p.quiet?.end ?? null, p.pausedUntil] as const;
}

export function findById(db: D1Database, id: string): Promise<Subscriber | null> {
  return one(db.prepare("SELECT * FROM subscribers WHERE id = ?1").bind(id));
}

/** The subscriber of a mailbox, whatever the letter case of either spelling. */
export function findByEmail(db: D1Database, email: string): Promise<Subscriber | null> {
  return one(db.prepare("SELECT * FROM subscribers WHERE lower(email) = ?1").bind(mailboxKey(email)));
}

/** A new pending sign-up, or the existing row when the mailbox is already known (in any letter case). */
export async function insertPending(db: D1Database, email: string, prefs: Preferences, now: number): Promise<{ subscriber: Subscriber; created: boolean }> {
  const created = await one(
    db
      .prepare(
        `INSERT INTO subscribers (id, email, status, topics, tags, cadence, timezone, send_hour, send_weekday, instant, quiet_start, quiet_end, paused_until, created_at, updated_at)
         VALUES (?1, ?12, 'pending', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?13, ?13) ON CONFLICT DO NOTHING RETURNING *`,
      )
      .bind(crypto.randomUUID(), ...prefsArgs(prefs), email, now),
  );
  if (created) return { subscriber: created, created: true };
  return { subscriber: (await findByEmail(db, email))!, created: false };
}

/** A pending or unsubscribed address signs up again: new preferences, pending again. */
export function restartPending(db: D1Database, id: string, prefs: Preferences, now: number): Promise<Subscriber | null> {
  return one(
    db
      .prepare(`UPDATE subscribers SET status = 'pending', ${PREFS_SET}, updated_at = ?12 WHERE id = ?1 AND status IN ('pending', 'unsubscribed') RETURNING *`)
      .bind(id, ...prefsArgs(prefs), now),
  );
}

export function savePreferences(db: D1Database, id: string, prefs: Preferences, now: number): Promise<Subscriber | null> {
  return one(db.prepare(`UPDATE subscribers SET ${PREFS_SET}, updated_at = ?12 WHERE id = ?1 RETURNING *`).bind(id, ...prefsArgs(prefs), now));
}

/** A new personal feed address: the version signed into it moves on, so the old URL stops working. */
export function renewFeedToken(db: D1Database, id: string, now: number): Promise<Subscriber | null> {
  return one(db.prepare("UPDATE subscribers SET feed_token_version = feed_token_version + 1, updated_at = ?2 WHERE id = ?1 RETURNING *").bind(id, now));
}

/**
 * pending → active (double opt-in), or unsubscribed → active (resubscribe from a signed
 * preferences link). `confirmed_at` is set anew: digests start from there, never the archive.
 */
export function activate(db: D1Database, id: string, from: "pending" | "unsubscribed", now: number): Promise<Subscriber | null> {
  return one(
    db
      .prepare("UPDATE subscribers SET status = 'active', confirmed_at = ?2, updated_at = ?2 WHERE id = ?1 AND status = ?3 RETURNING *")
      .bind(id, now, from),
  );
}

/** pending/active → unsubscribed; other states are left as they are. */
export function unsubscribe(db: D1Database, id: string, now: number): Promise<Subscriber | null> {
  return one(
    db
      .prepare("UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = ?2, updated_at = ?2 WHERE id = ?1 AND status IN ('pending', 'active') RETURNING *")
      .bind(id, now),
  );
}

/**
 * Stops all mail to a mailbox (any letter case) after a hard bounce or complaint. A
 * complaint outranks a bounce; nothing downgrades it.
 */
export async function suppress(db: D1Database, email: string, status: "bounced" | "complained", reason: string, now: number): Promise<number> {
  const guard = status === "complained" ? "status <> 'complained'" : "status NOT IN ('bounced', 'complained')";
  const result = await db
    .prepare(`UPDATE subscribers SET status = ?2, suppressed_at = ?3, suppression_reason = ?4, updated_at = ?3 WHERE lower(email) = ?1 AND ${guard}`)
    .bind(mailboxKey(email), status, now, reason)
    .run();
  return result.meta.changes ?? 0;
}

/** Deletes a subscriber and every row of any table with a `subscriber_id` column. */
export async function deleteSubscriber(db: D1Database, id: string): Promise<Subscriber | null> {
  const subscriber = await findById(db, id);
  if (!subscriber) return null;
  const { results } = await db
    .prepare(
      `SELECT DISTINCT m.name AS name FROM sqlite_master m, pragma_table_info(m.name) p
       WHERE m.type = 'table' AND m.name <> 'subscribers' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_cf_%' AND p.name = 'subscriber_id'`,
    )
    .all<{ name: string }>();
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  await db.batch([
    ...results.map((t) => db.prepare(`DELETE FROM ${quote(t.name)} WHERE subscriber_id = ?1`).bind(id)),
    outboxDeleteStatement(db, mailboxKey(subscriber.email)),
    db.prepare("DELETE FROM subscribers WHERE id = ?1").bind(id),
  ]);
  return subscriber;
}

/** Rows per statement when importing: one JSON parameter holds them (D1 allows 100 parameters, not 100 rows). */
const IMPORT_CHUNK = 500;
/** Statements per D1 batch (each batch is one transaction and one round trip). */
const IMPORT_BATCH = 10;

async function inBatches<T>(db: D1Database, statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
  const out: D1Result<T>[] = [];
  for (let i = 0; i < statements.length; i += IMPORT_BATCH) out.push(...(await db.batch<T>(statements.slice(i, i + IMPORT_BATCH))));
  return out;
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IMPORT_CHUNK) out.push(items.slice(i, i + IMPORT_CHUNK));
  return out;
}

/** The subscribers whose mailbox (the address lower-cased) is one of `mailboxes`. */
export async function findByMailboxes(db: D1Database, mailboxes: readonly string[]): Promise<Subscriber[]> {
  const statements = chunks(mailboxes).map((chunk) =>
    db.prepare("SELECT * FROM subscribers WHERE lower(email) IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(chunk)),
  );
  return (await inBatches<SubscriberRow>(db, statements)).flatMap((r) => r.results.map(fromRow));
}

export interface ImportedRow {
  email: string;
  prefs: Preferences;
}

function importJson(rows: readonly (ImportedRow & { id: string })[]): string {
  return JSON.stringify(
    rows.map((r) => ({
      id: r.id,
      email: r.email,
      topics: JSON.stringify(r.prefs.topics),
      tags: JSON.stringify(r.prefs.tags),
      cadence: r.prefs.cadence === "instant" ? "daily" : r.prefs.cadence,
      timezone: r.prefs.timezone,
      hour: r.prefs.hour,
      weekday: r.prefs.weekday,
      instant: r.prefs.cadence === "instant" ? 1 : 0,
      quietStart: r.prefs.quiet?.start ?? null,
      quietEnd: r.prefs.quiet?.end ?? null,
      pausedUntil: r.prefs.pausedUntil,
    })),
  );
}

const IMPORT_FIELDS = `json_extract(j.value, '$.topics'), json_extract(j.value, '$.tags'), json_extract(j.value, '$.cadence'),
  json_extract(j.value, '$.timezone'), json_extract(j.value, '$.hour'), json_extract(j.value, '$.weekday'),
  json_extract(j.value, '$.instant'), json_extract(j.value, '$.quietStart'), json_extract(j.value, '$.quietEnd'), json_extract(j.value, '$.pausedUntil')`;
const IMPORT_COLUMNS = "topics, tags, cadence, timezone, send_hour, send_weekday, instant, quiet_start, quiet_end, paused_until";

/**
 * New subscribers, `active` (consent attested: confirmed now) or `pending`, in D1 batches.
 * An address that exists by then (another request raced us) is left alone; the rows
 * actually created are returned.
 */
export async function insertImported(db: D1Database, rows: readonly ImportedRow[], status: "active" | "pending", now: number): Promise<Subscriber[]> {
  const statements = chunks(rows.map((r) => ({ ...r, id: crypto.randomUUID() }))).map((chunk) =>
    db
      .prepare(
        `INSERT INTO subscribers (id, email, status, ${IMPORT_COLUMNS}, created_at, updated_at, confirmed_at)
         SELECT json_extract(j.value, '$.id'), json_extract(j.value, '$.email'), ?2, ${IMPORT_FIELDS}, ?3, ?3, ?4
         FROM json_each(?1) AS j WHERE true ON CONFLICT DO NOTHING RETURNING *`,
      )
      .bind(importJson(chunk), status, now, status === "active" ? now : null),
  );
  return (await inBatches<SubscriberRow>(db, statements)).flatMap((r) => r.results.map(fromRow));
}

/**
 * New preferences for existing pending or active subscribers (by id); with `activate`,
 * pending ones become active (consent attested). Unsubscribed and suppressed rows are
 * never touched. Returns how many rows changed.
 */
export async function updateImported(db: D1Database, rows: readonly (ImportedRow & { id: string })[], activate: boolean, now: number): Promise<number> {
  const statements = chunks(rows).map((chunk) =>
    db
      .prepare(
        `UPDATE subscribers SET (${IMPORT_COLUMNS}) = (${IMPORT_FIELDS}),
           status = CASE WHEN ?3 AND status = 'pending' THEN 'active' ELSE status END,
           confirmed_at = CASE WHEN ?3 AND status = 'pending' THEN ?2 ELSE confirmed_at END,
           updated_at = ?2
         FROM json_each(?1) AS j
         WHERE subscribers.id = json_extract(j.value, '$.id') AND subscribers.status IN ('pending', 'active')`,
      )
      .bind(importJson(chunk), now, activate ? 1 : 0),
  );
  return (await inBatches(db, statements)).reduce((n, r) => n + (r.meta.changes ?? 0), 0);
}

/** Active subscribers per chosen topic and tag, and those who chose nothing (= everything). */
export async function countActiveByTerm(db: D1Database): Promise<{ topics: Record<string, number>; tags: Record<string, number>; everything: number }> {
  const [topics, tags, everything] = await db.batch<{ slug: string; n: number }>([
    db.prepare("SELECT j.value AS slug, COUNT(*) AS n FROM subscribers, json_each(subscribers.topics) AS j WHERE status = 'active' GROUP BY j.value"),
    db.prepare("SELECT j.value AS slug, COUNT(*) AS n FROM subscribers, json_each(subscribers.tags) AS j WHERE status = 'active' GROUP BY j.value"),
    db.prepare("SELECT '' AS slug, COUNT(*) AS n FROM subscribers WHERE status = 'active' AND topics = '[]' AND tags = '[]'"),
  ]);
  const record = (rows: { slug: string; n: number }[]) => Object.fromEntries(rows.map((r) => [r.slug, r.n]));
  return { topics: record(topics!.results), tags: record(tags!.results), everything: everything!.results[0]?.n ?? 0 };
}

export interface SubscriberSearch {
  /** Part of the address, any case. */
  q?: string;
  status?: Status;
  /** A topic slug the subscriber chose. */
  topic?: string;
  offset: number;
  limit: number;
}

/** The console's list: newest first, filtered, one page, and how many match in all. */
export async function searchSubscribers(db: D1Database, search: SubscriberSearch): Promise<{ items: Subscriber[]; total: number }> {
  const where: string[] = [];
  const args: unknown[] = [];
  if (search.q) where.push(`lower(email) LIKE ?${args.push(`%${search.q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`)} ESCAPE '\\'`);
  if (search.status) where.push(`status = ?${args.push(search.status)}`);
  if (search.topic) where.push(`EXISTS (SELECT 1 FROM json_each(subscribers.topics) WHERE value = ?${args.push(search.topic)})`);
  const filter = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const [page, count] = await db.batch<SubscriberRow & { n: number }>([
    db.prepare(`SELECT * FROM subscribers ${filter} ORDER BY created_at DESC, id LIMIT ?${args.length + 1} OFFSET ?${args.length + 2}`).bind(...args, search.limit, search.offset),
    db.prepare(`SELECT COUNT(*) AS n FROM subscribers ${filter}`).bind(...args),
  ]);
  return { items: page!.results.map(fromRow), total: count!.results[0]?.n ?? 0 };
}

/** Sign-ups and unsubscribes per UTC day since `since` (epoch ms). */
export async function dailySignups(db: D1Database, since: number): Promise<{ day: string; signups: number; unsubscribes: number }[]> {
  const { results } = await db
    .prepare(
      `SELECT day, SUM(signups) AS signups, SUM(unsubscribes) AS unsubscribes FROM (
         SELECT date(created_at / 1000, 'unixepoch') AS day, 1 AS signups, 0 AS unsubscribes FROM subscribers WHERE created_at >= ?1
         UNION ALL
         SELECT date(unsubscribed_at / 1000, 'unixepoch'), 0, 1 FROM subscribers WHERE unsubscribed_at >= ?1
       ) GROUP BY day ORDER BY day`,
    )
    .bind(since)
    .all<{ day: string; signups: number; unsubscribes: number }>();
  return results;
}

export type SubscriberCursor = { createdAt: number; id: string };

/** Subscribers per status, and the total. */
export async function countByStatus(db: D1Database): Promise<Record<Status | "total", number>> {
  const { results } = await db.prepare("SELECT status, COUNT(*) AS n FROM subscribers GROUP BY status").all<{ status: Status; n: number }>();
  const counts = Object.fromEntries([...STATUSES, "total"].map((s) => [s, 0])) as Record<Status | "total", number>;
  for (const r of results) {
    counts[r.status] = r.n;
    counts.total += r.n;
  }
  return counts;
}

/** Oldest first, keyset-paged on (created_at, id); `email` matches the mailbox in any letter case. */
export async function listSubscribers(db: D1Database, filter: { status?: Status; email?: string }, after: SubscriberCursor | null, limit: number): Promise<Subscriber[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.status) where.push(`status = ?${args.push(filter.status)}`);
  if (filter.email) where.push(`lower(email) = ?${args.push(mailboxKey(filter.email))}`);
  if (after) where.push(`(created_at, id) > (?${args.push(after.createdAt)}, ?${args.push(after.id)})`);
  const sql = `SELECT * FROM subscribers ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY created_at, id LIMIT ?${args.push(limit)}`;
  const { results } = await db.prepare(sql).bind(...args).all<SubscriberRow>();
  return results.map(fromRow);
}

/** Sign-ups left unconfirmed for 30 days (their confirm links have expired by then) are deleted. */
export async function deleteExpiredPending(db: D1Database, now: number): Promise<number> {
  const result = await db.prepare("DELETE FROM subscribers WHERE status = 'pending' AND updated_at <= ?1").bind(now - CONFIRM_TOKEN_TTL_MS).run();
  return result.meta.changes ?? 0;
}

/** Where the digest planner is in a run's targets: target index, last subscriber id. */
export interface DueCursor {
  t: number;
  id: string;
}

/** Active, unsuppressed subscribers of a cadence (instant = 1 is its own flag: migrations/0005), as SQL. */
function cadenceSql(cadence: Cadence): { sql: string; params: unknown[] } {
  return cadence === "instant" ? { sql: "instant = 1", params: [] } : { sql: "instant = 0 AND cadence = ?", params: [cadence] };
}

function targetSql(target: Target): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of [["timezone", target.timezone], ["send_hour", target.hour], ["send_weekday", target.weekday]] as const) {
    if (value === undefined) continue;
    clauses.push(` AND ${column} = ?`);
    params.push(value);
  }
  return { sql: clauses.join(""), params };
}

/** Up to `size` subscribers due in a run after `cursor`, walking its targets in order (keyset on id). */
export async function dueSubscribers(db: D1Database, cadence: Cadence, targets: readonly Target[], cursor: DueCursor, size: number): Promise<{ subscribers: Subscriber[]; cursor: DueCursor }> {
  const rows: SubscriberRow[] = [];
  let at = cursor;
  const which = cadenceSql(cadence);
  while (rows.length < size && at.t < targets.length) {
    const target = targetSql(targets[at.t]!);
    const limit = size - rows.length;
    const { results } = await db
      .prepare(`SELECT * FROM subscribers WHERE status = 'active' AND suppressed_at IS NULL AND ${which.sql}${target.sql} AND id > ? ORDER BY id LIMIT ?`)
      .bind(...which.params, ...target.params, at.id, limit)
      .all<SubscriberRow>();
    rows.push(...results);
    at = results.length < limit ? { t: at.t + 1, id: "" } : { t: at.t, id: results[results.length - 1]!.id };
  }
  return { subscribers: rows.map(fromRow), cursor: at };
}

/** The time zones that active subscribers of a cadence live in (who can be due this hour). */
export async function activeTimezones(db: D1Database, cadence: Cadence): Promise<string[]> {
  const which = cadenceSql(cadence);
  const { results } = await db
    .prepare(`SELECT DISTINCT timezone FROM subscribers WHERE status = 'active' AND ${which.sql}`)
    .bind(...which.params)
    .all<{ timezone: string }>();
  return results.map((r) => r.timezone);
}

/**
 * Moves the digest watermark of each `{ id, w }` in `entriesJson` to `windowEnd`, only
 * where it still reads `w` (compare-and-set). A statement, to share a transaction with the
 * deliveries it stands for.
 */
export function advanceWatermarksStatement(db: D1Database, windowEnd: number, entriesJson: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE subscribers SET digest_through = ?1
       FROM (SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.w') AS w FROM json_each(?2)) AS j
       WHERE subscribers.id = j.id AND subscribers.digest_through IS j.w`,
    )
    .bind(windowEnd, entriesJson);
}
