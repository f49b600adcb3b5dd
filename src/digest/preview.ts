/** A digest rendered without sending: for one subscriber, or for a cadence and filters. */
import type { Content } from "../content/index.js";
import type { EmailMessage } from "../email/sender.js";
import { readConfig } from "../config.js";
import type { Env } from "../env.js";
import { composeDigest } from "./compose.js";
import { findByEmail } from "../subscribers/store.js";
import { LOOKBACK_MS, selectItems, snapshot, windowStart, type DigestItem, type Filters } from "./items.js";
import { pendingSync, seenArticleIds, windowItems } from "./ledger.js";
import type { Cadence } from "./due.js";

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
  // What the next sync would add (an empty ledger means a new deployment: its first run sends nothing).
  const pending = await pendingSync(db, content, now);
  const unseen: number[] = [];
  if (!pending.baseline) {
    // A version compared already: only what was published since can be new; else compare with every ledger row.
    const seen = pending.full ? await seenArticleIds(db) : undefined;
    const ids = seen ? await content.ids() : undefined;
    for (let p = pending.start; p < pending.end; p++) if (!seen?.has(ids![p]!)) unseen.push(p);
  }
  const fresh = (await content.articles(unseen)).map((a) => snapshot(a, now));
  return [...fresh, ...(await windowItems(db, content, now))];
}

/** The latest articles matching the filters (OR within a dimension, AND across, as `matches`). */
async function sample(content: Content, now: number, filters: Filters): Promise<DigestItem[]> {
  const positions = content.select(filters, now).slice(0, SAMPLE);
  return (await content.articles(positions)).map((a) => snapshot(a, now));
}

export async function previewForEmail(env: Env, content: Content, email: string, now: number): Promise<Preview | null> {
  const subscriber = await findByEmail(env.DB, email.trim());
  if (!subscriber) return null;
  const filters = { topics: subscriber.topics, tags: subscriber.tags };
  const since = windowStart(subscriber, now - LOOKBACK_MS);
  const all = await candidates(env.DB, content, now);
  const items = selectItems(all, since, filters).map((i) => all[i]!);
  const shown = items.length ? items : await sample(content, now, filters);
  const message = await composeDigest(readConfig(env), subscriber.cadence, { subscriberId: subscriber.id, email: subscriber.email, items: shown, feedTokenVersion: subscriber.feedTokenVersion });
  return { message, items: items.length, sample: items.length === 0 };
}

export async function previewForFilters(env: Env, content: Content, cadence: Cadence, filters: Filters, now: number): Promise<Preview> {
  const items = await sample(content, now, filters);
  const message = await composeDigest(readConfig(env), cadence, { subscriberId: "preview", email: "preview@example.invalid", items });
  return { message, items: items.length, sample: true };
}
