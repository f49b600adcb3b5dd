/**
 * Sends one recipient batch of a run. The batch is frozen at its first attempt (rows move
 * queued → sending, `attempted_at` set once), and every retry renders byte-identical mail
 * for each row under the same idempotency key. Before every attempt each recipient's
 * status is checked again: one who unsubscribed or was suppressed since is skipped. The
 * smaller retry under the same key is then either accepted (the first attempt never
 * reached Resend: nobody gets mail twice, the skipped one gets none) or refused with a 409
 * `invalid_idempotent_request` (the first attempt was accepted unheard: everyone already
 * has it, the rows are recorded as sent). No attempt is made past the key's deadline
 * (`sendDeadline`): such a batch is left for an admin. Outcomes go to D1 per row.
 */
import { acceptedEarlier, isRetryable, sendDeadline, type EmailSender } from "../email/sender.js";
import type { Env } from "../env.js";
import { composeDigest } from "./compose.js";
import type { DigestItem } from "./items.js";
import { loadRun, recordDeadLettered } from "./runs.js";

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

/**
 * Skips rows whose subscriber is no longer active (every attempt), freezes the batch on
 * first sight, and returns the rows to send (in a stable order) with the batch's first
 * attempt time.
 */
async function claim(db: D1Database, runId: string, batch: number, now: number): Promise<{ rows: Row[]; skipped: number; firstAttempt: number | null }> {
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
        `SELECT subscriber_id, email, items, timezone FROM digest_deliveries
         WHERE run_id = ?1 AND batch_no = ?2 AND status = 'sending' ORDER BY subscriber_id`,
      )
      .bind(runId, batch),
    firstAttemptQuery(db, runId, batch),
  ]);
  const firstAttempt = (first!.results[0] as { first: number | null } | undefined)?.first ?? null;
  return { rows: (sending!.results ?? []) as Row[], skipped: skip!.meta.changes ?? 0, firstAttempt };
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
 * When a batch was first handed to the provider: a time, null when it never was (no key
 * used yet), undefined when nothing in it is left to send.
 */
export async function batchFirstAttempt(db: D1Database, runId: string, batch: number): Promise<number | null | undefined> {
  const row = await firstAttemptQuery(db, runId, batch).first<{ first: number | null; open: number }>();
  if (!row || row.open === 0) return undefined;
  return row.first;
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
  const now = Date.now();
  const { rows, skipped, firstAttempt } = await claim(db, runId, batch, now);
  if (rows.length > 0 && firstAttempt !== null && now > sendDeadline(firstAttempt)) {
    console.error(`digest.batch ${runId}#${batch}: first attempted ${Math.round((now - firstAttempt) / 3_600_000)} h ago, past its idempotency deadline; left for POST /admin/digests/run {redrive}`);
    await recordDeadLettered(db, runId, batch);
    return { retry: false, sent: 0, failed: 0, skipped };
  }
  let sent = 0;
  let failed = 0;
  for (let part = 0; part * MAX_PER_CALL < rows.length; part++) {
    const chunk = rows.slice(part * MAX_PER_CALL, (part + 1) * MAX_PER_CALL);
    const messages = await Promise.all(
      chunk.map((row) =>
        composeDigest(env, run.cadence, {
          subscriberId: row.subscriber_id,
          email: row.email,
          runId,
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
      if (!outcome.ok && acceptedEarlier(outcome.error)) return { id: row.subscriber_id, status: "sent" as const, error: "accepted by an earlier attempt (idempotency key already used)" };
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
