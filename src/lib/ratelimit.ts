/**
 * A rate limiter stored in D1 (table `rate_limits`), atomic in one statement.
 *
 * A window opens at the first hit and lasts `windowMs`; within it at most `limit` hits
 * are allowed. With `limit` 1 this is an exact cooldown: after an allowed hit at t the
 * next one is allowed at t + windowMs, however often it is tried in between.
 */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (for Retry-After). */
  retryAfter: number;
}

export async function hitRateLimit(db: D1Database, key: string, rule: RateLimit, now: number): Promise<RateDecision> {
  const row = await db
    .prepare(
      `INSERT INTO rate_limits (key, reset_at, count) VALUES (?1, ?2 + ?3, 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN rate_limits.reset_at <= ?2 THEN 1 ELSE rate_limits.count + 1 END,
         reset_at = CASE WHEN rate_limits.reset_at <= ?2 THEN ?2 + ?3 ELSE rate_limits.reset_at END
       RETURNING count, reset_at`,
    )
    .bind(key, now, rule.windowMs)
    .first<{ count: number; reset_at: number }>();
  const count = row?.count ?? 1;
  const resetAt = row?.reset_at ?? now + rule.windowMs;
  return { allowed: count <= rule.limit, retryAfter: Math.max(1, Math.ceil((resetAt - now) / 1000)) };
}

/** Deletes windows that ended before `now`. */
export async function purgeRateLimits(db: D1Database, now: number): Promise<number> {
  const result = await db.prepare("DELETE FROM rate_limits WHERE reset_at <= ?1").bind(now).run();
  return result.meta.changes ?? 0;
}

/**
 * The network a client address stands for, as a rate-limit key: an IPv4 address as it is,
 * an IPv6 address by its /64 (one end site, RFC 6177 — a client there can pick any of
 * 2^64 addresses), an IPv4-mapped IPv6 address as its IPv4 address. Anything else is kept
 * whole under `other:`.
 */
export function networkKey(ip: string): string {
  const text = ip.trim().toLowerCase();
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4 && v4[1]!.split(".").every((n) => Number(n) <= 255)) return `v4:${v4[1]!.split(".").map(Number).join(".")}`;
  const groups = ipv6Groups(text);
  return groups ? `v6:${groups.slice(0, 4).join(":")}::/64` : `other:${ip}`;
}

/** The eight 16-bit groups of an IPv6 address (no zone, no embedded IPv4), or null. */
function ipv6Groups(text: string): string[] | null {
  if (!/^[0-9a-f:]{2,39}$/.test(text)) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16).toString(16));
}
