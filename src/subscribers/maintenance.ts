/** Housekeeping for the scheduled handler: each table's owner does its own deleting. */
import type { Env } from "../env.js";
import { purgeRateLimits } from "../lib/ratelimit.js";
import { deleteExpiredPending } from "./store.js";
import { pruneEvents } from "./webhook-events.js";

/**
 * Deletes sign-ups left unconfirmed for 30 days, ended rate-limit windows, and webhook ids
 * older than a week. Idempotent; call it from scheduled().
 */
export async function purgeExpiredPending(env: Pick<Env, "DB">, now: number): Promise<{ pending: number; rateLimits: number; webhookEvents: number }> {
  const pending = await deleteExpiredPending(env.DB, now);
  const webhookEvents = await pruneEvents(env.DB, now);
  const rateLimits = await purgeRateLimits(env.DB, now);
  return { pending, rateLimits, webhookEvents };
}
