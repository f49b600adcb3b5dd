/**
 * Plans a run: pages through the due subscribers by keyset (target, id), fixes each one's
 * items, writes their deliveries and moves their watermark in one transaction per page,
 * then enqueues the recipient batches. Bounded per invocation; the rest continues on the
 * queue, so the cron handler stays small at any subscriber count.
 */
import { MAX_BATCH } from "../email/sender.js";
import type { Env } from "../env.js";
import { LOOKBACK_MS, selectItems, slugList } from "./items.js";
import { enqueueSends, type DigestMessage } from "./messages.js";
import { claimRun, publicItemsStatement, type Cursor, type Run } from "./runs.js";
import { heldBack, type Target } from "./schedule.js";

export interface PlanOptions {
  queue: Queue<DigestMessage>;
  db?: D1Database;
  /** Subscribers read per page. */
  pageSize?: number;
  /** Recipients per queue message (and Resend batch call): at most 100. */
  batchSize?: number;
  /** Pages per invocation before handing over to a `plan` message. */
  maxPages?: number;
  now?: number;
  /** Test hook: fail after this many pages, as if the isolate died. */
  crashAfterPages?: number;
}

export const PLAN_DEFAULTS = { pageSize: 500, batchSize: 100, maxPages: 40 };
const LEASE_MS = 60_000;

export interface PlanResult {
  runId: string;
  done: boolean;
  pages: number;
  planned: number;
}

interface DueRow {
  id: string;
  topics: string;
  tags: string;
  confirmed_at: number | null;
  created_at: number;
  digest_through: number | null;
  timezone: string;
  quiet_start: number | null;
  quiet_end: number | null;
  paused_until: string | null;
}

function targetSql(target: Target): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of [["timezone", target.timezone], ["send_hour", target.hour], ["send_weekday", target.weekday]] as const) {
    if (value === undefined) continue;
    clauses.push(`${column} = ?`);
    params.push(value);
  }
  return { sql: clauses.map((c) => ` AND ${c}`).join(""), params };
}

/** Up to `size` due subscribers after `cursor`, walking the targets in order. */
async function nextPage(db: D1Database, run: Run, cursor: Cursor, size: number): Promise<{ rows: DueRow[]; cursor: Cursor }> {
  const rows: DueRow[] = [];
  let at = cursor;
  while (rows.length < size && at.t < run.targets.length) {
    const target = targetSql(run.targets[at.t]!);
    const limit = size - rows.length;
    // Instant subscribers have instant = 1 (their cadence column means nothing; migrations/0005).
    const cadence = run.cadence === "instant" ? { sql: "instant = 1", params: [] } : { sql: "instant = 0 AND cadence = ?", params: [run.cadence] };
    const { results } = await db
      .prepare(
        `SELECT id, topics, tags, confirmed_at, created_at, digest_through, timezone, quiet_start, quiet_end, paused_until FROM subscribers
         WHERE status = 'active' AND suppressed_at IS NULL AND ${cadence.sql}${target.sql} AND id > ?
         ORDER BY id LIMIT ?`,
      )
      .bind(...cadence.params, ...target.params, at.id, limit)
      .all<DueRow>();
    rows.push(...results);
    at = results.length < limit ? { t: at.t + 1, id: "" } : { t: at.t, id: results[results.length - 1]!.id };
  }
  return { rows, cursor: at };
}

interface Entry {
  id: string;
  /** The watermark read, for compare-and-set. */
  w: number | null;
  items: number[];
}

/** Each subscriber's items, fixed now; subscribers with nothing new get no row at all. */
export function entriesFor(run: Run, rows: readonly DueRow[]): Entry[] {
  const floor = run.windowEnd - LOOKBACK_MS;
  const entries: Entry[] = [];
  for (const row of rows) {
    // Paused, or in quiet hours: no row and the watermark stays, so the next run carries it.
    const quiet = row.quiet_start !== null && row.quiet_end !== null ? { start: row.quiet_start, end: row.quiet_end } : null;
    if (heldBack(run.cadence, { timezone: row.timezone, quiet, pausedUntil: row.paused_until }, run.windowEnd)) continue;
    const since = Math.max(row.digest_through ?? row.confirmed_at ?? row.created_at, floor);
    const items = selectItems(run.items, since, { topics: slugList(row.topics), tags: slugList(row.tags) });
    if (items.length > 0) entries.push({ id: row.id, w: row.digest_through, items });
  }
  return entries;
}

/**
 * The page's site-wide digest (/digests): the items of a recipient who chose no topics and
 * no tags — of the one whose last digest is the newest when there are several, i.e. a
 * regular reader rather than one just confirmed or back from a pause.
 */
