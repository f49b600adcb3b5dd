/**
 * Sends one recipient batch of a run. The batch's recipient set is frozen at the first
 * attempt (rows move queued → sending; inactive subscribers → skipped), so every retry
 * renders byte-identical mail under the same idempotency key. Outcomes go to D1 per row.
 */
import type { EmailSender, SendError } from "../email/sender.js";
import type { Env } from "../env.js";
import { composeDigest } from "./compose.js";
import type { DigestItem } from "./items.js";
import { loadRun } from "./runs.js";

export type SendVerdict = { retry: false; sent: number; failed: number; skipped: number } | { retry: true; reason: string };

interface Row {
  subscriber_id: string;
  email: string;
  items: string;
  timezone: string | null;
}

const MAX_PER_CALL = 100;

/**
 * Same run and batch → same key. Batches hold at most 100 rows by construction; were one
 * ever larger, each call is keyed by its first recipient so the key still fixes the payload.
 */
export function idempotencyKey(runId: string, batch: number, firstOfOversized?: string): string {
  return `tidings-digest/${runId}/${batch}${firstOfOversized ? `/${firstOfOversized}` : ""}`;
}

/** Retry (same key, later) or give up (record failed)? Quota errors are never retried. */
export function isRetryable(error: SendError): boolean {
  if (/quota/i.test(error.name)) return false;
  if (error.statusCode === null || error.statusCode === 429 || error.statusCode >= 500) return true;
  return error.statusCode === 409 && error.name === "concurrent_idempotent_requests";
}

/** Freezes the batch on first sight, returns the rows to send (in a stable order). */
async function claim(db: D1Database, runId: string, batch: number, now: number): Promise<{ rows: Row[]; skipped: number }> {
  const active = `(SELECT 1 FROM subscribers s WHERE s.id = digest_deliveries.subscriber_id AND s.status = 'active' AND s.suppressed_at IS NULL)`;
  const [skip, , sending] = await db.batch([
    db
      .prepare(
        `UPDATE digest_deliveries SET status = 'skipped', error = 'not active at send time', updated_at = ?3
         WHERE run_id = ?1 AND batch_no = ?2 AND status = 'queued' AND NOT EXISTS ${active}
           AND NOT EXISTS (SELECT 1 FROM digest_deliveries x WHERE x.run_id = ?1 AND x.batch_no = ?2 AND x.status = 'sending')`,
      )
      .bind(runId, batch, now),
    db
      .prepare(
        `UPDATE digest_deliveries SET status = 'sending', updated_at = ?3
         WHERE run_id = ?1 AND batch_no = ?2 AND status = 'queued'
           AND NOT EXISTS (SELECT 1 FROM digest_deliveries x WHERE x.run_id = ?1 AND x.batch_no = ?2 AND x.status = 'sending')`,
      )
      .bind(runId, batch, now),
    db
      .prepare(
        `SELECT subscriber_id, email, items, timezone FROM digest_deliveries
         WHERE run_id = ?1 AND batch_no = ?2 AND status = 'sending' ORDER BY subscriber_id`,
      )
      .bind(runId, batch),
  ]);
  return { rows: (sending!.results ?? []) as Row[], skipped: skip!.meta.changes ?? 0 };
}

function record(db: D1Database, runId: string, outcomes: Array<{ id: string; status: "sent" | "failed"; providerId?: string; error?: string }>, now: number) {
  return db
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

export async function sendDigestBatch(env: Env, runId: string, batch: number, sender: EmailSender, db: D1Database = env.DB): Promise<SendVerdict> {
  const run = await loadRun(db, runId);
  if (!run) return { retry: false, sent: 0, failed: 0, skipped: 0 };
  const { rows, skipped } = await claim(db, runId, batch, Date.now());
  let sent = 0;
  let failed = 0;
  for (let part = 0; part * MAX_PER_CALL < rows.length; part++) {
    const chunk = rows.slice(part * MAX_PER_CALL, (part + 1) * MAX_PER_CALL);
    const messages = await Promise.all(
      chunk.map((row) =>
        composeDigest(env, run.cadence, {
          subscriberId: row.subscriber_id,
          email: row.email,
          ...(row.timezone ? { timezone: row.timezone } : {}),
          items: (JSON.parse(row.items) as number[]).map((i) => run.items[i]).filter((x): x is DigestItem => x !== undefined),
        }),
      ),
    );
    const outcome = await sender.sendBatch(messages, { idempotencyKey: idempotencyKey(runId, batch, rows.length > MAX_PER_CALL ? chunk[0]!.subscriber_id : undefined) });
    if (!outcome.ok && isRetryable(outcome.error)) {
      return { retry: true, reason: `${outcome.error.name} (${outcome.error.statusCode ?? "no status"}): ${outcome.error.message}` };
    }
    const outcomes = chunk.map((row, i) => {
      if (!outcome.ok) return { id: row.subscriber_id, status: "failed" as const, error: `${outcome.error.name}: ${outcome.error.message}` };
      const result = outcome.results[i];
      return result && "id" in result
        ? { id: row.subscriber_id, status: "sent" as const, providerId: result.id }
        : { id: row.subscriber_id, status: "failed" as const, error: result?.error ?? "no result" };
    });
    await record(db, runId, outcomes, Date.now());
    const ok = outcomes.filter((o) => o.status === "sent").length;
    sent += ok;
    failed += outcomes.length - ok;
  }
  return { retry: false, sent, failed, skipped };
}
