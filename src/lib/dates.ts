const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * RFC 3339 (`2025-06-27T09:10:04+08:00`) → RFC 822 as RSS wants it, keeping the
 * author's wall-clock time and offset: `Fri, 27 Jun 2025 09:10:04 +0800`.
 */
export function rfc822(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!m) return new Date(iso).toUTCString().replace("GMT", "+0000");
  const [, y, mo, d, h, mi, s, zone] = m;
  const weekday = DAYS[new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDay()];
  const offset = zone === "Z" ? "+0000" : zone!.replace(":", "");
  return `${weekday}, ${d} ${MONTHS[Number(mo) - 1]} ${y} ${h}:${mi}:${s} ${offset}`;
}

/** Epoch ms → HTTP-date (`Fri, 27 Jun 2025 01:10:04 GMT`). */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

/** Epoch ms → RFC 3339 in UTC, whole seconds. */
export function isoUtc(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
