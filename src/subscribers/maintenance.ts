/** Housekeeping for the scheduled handler. */
import type { Env } from "../env.js";
import { purgeRateLimits } from "../lib/ratelimit.js";
import { CONFIRM_TOKEN_TTL_MS } from "../lib/tokens.js";

/** Webhook ids are kept this long for de-duplication (Resend retries for about a day). */
export const WEBHOOK_EVENT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Deletes sign-ups left unconfirmed for 30 days (their confirm links have expired by
 * then), ended rate-limit windows, and webhook ids older than a week. Idempotent; call
 * it from scheduled().
 */
export async function purgeExpiredPending(env: Env, now: number): Promise<{ pending: number; rateLimits: number; webhookEvents: number }> {
  const [pending, events] = await env.DB.batch([
    env.DB.prepare("DELETE FROM subscribers WHERE status = 'pending' AND updated_at <= ?1").bind(now - CONFIRM_TOKEN_TTL_MS),
    env.DB.prepare("DELETE FROM webhook_events WHERE received_at <= ?1").bind(now - WEBHOOK_EVENT_RETENTION_MS),
  ]);
  const rateLimits = await purgeRateLimits(env.DB, now);
  return { pending: pending!.meta.changes ?? 0, rateLimits, webhookEvents: events!.meta.changes ?? 0 };
}
