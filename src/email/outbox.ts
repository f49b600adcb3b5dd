/**
 * The dev outbox: an EmailSender that stores mail in D1 (`dev_outbox`) instead of
 * sending it, honouring idempotency keys like Resend (same key → no second copy, the
 * stored ids again). Used whenever RESEND_API_KEY is not set.
 */
import { batchTooLarge, messageProblem, validationError, type EmailMessage, type EmailSender } from "./sender.js";

export interface OutboxMessage {
  id: string;
  to: string;
  from: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  /** RFC 3339 (UTC). */
  sentAt: string;
}

interface Row {
  id: string;
  from_addr: string;
  to_addr: string;
  subject: string;
  html: string;
  text: string;
  headers: string;
  sent_at: number;
  position: number;
}

function fromRow(row: Row): OutboxMessage {
  let headers: Record<string, string> = {};
  try {
    headers = JSON.parse(row.headers) as Record<string, string>;
  } catch {
    // stored by us; never malformed in practice
  }
  return {
    id: row.id,
    to: row.to_addr,
    from: row.from_addr,
    subject: row.subject,
    html: row.html,
    text: row.text,
    headers,
    sentAt: new Date(row.sent_at).toISOString(),
  };
}

async function storedIds(db: D1Database, key: string): Promise<Map<number, string>> {
  const { results } = await db.prepare("SELECT position, id FROM dev_outbox WHERE idempotency_key = ?1").bind(key).all<{ position: number; id: string }>();
  return new Map(results.map((r) => [r.position, r.id]));
}

export function createOutboxSender(db: D1Database, clock: () => number = Date.now): EmailSender {
  function insert(message: EmailMessage, key: string | null, position: number, id: string): D1PreparedStatement {
    return db
      .prepare(
        `INSERT INTO dev_outbox (id, idempotency_key, position, from_addr, to_addr, subject, html, text, headers, sent_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (idempotency_key, position) DO NOTHING`,
      )
      .bind(id, key, position, message.from, message.to, message.subject, message.html, message.text, JSON.stringify(message.headers ?? {}), clock());
  }
  return {
    async send(message, options) {
      const problem = messageProblem(message);
      if (problem) return { ok: false, error: validationError(problem) };
      const key = options?.idempotencyKey ?? null;
      const id = `dev_${crypto.randomUUID()}`;
      await insert(message, key, 0, id).run();
      if (key === null) return { ok: true, id };
      return { ok: true, id: (await storedIds(db, key)).get(0)! };
    },
    async sendBatch(messages, options) {
      const size = batchTooLarge(messages.length);
      if (size) return { ok: false, error: size };
      const problems = messages.map(messageProblem);
      const statements = messages.flatMap((m, i) => (problems[i] === null ? [insert(m, options.idempotencyKey, i, `dev_${crypto.randomUUID()}`)] : []));
      if (statements.length > 0) await db.batch(statements);
      const ids = await storedIds(db, options.idempotencyKey);
      return {
        ok: true,
        results: messages.map((_, i) => (problems[i] !== null ? { error: problems[i]! } : ids.has(i) ? { id: ids.get(i)! } : { error: "not stored" })),
      };
    },
  };
}

/** Newest first; `to` filters by recipient. */
export async function listOutbox(db: D1Database, options: { limit: number; to?: string }): Promise<OutboxMessage[]> {
  const where = options.to ? "WHERE to_addr = ?2" : "";
  const stmt = db.prepare(`SELECT * FROM dev_outbox ${where} ORDER BY seq DESC LIMIT ?1`);
  const { results } = await (options.to ? stmt.bind(options.limit, options.to) : stmt.bind(options.limit)).all<Row>();
  return results.map(fromRow);
}

export async function getOutboxMessage(db: D1Database, id: string): Promise<OutboxMessage | null> {
  const row = await db.prepare("SELECT * FROM dev_outbox WHERE id = ?1").bind(id).first<Row>();
  return row ? fromRow(row) : null;
}

/** Deletes the stored mail to a mailbox (lower-cased address), e.g. with its subscriber; a statement, to share their batch. */
export function outboxDeleteStatement(db: D1Database, mailbox: string): D1PreparedStatement {
  return db.prepare("DELETE FROM dev_outbox WHERE lower(to_addr) = ?1").bind(mailbox);
}