export function siteWideItems(rows: readonly DueRow[], entries: readonly Entry[]): number[] | null {
  const open = new Set(rows.filter((r) => slugList(r.topics).length === 0 && slugList(r.tags).length === 0).map((r) => r.id));
  let best: Entry | null = null;
  for (const e of entries) if (open.has(e.id) && (best === null || (e.w ?? -1) > (best.w ?? -1))) best = e;
  return best ? best.items : null;
}

function pageStatements(db: D1Database, run: Run, entries: Entry[], firstBatch: number, batchSize: number, now: number): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0, b = firstBatch; i < entries.length; i += batchSize, b++) {
    const chunk = JSON.stringify(entries.slice(i, i + batchSize));
    statements.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO digest_deliveries
             (run_id, subscriber_id, batch_no, email, items, timezone, status, created_at, updated_at)
           SELECT ?1, s.id, ?2, s.email, json_extract(j.value, '$.items'), s.timezone, 'queued', ?3, ?3
           FROM json_each(?4) AS j JOIN subscribers AS s ON s.id = json_extract(j.value, '$.id')
           WHERE s.digest_through IS json_extract(j.value, '$.w')`,
        )
        .bind(run.id, b, now, chunk),
      db
        .prepare(
          `UPDATE subscribers SET digest_through = ?1
           FROM (SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.w') AS w FROM json_each(?2)) AS j
           WHERE subscribers.id = j.id AND subscribers.digest_through IS j.w`,
        )
        .bind(run.windowEnd, chunk),
    );
  }
  return statements;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** Plans (or resumes) one run within this invocation's budget. Null if not ours to plan. */
export async function planRun(env: Pick<Env, "DB">, runId: string, options: PlanOptions): Promise<PlanResult | null> {
  const db = options.db ?? env.DB;
  const { pageSize, maxPages, ...rest } = { ...PLAN_DEFAULTS, ...definedOnly(options) };
  const batchSize = Math.min(MAX_BATCH, Math.max(1, rest.batchSize));
  const now = options.now ?? Date.now();
  const started = Date.now();
  const clock = () => now + (Date.now() - started);
  const run = await claimRun(db, runId, now, LEASE_MS);
  if (!run) return null;
  // Batches written by a planner that died before handing them to the queue.
  await enqueueSends(options.queue, run.id, range(run.enqueuedBatches, run.nextBatch));
  let cursor = run.cursor;
  let batch = run.nextBatch;
  let pages = 0;
  let planned = 0;
  while (cursor.t < run.targets.length && pages < maxPages) {
    if (options.crashAfterPages !== undefined && pages >= options.crashAfterPages) throw new Error("planner crash (test)");
    const page = await nextPage(db, run, cursor, pageSize);
    const entries = entriesFor(run, page.rows);
    const siteWide = siteWideItems(page.rows, entries);
    const batches = Math.ceil(entries.length / batchSize);
    const [runUpdate, ...writes] = [
      db
        .prepare(
          `UPDATE digest_runs SET cursor = ?2, next_batch = ?3, enqueued_batches = ?4, lease_until = ?5, updated_at = ?6,
             planned = planned + (SELECT COUNT(*) FROM digest_deliveries WHERE run_id = ?1 AND batch_no >= ?4 AND batch_no < ?3)
           WHERE id = ?1`,
        )
        .bind(run.id, JSON.stringify(page.cursor), batch + batches, batch, clock() + LEASE_MS, clock()),
      ...pageStatements(db, run, entries, batch, batchSize, now),
      ...(siteWide ? [publicItemsStatement(db, run.id, siteWide)] : []),
    ];
    await db.batch([...writes, runUpdate!]);
    await enqueueSends(options.queue, run.id, range(batch, batch + batches));
    batch += batches;
    cursor = page.cursor;
    planned += entries.length;
    pages++;
  }
  const done = cursor.t >= run.targets.length;
  await db
    .prepare(
      `UPDATE digest_runs SET enqueued_batches = ?2, lease_until = 0, updated_at = ?3,
         status = CASE WHEN ?4 THEN 'planned' ELSE status END,
         planned_at = CASE WHEN ?4 THEN ?3 ELSE planned_at END,
         stats = json_set(stats, '$.pages', COALESCE(json_extract(stats, '$.pages'), 0) + ?5,
                                 '$.invocations', COALESCE(json_extract(stats, '$.invocations'), 0) + 1)
       WHERE id = ?1`,
    )
    .bind(run.id, batch, clock(), done ? 1 : 0, pages)
    .run();
  if (!done) await options.queue.send({ kind: "plan", runId: run.id });
  return { runId: run.id, done, pages, planned };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
