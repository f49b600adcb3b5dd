/**
 * Plans a run: pages through the due subscribers by keyset (target, id), fixes each one's
 * items, writes their deliveries and moves their watermark in one transaction per page,
 * then enqueues the recipient batches. Bounded per invocation; the rest continues on the
 * queue, so the cron handler stays small at any subscriber count.
 */
import { MAX_BATCH } from "../email/sender.js";
import type { Env } from "../env.js";
import { advanceWatermarksStatement, dueSubscribers, type Subscriber } from "../subscribers/store.js";
import { insertDeliveriesStatement } from "./deliveries.js";
import { LOOKBACK_MS, selectItems, windowStart } from "./items.js";
import { enqueueSends, type DigestMessage } from "./messages.js";
import { claimRun, endPlanning, pageProgressStatement, publicItemsStatement, type Run } from "./runs.js";
import { heldBack } from "./due.js";

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

interface Entry {
  id: string;
  /** The watermark read, for compare-and-set. */
  w: number | null;
  items: number[];
}

/** Each subscriber's items, fixed now; subscribers with nothing new get no row at all. */
export function entriesFor(run: Run, subscribers: readonly Subscriber[]): Entry[] {
  const floor = run.windowEnd - LOOKBACK_MS;
  const entries: Entry[] = [];
  for (const subscriber of subscribers) {
    // Paused, or in quiet hours: no row and the watermark stays, so the next run carries it.
    if (heldBack(run.cadence, subscriber, run.windowEnd)) continue;
    const items = selectItems(run.items, windowStart(subscriber, floor), subscriber);
    if (items.length > 0) entries.push({ id: subscriber.id, w: subscriber.digestThrough, items });
  }
  return entries;
}

/**
 * The page's site-wide digest (/digests): the items of a recipient who chose no topics and
 * no tags — of the one whose last digest is the newest when there are several, i.e. a
 * regular reader rather than one just confirmed or back from a pause.
 */
export function siteWideItems(subscribers: readonly Pick<Subscriber, "id" | "topics" | "tags">[], entries: readonly Entry[]): number[] | null {
  const open = new Set(subscribers.filter((s) => s.topics.length === 0 && s.tags.length === 0).map((s) => s.id));
  let best: Entry | null = null;
  for (const e of entries) if (open.has(e.id) && (best === null || (e.w ?? -1) > (best.w ?? -1))) best = e;
  return best ? best.items : null;
}

/** Per batch of entries: its delivery rows and the watermarks they move, in one transaction with the run's progress. */
function pageStatements(db: D1Database, run: Run, entries: Entry[], firstBatch: number, batchSize: number, now: number): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0, b = firstBatch; i < entries.length; i += batchSize, b++) {
    const chunk = JSON.stringify(entries.slice(i, i + batchSize));
    statements.push(insertDeliveriesStatement(db, run.id, b, chunk, now), advanceWatermarksStatement(db, run.windowEnd, chunk));
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
    const page = await dueSubscribers(db, run.cadence, run.targets, cursor, pageSize);
    const entries = entriesFor(run, page.subscribers);
    const siteWide = siteWideItems(page.subscribers, entries);
    const batches = Math.ceil(entries.length / batchSize);
    const writes = [...pageStatements(db, run, entries, batch, batchSize, now), ...(siteWide ? [publicItemsStatement(db, run.id, siteWide)] : [])];
    const progress = pageProgressStatement(db, run.id, { cursor: page.cursor, nextBatch: batch + batches, enqueuedBatches: batch, leaseUntil: clock() + LEASE_MS }, clock());
    await db.batch([...writes, progress]);
    await enqueueSends(options.queue, run.id, range(batch, batch + batches));
    batch += batches;
    cursor = page.cursor;
    planned += entries.length;
    pages++;
  }
  const done = cursor.t >= run.targets.length;
  await endPlanning(db, run.id, { enqueuedBatches: batch, done, pages }, clock());
  if (!done) await options.queue.send({ kind: "plan", runId: run.id });
  return { runId: run.id, done, pages, planned };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
