/**
 * When digests are due (pure). Cron fires hourly in UTC; a subscriber is due in the slot
 * where their local clock reaches their chosen hour (and, for weekly, their weekday).
 * DST: an hour skipped by spring-forward is served with the next one; an hour repeated
 * by fall-back is served only the first time.
 */
/** `instant`: every hourly run, with whatever is new (issue 11). */
export type Cadence = "instant" | "daily" | "weekly";
export const CADENCES: readonly Cadence[] = ["daily", "weekly", "instant"];
export const HOUR_MS = 3_600_000;

/** Which subscribers of a cadence a run is for. Empty object = everyone (manual runs). */
export interface Target {
  timezone?: string;
  hour?: number;
  weekday?: number;
}

export function slotOf(time: number): number {
  return Math.floor(time / HOUR_MS) * HOUR_MS;
}

/** Stable run id for a cron slot: `daily:2026-03-08T07Z`. */
export function cronRunId(cadence: Cadence, slot: number): string {
  return `${cadence}:${new Date(slot).toISOString().slice(0, 13)}Z`;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
/**
 * One formatter per (purpose, time zone), made once per isolate. Only zones that exist are
 * kept (the IANA list bounds them); an unknown zone is answered null and remembers nothing.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat | null {
  const key = `${locale}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    } catch {
      return null;
    }
    formatters.set(key, f);
  }
  return f;
}

const CLOCK: Intl.DateTimeFormatOptions = { hourCycle: "h23", hour: "2-digit", weekday: "short" };
const CALENDAR_DATE: Intl.DateTimeFormatOptions = { year: "numeric", month: "2-digit", day: "2-digit" };

/** Local hour (0–23) and weekday (0 = Sunday) at `time`; null for an unknown zone. */
export function localClock(timeZone: string, time: number): { hour: number; weekday: number } | null {
  const f = zoneFormatter("en-US", timeZone, CLOCK);
  if (!f) return null;
  let hour = -1;
  let weekday = -1;
  for (const part of f.formatToParts(new Date(time))) {
    if (part.type === "hour") hour = Number(part.value) % 24;
    else if (part.type === "weekday") weekday = WEEKDAYS.indexOf(part.value);
  }
  return hour < 0 || weekday < 0 ? null : { hour, weekday };
}

/**
 * Local (hour, weekday) pairs that begin in the hour ending at `slot`: normally one, two
 * after a spring-forward gap, none on the repeated hour of a fall-back.
 */
export function hoursReached(timeZone: string, slot: number): Array<{ hour: number; weekday: number }> {
  const now = localClock(timeZone, slot);
  const before = localClock(timeZone, slot - HOUR_MS);
  if (!now || !before) return [];
  const steps = (now.hour - before.hour + 24) % 24;
  const out: Array<{ hour: number; weekday: number }> = [];
  for (let i = 0; i < steps; i++) {
    const h = now.hour - i;
    out.push({ hour: (h + 24) % 24, weekday: h < 0 ? (now.weekday + 6) % 7 : now.weekday });
  }
  return out;
}

/** Targets due at `slot` for the given subscriber time zones, in a stable order. */
export function dueTargets(cadence: Cadence, timezones: readonly string[], slot: number): Target[] {
  // Instant subscribers are due at every run, wherever they are.
  if (cadence === "instant") return timezones.length ? [{}] : [];
  const targets: Target[] = [];
  for (const timezone of [...new Set(timezones)].sort()) {
    for (const { hour, weekday } of hoursReached(timezone, slot)) {
      targets.push(cadence === "weekly" ? { timezone, hour, weekday } : { timezone, hour });
    }
  }
  return targets;
}

/** The local calendar date (`2026-01-05`) at `time`; null for an unknown zone. */
export function localDate(timeZone: string, time: number): string | null {
  const f = zoneFormatter("en-CA", timeZone, CALENDAR_DATE);
  return f ? f.format(new Date(time)) : null;
}

/** What a subscriber chose that can hold their mail back for a while. */
export interface Holds {
  timezone: string;
  /** Local hours [start, end) with no instant mail; wraps midnight when start > end. */
  quiet: { start: number; end: number } | null;
  /** `YYYY-MM-DD`: nothing is sent while the local date is before it. */
  pausedUntil: string | null;
}

/**
 * True while mail for this subscriber waits: paused (any cadence), or in quiet hours
 * (instant only; a daily or weekly hour is chosen by the subscriber anyway). Nothing is
 * lost: the watermark stays put, so the next run after the hold carries it all.
 */
export function heldBack(cadence: Cadence, holds: Holds, time: number): boolean {
  if (holds.pausedUntil) {
    const today = localDate(holds.timezone, time) ?? localDate("UTC", time)!;
    if (today < holds.pausedUntil) return true;
  }
  if (cadence === "instant" && holds.quiet && holds.quiet.start !== holds.quiet.end) {
    const hour = (localClock(holds.timezone, time) ?? localClock("UTC", time)!).hour;
    const { start, end } = holds.quiet;
    return start < end ? hour >= start && hour < end : hour >= start || hour < end;
  }
  return false;
}
