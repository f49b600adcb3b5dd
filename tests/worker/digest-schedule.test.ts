/** When digests are due: local hours through DST changes (pure functions, in workerd's ICU). */
import { describe, expect, it } from "vitest";
import { cronRunId, dueTargets, hoursReached, localClock, slotOf } from "../../src/digest/due.js";

const utc = (iso: string) => Date.parse(iso);

describe("digest schedule", () => {
  it("reads the local hour and weekday of any IANA zone", () => {
    expect(localClock("Asia/Shanghai", utc("2026-01-05T09:00:00Z"))).toEqual({ hour: 17, weekday: 1 });
    expect(localClock("America/Los_Angeles", utc("2026-01-05T03:00:00Z"))).toEqual({ hour: 19, weekday: 0 });
    expect(localClock("Asia/Kolkata", utc("2026-01-05T03:00:00Z"))).toEqual({ hour: 8, weekday: 1 });
    expect(localClock("Not/A_Zone", 0)).toBeNull();
  });

  it("follows DST: 08:00 in New York is 13:00 UTC in winter and 12:00 UTC in summer", () => {
    expect(hoursReached("America/New_York", utc("2026-01-15T13:00:00Z"))).toEqual([{ hour: 8, weekday: 4 }]);
    expect(hoursReached("America/New_York", utc("2026-07-15T12:00:00Z"))).toEqual([{ hour: 8, weekday: 3 }]);
    expect(hoursReached("Europe/Berlin", utc("2026-07-15T06:00:00Z"))).toEqual([{ hour: 8, weekday: 3 }]);
  });

  it("serves the hour skipped by spring-forward with the next one", () => {
    // 2026-03-08 in New York: 01:59 EST → 03:00 EDT (07:00 UTC).
    expect(hoursReached("America/New_York", utc("2026-03-08T07:00:00Z"))).toEqual([
      { hour: 3, weekday: 0 },
      { hour: 2, weekday: 0 },
    ]);
  });

  it("serves the hour repeated by fall-back only once", () => {
    // 2026-11-01 in New York: 01:00 EDT (05:00 UTC), then 01:00 EST again (06:00 UTC).
    expect(hoursReached("America/New_York", utc("2026-11-01T05:00:00Z"))).toEqual([{ hour: 1, weekday: 0 }]);
    expect(hoursReached("America/New_York", utc("2026-11-01T06:00:00Z"))).toEqual([]);
  });

  it("gives each cadence its targets and each slot a stable run id", () => {
    const slot = slotOf(utc("2026-01-05T09:41:12Z"));
    expect(cronRunId("daily", slot)).toBe("daily:2026-01-05T09Z");
    expect(dueTargets("weekly", ["UTC", "Asia/Shanghai", "UTC"], slot)).toEqual([
      { timezone: "Asia/Shanghai", hour: 17, weekday: 1 },
      { timezone: "UTC", hour: 9, weekday: 1 },
    ]);
    expect(dueTargets("daily", ["UTC"], slot)).toEqual([{ timezone: "UTC", hour: 9 }]);
  });
});
