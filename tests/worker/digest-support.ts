/** Helpers for the digest tests: synthetic content, subscribers, a capturing queue, a fake Resend. */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createMemoryContent, type Article, type Content } from "../../src/content/index.js";
import { beforeEach } from "vitest";
import { consumeDigestQueue } from "../../src/digest/consumer.js";
import { runScheduledDigests } from "../../src/digest/scheduler.js";
import type { DigestMessage } from "../../src/digest/messages.js";
import type { BatchOutcome, EmailMessage, EmailSender, SendError } from "../../src/email/sender.js";

export const HOUR = 3_600_000;
/** Monday 2026-01-05 09:00 UTC. */
export const T0 = Date.UTC(2026, 0, 5, 9);

export function article(slug: string, published: number, extra: Partial<Article> = {}): Article {
  const url = `https://news.example.com/posts/${slug}/`;
  const date = new Date(published).toISOString().replace(".000Z", "Z");
  return {
    id: url, slug, url, title: `Title ${slug}`, date, published, updated: date, updatedMs: published,
    summary: `Summary of ${slug}`, authors: [], tags: [], tagSlugs: [], topics: [], topicSlugs: [], categories: [],
    source: `posts/${slug}.md`, ...extra,
  };
}

/** A content version of these articles; its hash, like the build's, changes with any of them. */
export function site(...articles: Article[]): Content {
  const sorted = [...articles].sort((a, b) => b.published - a.published || a.id.localeCompare(b.id));
  return createMemoryContent({ hash: versionOf(sorted), siteUrl: "https://news.example.com", articles: sorted, bodies: sorted.map(() => "<p>body</p>"), tags: [], topics: [] });
}

/** FNV-1a of every article's JSON: a stand-in for the build's content hash. */
function versionOf(articles: readonly Article[]): string {
  let h = 0x811c9dc5;
  for (const a of articles) for (const c of JSON.stringify(a)) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return `test-${h.toString(16)}`;
}

export interface SubscriberInput {
  id: string;
  status?: string;
  topics?: string[];
  tags?: string[];
  cadence?: "instant" | "daily" | "weekly";
  quiet?: { start: number; end: number };
  pausedUntil?: string;
  timezone?: string;
  hour?: number;
  weekday?: number;
  confirmedAt?: number;
}

export async function addSubscriber(s: SubscriberInput): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO subscribers (id, email, status, topics, tags, cadence, timezone, send_hour, send_weekday, created_at, updated_at, confirmed_at,
       instant, quiet_start, quiet_end, paused_until)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?10, ?11, ?12, ?13, ?14)`,
  )
    .bind(s.id, `${s.id}@example.com`, s.status ?? "active", JSON.stringify(s.topics ?? []), JSON.stringify(s.tags ?? []), s.cadence === "weekly" ? "weekly" : "daily", s.timezone ?? "UTC", s.hour ?? 9, s.weekday ?? 1, s.confirmedAt ?? T0 - 30 * 24 * HOUR,
      s.cadence === "instant" ? 1 : 0, s.quiet?.start ?? null, s.quiet?.end ?? null, s.pausedUntil ?? null)
    .run();
}

export async function resetDigestTables(): Promise<void> {
  await env.DB.batch(["digest_deliveries", "digest_runs", "articles_seen", "ledger_sync", "subscribers", "dev_outbox"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)));
}

/** A Queue that only records what is sent. */
export function captureQueue(): Queue<DigestMessage> & { messages: DigestMessage[]; failNext: number } {
  const q = {
    messages: [] as DigestMessage[],
    failNext: 0,
    async send(body: DigestMessage) {
      q.messages.push(body);
    },
    async sendBatch(batch: Iterable<MessageSendRequest<DigestMessage>>) {
      if (q.failNext > 0) {
        q.failNext--;
        throw new Error("queue unavailable (test)");
      }
      for (const m of batch) q.messages.push(m.body);
    },
  };
  return q as unknown as Queue<DigestMessage> & { messages: DigestMessage[]; failNext: number };
}

export interface Delivered {
  to: string;
  subject: string;
  message: EmailMessage;
  key: string;
}

/**
 * Resend as the tests need it: idempotency keys replay the first answer (and a different
 * payload under a used key is a 409), `fail` decides per call whether to answer an error;
 * `lose` accepts the batch but answers as if the connection dropped (statusCode null).
 */
export function fakeResend(policy: { fail?: (call: number, key: string) => SendError | null; lose?: (call: number) => boolean } = {}) {
  const keys = new Map<string, { payload: string; outcome: BatchOutcome }>();
  const delivered: Delivered[] = [];
  const calls: Array<{ key: string; count: number }> = [];
  let n = 0;
  const sender: EmailSender = {
    async send() {
      throw new Error("not used");
    },
    async sendBatch(messages, { idempotencyKey }) {
      const call = ++n;
      calls.push({ key: idempotencyKey, count: messages.length });
      const error = policy.fail?.(call, idempotencyKey);
      if (error) return { ok: false, error };
      const payload = JSON.stringify(messages);
      const previous = keys.get(idempotencyKey);
      if (previous) {
        if (previous.payload !== payload) return { ok: false, error: { name: "invalid_idempotent_request", message: "payload differs", statusCode: 409 } };
        return previous.outcome;
      }
      const results = messages.map((m, i) => {
        if (m.to.startsWith("invalid")) return { error: "invalid `to` address" };
        delivered.push({ to: m.to, subject: m.subject, message: m, key: idempotencyKey });
        return { id: `${idempotencyKey}#${i}` };
      });
      const outcome: BatchOutcome = { ok: true, results };
      keys.set(idempotencyKey, { payload, outcome });
      if (policy.lose?.(call)) return { ok: false, error: { name: "application_error", message: "socket hang up", statusCode: null } };
      return outcome;
    },
  };
  return { sender, delivered, calls, perRecipient: () => countBy(delivered.map((d) => d.to)) };
}

