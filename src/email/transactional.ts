/**
 * Durable transactional mail: everything sent on behalf of a request (confirmation,
 * "already subscribed", notices, import confirmations…) goes through here, never straight
 * to a sender. `enqueueMail()` stores the rendered message in D1 (`mail_outbox`, owned by
 * this module) and puts `{ kind: "mail", id }` on DIGEST_QUEUE; the queue consumer calls
 * `deliverQueuedMail()`, which re-checks the subscriber's status before every attempt and
 * sends under the Idempotency-Key `tidings-mail/{id}` with the stored bytes, so retries
 * (queue backoff, dead letter requeue, the hourly sweep) can neither lose nor double it.
 * The request only writes D1 and the queue: its answer never waits on the provider.
 */
import type { DigestMessage } from "../digest/messages.js";
import { findById, jsonStrings, type Status } from "../subscribers/store.js";
import { acceptedEarlier, isRetryable, messageProblem, sendDeadline, type EmailMessage, type EmailSender } from "./sender.js";

/** A mail to enqueue. */
export interface TransactionalMail {
  /** What it is, for logs and admins (`confirm`, `manage`, `import-confirm`…). */
  kind: string;
  /** The subscriber it is for. Before every attempt their status must be one of `sendWhile`, or it is dropped. */
  subscriberId: string;
  /** E.g. `["pending"]` for a confirmation, `["active"]` for a mail to a subscriber. */
  sendWhile: readonly Status[];
  /** Rendered once, here: every attempt sends these exact bytes (Resend compares payloads per key). */
  message: EmailMessage;
}

export type MailStatus = "queued" | "sent" | "dropped" | "failed" | "expired";

/** Queued rows no consumer has touched for this long are put on the queue again by the cron. */
export const STUCK_AFTER_MS = 2 * 3_600_000;
/** Finished rows are deleted after this long (they hold an address and a rendered mail). */
export const OUTBOX_RETENTION_MS = 30 * 24 * 3_600_000;

export function mailIdempotencyKey(id: string): string {
  return `tidings-mail/${id}`;
}

/**
 * Stores a mail and queues its delivery; returns its id. Throws only when D1 fails (the
 * caller answers 5xx). A failed queue send is logged and left to the hourly sweep
 * (`requeueStuckMail`): the row is already durable.
 */
export async function enqueueMail(db: D1Database, queue: Queue<DigestMessage>, mail: TransactionalMail, now: number = Date.now()): Promise<string> {
  const problem = messageProblem(mail.message);
  if (problem) throw new Error(`enqueueMail: ${problem}`);
  const id = crypto.randomUUID();
  await db
    .prepare(
      `INSERT INTO mail_outbox (id, subscriber_id, kind, send_while, message, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)`,
    )
    .bind(id, mail.subscriberId, mail.kind, JSON.stringify(mail.sendWhile), JSON.stringify(mail.message), now)
    .run();
  try {
    await queue.send({ kind: "mail", id });
  } catch (error) {
    console.error("mail.enqueue: queue send failed; the hourly sweep will queue it", { id, kind: mail.kind, error: error instanceof Error ? error.message : String(error) });
  }
  return id;
}

interface Row {
  id: string;
  subscriber_id: string | null;
  kind: string;
  send_while: string;
  message: string;
  status: MailStatus;
  attempts: number;
  first_attempt_at: number | null;
}

export type MailVerdict = { retry: false; status: MailStatus | "missing" } | { retry: true; reason: string };

function settle(db: D1Database, id: string, status: Exclude<MailStatus, "queued">, now: number, detail: { providerId?: string; error?: string } = {}) {
  return db
    .prepare("UPDATE mail_outbox SET status = ?2, provider_id = ?3, error = ?4, updated_at = ?5 WHERE id = ?1 AND status = 'queued'")
    .bind(id, status, detail.providerId ?? null, detail.error ?? null, now)
    .run();
}

