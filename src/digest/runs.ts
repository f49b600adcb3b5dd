/**
 * The `digest_runs` table: one record per cadence and slot (or manual trigger) with the
 * items frozen at plan time. Its only SQL: creation, the planner's lease and progress,
 * cron statistics, the admin view, dead-letter notes and pruning.
 */
import type { DueCursor } from "../subscribers/store.js";
import type { DigestItem } from "./items.js";
import type { Cadence, Target } from "./due.js";

/** Where planning stands: target index and last subscriber id planned within it. */
export type Cursor = DueCursor;

export interface NewRun {
  id: string;
  cadence: Cadence;
  trigger: "cron" | "manual";
  slot: number;
  windowEnd: number;
  targets: Target[];
  items: DigestItem[];
}

export interface Run extends NewRun {
  status: "planning" | "planned";
  cursor: Cursor;
  nextBatch: number;
  enqueuedBatches: number;
  planned: number;
  stats: Record<string, number>;
}

interface RunRow {
  id: string;
  cadence: Cadence;
  trigger: "cron" | "manual";
  slot: number;
  window_end: number;
  targets: string;
  items: string;
  status: "planning" | "planned";
  /** 1 = an `instant` run (its cadence column then says 'daily'; migrations/0005). */
  instant: number;
  cursor: string | null;
  next_batch: number;
  enqueued_batches: number;
  planned: number;
  stats: string;
}

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    cadence: row.instant ? "instant" : row.cadence,
    trigger: row.trigger,
    slot: row.slot,
    windowEnd: row.window_end,
    targets: JSON.parse(row.targets) as Target[],
    items: JSON.parse(row.items) as DigestItem[],
    status: row.status,
    cursor: row.cursor ? (JSON.parse(row.cursor) as Cursor) : { t: 0, id: "" },
    nextBatch: row.next_batch,
    enqueuedBatches: row.enqueued_batches,
    planned: row.planned,
    stats: JSON.parse(row.stats) as Record<string, number>,
  };
}

/** Inserts the run unless it exists; a run with no items is born planned. True if created. */
export async function createRun(db: D1Database, run: NewRun, now: number): Promise<boolean> {
  const status = run.items.length === 0 ? "planned" : "planning";
  const result = await db
    .prepare(
      `INSERT OR IGNORE INTO digest_runs
         (id, cadence, instant, trigger, slot, window_end, targets, items, status, created_at, updated_at, planned_at)
       VALUES (?1, ?2, ?11, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)`,
    )
    .bind(run.id, run.cadence === "instant" ? "daily" : run.cadence, run.trigger, run.slot, run.windowEnd, JSON.stringify(run.targets), JSON.stringify(run.items), status, now, status === "planned" ? now : null, run.cadence === "instant" ? 1 : 0)
    .run();
  return (result.meta.changes ?? 0) > 0;
}

export async function runExists(db: D1Database, id: string): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS x FROM digest_runs WHERE id = ?").bind(id).first()) !== null;
}

/** Takes the planner lease of a run still planning; null if planned or leased elsewhere. */
export async function claimRun(db: D1Database, id: string, now: number, leaseMs: number): Promise<Run | null> {
  const row = await db
    .prepare(
      `UPDATE digest_runs SET lease_until = ?2, updated_at = ?3
       WHERE id = ?1 AND status = 'planning' AND lease_until < ?3 RETURNING *`,
    )
    .bind(id, now + leaseMs, now)
    .first<RunRow>();
  return row ? toRun(row) : null;
}

export async function loadRun(db: D1Database, id: string): Promise<Run | null> {
  const row = await db.prepare("SELECT * FROM digest_runs WHERE id = ?").bind(id).first<RunRow>();
  return row ? toRun(row) : null;
}

