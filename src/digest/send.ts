/**
 * Sends one recipient batch of a run. The batch is frozen at its first attempt (rows move
 * queued → sending, `attempted_at` set once), and every retry renders byte-identical mail
 * for each row under the same idempotency key. Before every attempt each recipient's
 * status is checked again: one who unsubscribed or was suppressed since is skipped. The
 * smaller retry under the same key is then either accepted (the first attempt never
 * reached Resend: nobody gets mail twice, the skipped one gets none) or refused with a 409
 * `invalid_idempotent_request` (the first attempt was accepted unheard: everyone already
 * has it, the rows are recorded as sent). The personal feed link is the recipient's
 * current one at each attempt: a new feed address issued between two attempts changes
 * that mail's bytes, which the same two answers cover. No attempt is made past the key's deadline
 * (`sendDeadline`): such a batch is left for an admin. Outcomes go to D1 per row.
 */
import { acceptedEarlier, isRetryable, sendDeadline, type EmailSender } from "../email/sender.js";
import { composeDigest, type DigestSettings } from "./compose.js";
import { claimBatch, recordOutcomes } from "./deliveries.js";
import type { DigestItem } from "./items.js";
import { loadRun, recordDeadLettered } from "./runs.js";

export type SendVerdict = { retry: false; sent: number; failed: number; skipped: number } | { retry: true; reason: string };

const MAX_PER_CALL = 100;

/**
 * Same run and batch → same key. Batches hold at most 100 rows by construction; were one
 * ever larger, each call is keyed by its first recipient so the key still fixes the payload.
 */
export function idempotencyKey(runId: string, batch: number, firstOfOversized?: string): string {
  return `tidings-digest/${runId}/${batch}${firstOfOversized ? `/${firstOfOversized}` : ""}`;
}

export async function sendDigestBatch(db: D1Database, settings: DigestSettings, runId: string, batch: number, sender: EmailSender): Promise<SendVerdict> {
  const run = await loadRun(db, runId);
  if (!run) return { retry: false, sent: 0, failed: 0, skipped: 0 };
  const now = Date.now();
  const { rows, skipped, firstAttempt } = await claimBatch(db, runId, batch, now);
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
        composeDigest(settings, run.cadence, {
          subscriberId: row.subscriber_id,
          email: row.email,
          runId,
          ...(row.timezone ? { timezone: row.timezone } : {}),
          ...(row.feed_token_version ? { feedTokenVersion: row.feed_token_version } : {}),
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
    await recordOutcomes(db, runId, outcomes, Date.now());
    const ok = outcomes.filter((o) => o.status === "sent").length;
    sent += ok;
    failed += outcomes.length - ok;
  }
  return { retry: false, sent, failed, skipped };
}