/** One delivery attempt of a queued mail (the DIGEST_QUEUE consumer's `mail` messages). */
export async function deliverQueuedMail(db: D1Database, id: string, sender: EmailSender, now: number = Date.now()): Promise<MailVerdict> {
  const row = await db.prepare("SELECT * FROM mail_outbox WHERE id = ?1").bind(id).first<Row>();
  if (!row) return { retry: false, status: "missing" };
  if (row.status !== "queued") return { retry: false, status: row.status };

  // The recipient's status now, not when the mail was written.
  const subscriber = row.subscriber_id ? await findById(db, row.subscriber_id) : null;
  if (!subscriber || !jsonStrings(row.send_while).includes(subscriber.status) || subscriber.suppressedAt !== null) {
    await settle(db, id, "dropped", now, { error: subscriber ? `subscriber is ${subscriber.status}` : "subscriber deleted" });
    return { retry: false, status: "dropped" };
  }
  if (row.first_attempt_at !== null && now > sendDeadline(row.first_attempt_at)) {
    // The key may have expired at Resend: a send now could duplicate a mail it accepted
    // without our hearing back. Left for an admin (status 'expired').
    await settle(db, id, "expired", now, { error: "idempotency window ended before delivery" });
    console.error("mail.expired", { id, kind: row.kind, attempts: row.attempts });
    return { retry: false, status: "expired" };
  }
  await db
    .prepare("UPDATE mail_outbox SET attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?2), updated_at = ?2 WHERE id = ?1")
    .bind(id, now)
    .run();

  const outcome = await sender.send(JSON.parse(row.message) as EmailMessage, { idempotencyKey: mailIdempotencyKey(id) });
  if (outcome.ok) {
    await settle(db, id, "sent", Date.now(), { providerId: outcome.id });
    return { retry: false, status: "sent" };
  }
  if (acceptedEarlier(outcome.error)) {
    // Resend already holds a mail for this key: an earlier attempt went out.
    await settle(db, id, "sent", Date.now(), { error: "accepted by an earlier attempt" });
    return { retry: false, status: "sent" };
  }
  if (isRetryable(outcome.error)) return { retry: true, reason: `${outcome.error.name} (${outcome.error.statusCode ?? "no status"}): ${outcome.error.message}` };
  await settle(db, id, "failed", Date.now(), { error: `${outcome.error.name}: ${outcome.error.message}` });
  console.error("mail.failed", { id, kind: row.kind, name: outcome.error.name, statusCode: outcome.error.statusCode });
  return { retry: false, status: "failed" };
}

/** When a queued mail's key window closes (null: never tried, no window yet). */
export async function mailDeadline(db: D1Database, id: string): Promise<{ status: MailStatus; deadline: number | null } | null> {
  const row = await db.prepare("SELECT status, first_attempt_at FROM mail_outbox WHERE id = ?1").bind(id).first<{ status: MailStatus; first_attempt_at: number | null }>();
  return row ? { status: row.status, deadline: row.first_attempt_at === null ? null : sendDeadline(row.first_attempt_at) } : null;
}

/** Marks a queued mail expired (its window cannot hold another round of retries). */
export async function expireMail(db: D1Database, id: string, now: number): Promise<void> {
  await settle(db, id, "expired", now, { error: "idempotency window too short for another round of retries" });
}

/**
 * The hourly sweep: queued rows untouched for STUCK_AFTER_MS (their queue message was
 * never sent, or was lost) go on the queue again; finished rows older than the retention
 * are deleted. At most `limit` of each per run.
 */
export async function sweepMailOutbox(db: D1Database, queue: Queue<DigestMessage>, now: number, limit = 100): Promise<{ requeued: number; deleted: number }> {
  const { results } = await db
    .prepare("SELECT id FROM mail_outbox WHERE status = 'queued' AND updated_at <= ?1 ORDER BY updated_at LIMIT ?2")
    .bind(now - STUCK_AFTER_MS, limit)
    .all<{ id: string }>();
  if (results.length > 0) {
    await queue.sendBatch(results.map((r) => ({ body: { kind: "mail", id: r.id } as DigestMessage })));
    await db.prepare("UPDATE mail_outbox SET updated_at = ?1 WHERE id IN (SELECT value FROM json_each(?2))").bind(now, JSON.stringify(results.map((r) => r.id))).run();
  }
  const deleted = await db
    .prepare("DELETE FROM mail_outbox WHERE id IN (SELECT id FROM mail_outbox WHERE status <> 'queued' AND updated_at <= ?1 LIMIT ?2)")
    .bind(now - OUTBOX_RETENTION_MS, limit)
    .run();
  return { requeued: results.length, deleted: deleted.meta.changes ?? 0 };
}
