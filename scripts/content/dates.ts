export interface ParsedDate {
  /** RFC 3339 with the original offset (`Z` when none was written). */
  iso: string;
  ms: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses the ISO 8601 forms Hugo accepts and keeps the author's UTC offset, which a YAML
 * timestamp (and so gray-matter's default) would throw away. No offset means UTC.
 */
export function parseDate(raw: string): ParsedDate | undefined {
  const m = ISO.exec(raw.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac = "", zone] = m;
  let offset = "Z";
  if (zone && zone.toUpperCase() !== "Z") {
    const digits = zone.replace(":", "");
    const hh = digits.slice(1, 3);
    const mm = digits.slice(3, 5) || "00";
    if (Number(hh) > 23 || Number(mm) > 59) return undefined;
    offset = `${zone[0]}${hh}:${mm}`;
    if (offset === "+00:00") offset = "Z";
  }
  const fraction = frac ? frac.slice(0, 4) : "";
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction}${offset}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  // Reject dates that Date.parse silently rolls over (2025-02-30).
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  return { iso, ms };
}