export function countBy(values: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

/**
 * Feeds captured messages to the consumer through real MessageBatch objects until the
 * queue is empty, re-queueing what the consumer retried. Returns the retries seen.
 */
export async function drain(queue: ReturnType<typeof captureQueue>, sender: EmailSender, maxRounds = 50) {
  const retries: Array<{ body: DigestMessage; delaySeconds: number | undefined }> = [];
  const attempts = new Map<string, number>();
  let seq = 0;
  for (let round = 0; queue.messages.length > 0; round++) {
    if (round >= maxRounds) throw new Error("queue did not drain");
    const bodies = queue.messages.splice(0, 10);
    const messages = bodies.map((body) => {
      const id = `m${seq++}`;
      const k = JSON.stringify(body);
      return { id, timestamp: new Date(), body, attempts: (attempts.get(k) ?? 0) + 1 };
    });
    const batch = createMessageBatch<DigestMessage>("tidings-digest", messages);
    const ctx = createExecutionContext();
    await consumeDigestQueue(batch as MessageBatch<unknown>, env, { sender, queue });
    const result = await getQueueResult(batch, ctx);
    if (result.retryBatch.retry) throw new Error("consumer retried a whole batch");
    for (const m of messages) {
      const retry = result.retryMessages.find((r: { msgId: string; delaySeconds?: number }) => r.msgId === m.id);
      const acked = result.explicitAcks.includes(m.id);
      if (retry) {
        retries.push({ body: m.body, delaySeconds: retry.delaySeconds });
        attempts.set(JSON.stringify(m.body), m.attempts);
        queue.messages.push(m.body);
      } else if (!acked) {
        throw new Error(`message ${m.id} neither acked nor retried`);
      }
    }
  }
  return retries;
}

export async function deliveries(runId?: string) {
  const { results } = await env.DB.prepare(
    `SELECT run_id, subscriber_id, status, items, error FROM digest_deliveries ${runId ? "WHERE run_id = ?" : ""} ORDER BY run_id, subscriber_id`,
  )
    .bind(...(runId ? [runId] : []))
    .all<{ run_id: string; subscriber_id: string; status: string; items: string; error: string | null }>();
  return results;
}

/**
 * For a test file: empty digest tables and a fresh capturing queue before each test, a
 * cron that plans onto it, and a send that drains it through a fake Resend (the mail per
 * subscriber id).
 */
export function digestHarness() {
  let queue = captureQueue();
  beforeEach(async () => {
    await resetDigestTables();
    queue = captureQueue();
  });
  return {
    cron: (content: Content, at: number) => runScheduledDigests(env, at, { queue, content, now: at }),
    async send(): Promise<Map<string, Delivered>> {
      const resend = fakeResend();
      await drain(queue, resend.sender);
      return new Map(resend.delivered.map((d) => [d.to.split("@")[0]!, d]));
    },
  };
}
