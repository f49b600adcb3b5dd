/**
 * When digests are due (pure). Cron fires hourly in UTC; a subscriber is due in the slot
 * where their local clock reaches their chosen hour (and, for weekly, their weekday).
 * DST: an hour skipped by spring-forward is served with the next one; an hour repeated
 * by fall-back is served only the first time.
 */
export type Cadence = "daily" | "weekly";
export const CADENCES: readonly Cadence[] = ["daily", "weekly"];
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
const formats = new Map<string, Intl.DateTimeFormat | null>();

function format(timeZone: string): Intl.DateTimeFormat | null {
  let f = formats.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", hour: "2-digit", weekday: "short" });
    } catch {
      f = null;
    }
    formats.set(timeZone, f);
  }
  return f;
}

/** Local hour (0–23) and weekday (0 = Sunday) at `time`; null for an unknown zone. */
export function localClock(timeZone: string, time: number): { hour: number; weekday: number } | null {
  const f = format(timeZone);
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
  const targets: Target[] = [];
  for (const timezone of [...new Set(timezones)].sort()) {
    for (const { hour, weekday } of hoursReached(timezone, slot)) {
      targets.push(cadence === "weekly" ? { timezone, hour, weekday } : { timezone, hour });
    }
  }
  return targets;
}