/** Runs left planning whose planner died (lease expired): the next cron resumes them. */
export async function staleRuns(db: D1Database, now: number, limit = 5): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT id FROM digest_runs WHERE status = 'planning' AND lease_until < ? ORDER BY created_at LIMIT ?")
    .bind(now, limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

export interface RunSummary {
  id: string;
  cadence: Cadence;
  trigger: string;
  slot: string;
  status: string;
  items: number;
  planned: number;
  sent: number;
  skipped: number;
  failed: number;
  pending: number;
  batches: number;
  stats: Record<string, number>;
  createdAt: string;
  plannedAt: string | null;
}

/** Recent runs with delivery counts (counted from digest_deliveries, the source of truth). */
export async function listRuns(db: D1Database, options: { limit: number; id?: string }): Promise<RunSummary[]> {
  const where = options.id ? "WHERE r.id = ?1" : "";
  const { results } = await db
    .prepare(
      `SELECT r.id, CASE WHEN r.instant THEN 'instant' ELSE r.cadence END AS cadence, r.trigger, r.slot, r.status, json_array_length(r.items) AS items, r.planned,
              r.next_batch, r.stats, r.created_at, r.planned_at,
              (SELECT COUNT(*) FROM digest_deliveries d WHERE d.run_id = r.id AND d.status = 'sent') AS sent,
              (SELECT COUNT(*) FROM digest_deliveries d WHERE d.run_id = r.id AND d.status = 'skipped') AS skipped,
              (SELECT COUNT(*) FROM digest_deliveries d WHERE d.run_id = r.id AND d.status = 'failed') AS failed,
              (SELECT COUNT(*) FROM digest_deliveries d WHERE d.run_id = r.id AND d.status IN ('queued', 'sending')) AS pending
       FROM digest_runs r ${where} ORDER BY r.created_at DESC, r.id LIMIT ?2`,
    )
    .bind(options.id ?? null, options.limit)
    .all<Record<string, number | string | null>>();
  return results.map((r) => ({
    id: String(r.id),
    cadence: r.cadence as Cadence,
    trigger: String(r.trigger),
    slot: new Date(Number(r.slot)).toISOString(),
    status: String(r.status),
    items: Number(r.items),
    planned: Number(r.planned),
    sent: Number(r.sent),
    skipped: Number(r.skipped),
    failed: Number(r.failed),
    pending: Number(r.pending),
    batches: Number(r.next_batch),
    stats: JSON.parse(String(r.stats)) as Record<string, number>,
    createdAt: new Date(Number(r.created_at)).toISOString(),
    plannedAt: r.planned_at === null ? null : new Date(Number(r.planned_at)).toISOString(),
  }));
}

/** Notes on the run that a batch was left unsent for an admin (`stats.deadLettered`, once per batch). */
export async function recordDeadLettered(db: D1Database, runId: string, batch: number): Promise<void> {
  await db
    .prepare(
      `UPDATE digest_runs SET stats = json_set(stats, '$.deadLettered',
         json(COALESCE(json_extract(stats, '$.deadLettered'), '[]')), '$.deadLettered[#]', ?2)
       WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM json_each(digest_runs.stats, '$.deadLettered') WHERE value = ?2)`,
    )
    .bind(runId, batch)
    .run();
}

/** What one mail listed, read back for its web copy (items as frozen, at most `limit` of them). */
export interface DeliveredCopy {
  cadence: Cadence;
  timezone: string | null;
  items: DigestItem[];
  /** Every item the mail counted, listed or not. */
  total: number;
}

const CADENCE_SQL = "CASE WHEN r.instant THEN 'instant' ELSE r.cadence END";

/**
 * SQL for the snapshots of run `r` at the first `limit` indices of the JSON array `indices`,
 * in order: only those leave D1, never the run's whole item window.
 */
function listedSql(indices: string, limit: string): string {
  return `(SELECT json_group_array(json(json_extract(r.items, '$[' || j.value || ']'))) FROM json_each(${indices}) AS j WHERE j.key < ${limit})`;
}

function listedItems(json: string): DigestItem[] {
  return (JSON.parse(json) as Array<DigestItem | null>).filter((x): x is DigestItem => x !== null);
}

/** One delivery's items for its web copy; null when the run or the row no longer exists. */
export async function deliveredCopy(db: D1Database, runId: string, subscriberId: string, limit: number): Promise<DeliveredCopy | null> {
  const row = await db
    .prepare(
      `SELECT ${CADENCE_SQL} AS cadence, d.timezone, json_array_length(d.items) AS total, ${listedSql("d.items", "?3")} AS listed
       FROM digest_deliveries d JOIN digest_runs r ON r.id = d.run_id
       WHERE d.run_id = ?1 AND d.subscriber_id = ?2`,
    )
    .bind(runId, subscriberId, limit)
    .first<{ cadence: Cadence; timezone: string | null; total: number; listed: string }>();
  return row ? { cadence: row.cadence, timezone: row.timezone, items: listedItems(row.listed), total: row.total } : null;
}

/**
 * Records a run's site-wide digest — the items a recipient with no topics and no tags was
 * planned (migrations/0007) — unless one is recorded already (the first page that has one wins).
 */
export function publicItemsStatement(db: D1Database, runId: string, items: readonly number[]): D1PreparedStatement {
  return db.prepare("UPDATE digest_runs SET public_items = ?2 WHERE id = ?1 AND public_items IS NULL").bind(runId, JSON.stringify(items));
}

/** A run's site-wide digest as the public list shows it. */
export interface PublicDigest {
  id: string;
  cadence: Cadence;
  slot: number;
  total: number;
  /** The first few titles, newest first. */
  titles: string[];
}

/** The column values a cadence is stored as (instant runs: instant = 1, cadence 'daily'; migrations/0005). */
function storedCadence(cadence: Cadence): [number, string] {
  return cadence === "instant" ? [1, "daily"] : [0, cadence];
}

/** Where a page of the public list continues: after this run (it must be listed, of this cadence). */
export async function publicCursor(db: D1Database, cadence: Cadence, id: string): Promise<{ slot: number; id: string } | null> {
  return db
    .prepare("SELECT slot, id FROM digest_runs WHERE id = ?1 AND instant = ?2 AND cadence = ?3 AND public_items IS NOT NULL")
    .bind(id, ...storedCadence(cadence))
    .first<{ slot: number; id: string }>();
}

/**
 * Up to `limit` site-wide digests of a cadence, newest first, after `before`: one indexed
 * query (digest_runs_public) reading a few titles per run, whatever the runs hold.
 */
export async function listPublicDigests(db: D1Database, cadence: Cadence, options: { limit: number; before?: { slot: number; id: string } | null; titles: number }): Promise<PublicDigest[]> {
  const before = options.before ?? { slot: Number.MAX_SAFE_INTEGER, id: "" };
  const { results } = await db
    .prepare(
      `SELECT r.id, ${CADENCE_SQL} AS cadence, r.slot, json_array_length(r.public_items) AS total,
              json_array(${Array.from({ length: options.titles }, (_, k) => `json_extract(r.items, '$[' || json_extract(r.public_items, '$[${k}]') || '].title')`).join(", ")}) AS titles
       FROM digest_runs r
       WHERE r.instant = ?1 AND r.cadence = ?2 AND r.public_items IS NOT NULL AND (r.slot < ?3 OR (r.slot = ?3 AND r.id < ?4))
       ORDER BY r.slot DESC, r.id DESC LIMIT ?5`,
    )
    .bind(...storedCadence(cadence), before.slot, before.id, options.limit)
    .all<{ id: string; cadence: Cadence; slot: number; total: number; titles: string }>();
  return results.map((r) => ({ id: r.id, cadence: r.cadence, slot: r.slot, total: r.total, titles: (JSON.parse(r.titles) as Array<string | null>).filter((x): x is string => x !== null) }));
}

/** A run's site-wide digest for its public copy; null when the run has none (or is gone). */
export async function publicCopy(db: D1Database, runId: string, limit: number): Promise<Omit<DeliveredCopy, "timezone"> | null> {
  const row = await db
    .prepare(`SELECT ${CADENCE_SQL} AS cadence, json_array_length(r.public_items) AS total, ${listedSql("r.public_items", "?2")} AS listed FROM digest_runs r WHERE r.id = ?1 AND r.public_items IS NOT NULL`)
    .bind(runId, limit)
    .first<{ cadence: Cadence; total: number; listed: string }>();
  return row ? { cadence: row.cadence, items: listedItems(row.listed), total: row.total } : null;
}

/** Planner progress after one page, in the page's transaction: cursor, batches written and handed over, lease, planned count. */
export function pageProgressStatement(db: D1Database, runId: string, progress: { cursor: Cursor; nextBatch: number; enqueuedBatches: number; leaseUntil: number }, now: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE digest_runs SET cursor = ?2, next_batch = ?3, enqueued_batches = ?4, lease_until = ?5, updated_at = ?6,
         planned = planned + (SELECT COUNT(*) FROM digest_deliveries WHERE run_id = ?1 AND batch_no >= ?4 AND batch_no < ?3)
       WHERE id = ?1`,
    )
    .bind(runId, JSON.stringify(progress.cursor), progress.nextBatch, progress.enqueuedBatches, progress.leaseUntil, now);
}

/** Ends one planner invocation: releases the lease, counts it, and marks the run planned when `done`. */
export async function endPlanning(db: D1Database, runId: string, result: { enqueuedBatches: number; done: boolean; pages: number }, now: number): Promise<void> {
  await db
    .prepare(
      `UPDATE digest_runs SET enqueued_batches = ?2, lease_until = 0, updated_at = ?3,
         status = CASE WHEN ?4 THEN 'planned' ELSE status END,
         planned_at = CASE WHEN ?4 THEN ?3 ELSE planned_at END,
         stats = json_set(stats, '$.pages', COALESCE(json_extract(stats, '$.pages'), 0) + ?5,
                                 '$.invocations', COALESCE(json_extract(stats, '$.invocations'), 0) + 1)
       WHERE id = ?1`,
    )
    .bind(runId, result.enqueuedBatches, now, result.done ? 1 : 0, result.pages)
    .run();
}

/** Notes the cron invocation's cost on the runs it opened (`plannedBy`: run id → subscribers planned then). */
export async function recordCronStats(db: D1Database, stats: { ms: number; subrequests: number }, plannedBy: Record<string, number>): Promise<void> {
  await db
    .prepare(
      `UPDATE digest_runs SET stats = json_set(stats, '$.cronMs', ?1, '$.cronSubrequests', ?2,
         '$.cronPlanned', COALESCE(json_extract(?3, '$."' || id || '"'), 0))
       WHERE id IN (SELECT key FROM json_each(?3))`,
    )
    .bind(stats.ms, stats.subrequests, JSON.stringify(plannedBy))
    .run();
}

/** Up to `limit` runs created before `before` with no delivery left queued or sending, oldest first. */
export async function finishedRunsBefore(db: D1Database, before: number, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT id FROM digest_runs r
       WHERE r.created_at < ?1
         AND NOT EXISTS (SELECT 1 FROM digest_deliveries d WHERE d.run_id = r.id AND d.status IN ('queued', 'sending'))
       ORDER BY r.created_at LIMIT ?2`,
    )
    .bind(before, limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Deletes the runs in `runIdsJson` (a JSON array); a statement, to go with their deliveries. */
export function deleteRunsStatement(db: D1Database, runIdsJson: string): D1PreparedStatement {
  return db.prepare("DELETE FROM digest_runs WHERE id IN (SELECT value FROM json_each(?1))").bind(runIdsJson);
}
