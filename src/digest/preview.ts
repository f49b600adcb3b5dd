/** A digest rendered without sending: for one subscriber, or for a cadence and filters. */
import type { Content } from "../content/index.js";
import type { EmailMessage } from "../email/sender.js";
import type { Env } from "../env.js";
import { composeDigest } from "./compose.js";
import { LOOKBACK_MS, selectItems, slugList, snapshot, type DigestItem, type Filters } from "./items.js";
import { windowItems } from "./ledger.js";
import type { Cadence } from "./schedule.js";

export interface Preview {
  message: EmailMessage;
  /** New items a digest would hold now. */
  items: number;
  /** True when nothing is new, so the latest matching articles are shown instead. */
  sample: boolean;
}

const SAMPLE = 5;

/** What a run starting now would offer: the ledger window plus articles not yet seen. */
async function candidates(db: D1Database, content: Content, now: number): Promise<DigestItem[]> {
  const seen = new Set((await db.prepare("SELECT article_id FROM articles_seen").all<{ article_id: string }>()).results.map((r) => r.article_id));
  // An empty ledger means a new deployment: its first run sends nothing.
  const unseen: number[] = [];
  if (seen.size > 0) {
    const ids = await content.ids();
    for (let p = content.visibleStart(now); p < content.size; p++) if (!seen.has(ids[p]!)) unseen.push(p);
  }
  const fresh = (await content.articles(unseen)).map((a) => snapshot(a, now));
  return [...fresh, ...(await windowItems(db, content, now))];
}

/** The latest articles matching the filters (OR within a dimension, AND across, as `matches`). */
async function sample(content: Content, now: number, filters: Filters): Promise<DigestItem[]> {
  const positions = content.select(filters, now).slice(0, SAMPLE);
  return (await content.articles(positions)).map((a) => snapshot(a, now));
}

interface SubscriberRow {
  id: string;
  email: string;
  topics: string;
  tags: string;
  cadence: Cadence;
  confirmed_at: number | null;
  created_at: number;
  digest_through: number | null;
}

export async function previewForEmail(env: Env, content: Content, email: string, now: number): Promise<Preview | null> {
  const row = await env.DB.prepare(
    "SELECT id, email, topics, tags, CASE WHEN instant THEN 'instant' ELSE cadence END AS cadence, confirmed_at, created_at, digest_through FROM subscribers WHERE email = ? COLLATE NOCASE",
  )
    .bind(email.trim())
    .first<SubscriberRow>();
  if (!row) return null;
  const filters = { topics: slugList(row.topics), tags: slugList(row.tags) };
  const since = Math.max(row.digest_through ?? row.confirmed_at ?? row.created_at, now - LOOKBACK_MS);
  const all = await candidates(env.DB, content, now);
  const items = selectItems(all, since, filters).map((i) => all[i]!);
  const shown = items.length ? items : await sample(content, now, filters);
  const message = await composeDigest(env, row.cadence, { subscriberId: row.id, email: row.email, items: shown });
  return { message, items: items.length, sample: items.length === 0 };
}

export async function previewForFilters(env: Env, content: Content, cadence: Cadence, filters: Filters, now: number): Promise<Preview> {
  const items = await sample(content, now, filters);
  const message = await composeDigest(env, cadence, { subscriberId: "preview", email: "preview@example.invalid", items });
  return { message, items: items.length, sample: true };
}
