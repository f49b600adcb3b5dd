/**
 * The `webhook_events` table: ids of Resend (Svix) deliveries already handled, so a
 * redelivery is recognised and a replayed signature refused. Its only SQL.
 */

/** Webhook ids are kept this long for de-duplication (Resend retries for about a day). */
export const WEBHOOK_EVENT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export type Claim = "new" | "duplicate" | "replayed";

/**
 * Claims a delivery id: `new` the first time; `duplicate` for a redelivery of the same
 * message (a new timestamp); `replayed` for the very same signed request again.
 */
export async function claimEvent(db: D1Database, event: { id: string; timestamp: number; type: string }, now: number): Promise<Claim> {
  const claimed = await db
    .prepare("INSERT INTO webhook_events (svix_id, svix_timestamp, type, received_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (svix_id) DO NOTHING RETURNING svix_id")
    .bind(event.id, event.timestamp, event.type.slice(0, 100), now)
    .first();
  if (claimed) return "new";
  const seen = await db.prepare("SELECT svix_timestamp FROM webhook_events WHERE svix_id = ?1").bind(event.id).first<{ svix_timestamp: number }>();
  return seen?.svix_timestamp === event.timestamp ? "replayed" : "duplicate";
}

/** Forgets a claim, so the provider's redelivery is handled again (after a failure). */
export async function forgetEvent(db: D1Database, id: string): Promise<void> {
  await db.prepare("DELETE FROM webhook_events WHERE svix_id = ?1").bind(id).run();
}

/** Deletes ids older than the retention window. */
export async function pruneEvents(db: D1Database, now: number): Promise<number> {
  const result = await db.prepare("DELETE FROM webhook_events WHERE received_at <= ?1").bind(now - WEBHOOK_EVENT_RETENTION_MS).run();
  return result.meta.changes ?? 0;
}
