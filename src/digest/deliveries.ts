/**
 * The `digest_deliveries` table: one row per subscriber and run, the ledger of who gets
 * which items and what became of the mail. Its only SQL: the planner writes rows, the
 * sender claims and records them, redrive and pruning tidy them. A row moves
 * queued → sending (frozen at the batch's first attempt) → sent | failed | skipped.
 */
export type DeliveryStatus = "queued" | "sending" | "sent" | "failed" | "skipped";

/** A `digest_deliveries` row (the columns this code reads). */
export interface DeliveryRow {
  run_id: string;
  subscriber_id: string;
  batch_no: number;
  email: string;
  /** JSON: indices into the run's items. */
  items: string;
  /** The recipient's time zone when planned (dates in the mail), null before migrations/0005. */
  timezone: string | null;
  status: DeliveryStatus;
  provider_id: string | null;
  error: string | null;
  attempted_at: number | null;
  created_at: number;
  updated_at: number;
}

/** What the sender needs of a row, and the subscriber's current feed-token version (their feed link; null: gone). */
export type Recipient = Pick<DeliveryRow, "subscriber_id" | "email" | "items" | "timezone"> & { feed_token_version: number | null };

/**
 * Writes batch `batch` of a run from `entriesJson` (`[{ id, w, items }]`), taking each
 * address and time zone from `subscribers`, only where the subscriber's watermark still
 * reads `w` — the same compare-and-set as `advanceWatermarksStatement`, in the same
 * transaction, so no subscriber is planned twice. INSERT OR IGNORE: one row per run and
 * subscriber, ever.
 */
export function insertDeliveriesStatement(db: D1Database, runId: string, batch: number, entriesJson: string, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT OR IGNORE INTO digest_deliveries
         (run_id, subscriber_id, batch_no, email, items, timezone, status, created_at, updated_at)
       SELECT ?1, s.id, ?2, s.email, json_extract(j.value, '$.items'), s.timezone, 'queued', ?3, ?3
       FROM json_each(?4) AS j JOIN subscribers AS s ON s.id = json_extract(j.value, '$.id')
       WHERE s.digest_through IS json_extract(j.value, '$.w')`,
    )
    .bind(runId, batch, now, entriesJson);
}

function firstAttemptQuery(db: D1Database, runId: string, batch: number): D1PreparedStatement {
  // updated_at stands in for rows frozen before attempted_at existed.
  return db
    .prepare(
      `SELECT MIN(CASE WHEN status = 'sending' THEN COALESCE(attempted_at, updated_at) END) AS first, COUNT(*) AS open
       FROM digest_deliveries WHERE run_id = ?1 AND batch_no = ?2 AND status IN ('queued', 'sending')`,
    )
    .bind(runId, batch);
}

/**
 * One attempt at a batch, in one transaction: rows whose subscriber is no longer active
 * are skipped (every attempt), the batch is frozen on first sight (queued → sending), and
 * the rows to send come back in a stable order with the batch's first attempt time.
 */
export async function claimBatch(db: D1Database, runId: string, batch: number, now: number): Promise<{ rows: Recipient[]; skipped: number; firstAttempt: number | null }> {
  const active = `(SELECT 1 FROM subscribers s WHERE s.id = digest_deliveries.subscriber_id AND s.status = 'active' AND s.suppressed_at IS NULL)`;
  const [skip, , sending, first] = await db.batch([
    db
      .prepare(
        `UPDATE digest_deliveries SET status = 'skipped', error = 'not active at send time', updated_at = ?3
         WHERE run_id = ?1 AND batch_no = ?2 AND status IN ('queued', 'sending') AND NOT EXISTS ${active}`,
      )
      .bind(runId, batch, now),
    db
      .prepare(
        `UPDATE digest_deliveries SET status = 'sending', attempted_at = ?3, updated_at = ?3
         WHERE run_id = ?1 AND batch_no = ?2 AND status = 'queued'
           AND NOT EXISTS (SELECT 1 FROM digest_deliveries x WHERE x.run_id = ?1 AND x.batch_no = ?2 AND x.status = 'sending')`,
      )
      .bind(runId, batch, now),
    db
      .prepare(
        `SELECT d.subscriber_id, d.email, d.items, d.timezone, s.feed_token_version
         FROM digest_deliveries AS d LEFT JOIN subscribers AS s ON s.id = d.subscriber_id
         WHERE d.run_id = ?1 AND d.batch_no = ?2 AND d.status = 'sending' ORDER BY d.subscriber_id`,
      )
      .bind(runId, batch),
    firstAttemptQuery(db, runId, batch),
  ]);
  const firstAttempt = (first!.results[0] as { first: number | null } | undefined)?.first ?? null;
  return { rows: (sending!.results ?? []) as Recipient[], skipped: skip!.meta.changes ?? 0, firstAttempt };
}

/**
 * When a batch was first handed to the provider: a time, null when it never was (no key
 * used yet), undefined when nothing in it is left to send.
 */
export async function batchFirstAttempt(db: D1Database, runId: string, batch: number): Promise<number | null | undefined> {
  const row = await firstAttemptQuery(db, runId, batch).first<{ first: number | null; open: number }>();
  if (!row || row.open === 0) return undefined;
  return row.first;
}

export interface Outcome {
  id: string;
  status: "sent" | "failed";
  providerId?: string;
  error?: string;
}

/** Records what the provider said for each row still sending. */
export async function recordOutcomes(db: D1Database, runId: string, outcomes: readonly Outcome[], now: number): Promise<void> {
  await db
    .prepare(
      `UPDATE digest_deliveries SET status = j.status, provider_id = j.pid, error = j.err, updated_at = ?2
       FROM (SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.status') AS status,
                    json_extract(value, '$.providerId') AS pid, json_extract(value, '$.error') AS err
             FROM json_each(?3)) AS j
       WHERE digest_deliveries.run_id = ?1 AND digest_deliveries.subscriber_id = j.id AND digest_deliveries.status = 'sending'`,
    )
    .bind(runId, now, JSON.stringify(outcomes))
    .run();
}

/** Unfreezes rows of a run first attempted before `before` (back to queued, a new first attempt). */
export async function unfreezeStale(db: D1Database, runId: string, before: number, now: number): Promise<void> {
  await db
    .prepare(
      `UPDATE digest_deliveries SET status = 'queued', attempted_at = NULL, updated_at = ?2
       WHERE run_id = ?1 AND status = 'sending' AND COALESCE(attempted_at, updated_at) < ?3`,
    )
    .bind(runId, now, before)
    .run();
}

/** The batches of a run with rows still queued or sending. */
export async function unfinishedBatches(db: D1Database, runId: string): Promise<number[]> {
  const { results } = await db
    .prepare("SELECT DISTINCT batch_no FROM digest_deliveries WHERE run_id = ? AND status IN ('queued', 'sending') ORDER BY batch_no")
    .bind(runId)
    .all<{ batch_no: number }>();
  return results.map((r) => r.batch_no);
}

/** Deletes the rows of the runs in `runIdsJson` (a JSON array); a statement, to go with the runs. */
export function deleteForRunsStatement(db: D1Database, runIdsJson: string): D1PreparedStatement {
  return db.prepare("DELETE FROM digest_deliveries WHERE run_id IN (SELECT value FROM json_each(?1))").bind(runIdsJson);
}
