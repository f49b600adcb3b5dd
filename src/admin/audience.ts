/**
 * GET /admin/audience: feed audience. JSON (`Accept: application/json`, or a bearer call)
 * `{ feeds: [{ path, subscribers, aggregators: { Feedly: 42, … }, clients }], email:
 * { topics: { slug: n }, tags: { slug: n }, everything: n } }`; otherwise the console page
 * with a 30-day chart per feed.
 */
import type { Context } from "hono";
import { flushAudience, utcDay } from "../audience/recorder.js";
import { readAudience, readAudienceDays, type AudienceDay, type FeedAudience } from "../audience/store.js";
import type { AppEnv } from "../env.js";
import { countActiveByTerm } from "../subscribers/store.js";

export const AUDIENCE_DAYS = 30;

export interface AudienceReport {
  feeds: FeedAudience[];
  email: Awaited<ReturnType<typeof countActiveByTerm>>;
}

export function windowStart(now: number, days = AUDIENCE_DAYS): string {
  return utcDay(now - (days - 1) * 86_400_000);
}

/** The JSON report; this isolate's buffered sightings are written first so it is current. */
export async function audienceReport(db: D1Database, now: number): Promise<AudienceReport> {
  await flushAudience(db);
  const [feeds, email] = await Promise.all([readAudience(db, windowStart(now)), countActiveByTerm(db)]);
  return { feeds, email };
}

export async function audienceDays(db: D1Database, now: number): Promise<AudienceDay[]> {
  return readAudienceDays(db, windowStart(now));
}

export async function audienceJson(c: Context<AppEnv>): Promise<Response> {
  return c.json(await audienceReport(c.env.DB, Date.now()));
}
