/**
 * What a subscriber chose, and the one parser for it (subscribe form, preferences form,
 * and their JSON variants). Topics and tags are stored as canonical termSlug()s.
 */
import type { Content } from "../content/index.js";
import { termSlug, type TermKind } from "../lib/terms.js";

export type Cadence = "daily" | "weekly";

export interface Preferences {
  /** termSlug()s; empty = everything. */
  topics: string[];
  tags: string[];
  cadence: Cadence;
  /** IANA time zone. */
  timezone: string;
  /** Local hour 0–23 the digest goes out. */
  hour: number;
  /** Day of a weekly digest, 0 = Sunday … 6. */
  weekday: number;
}

export const DEFAULT_PREFERENCES: Readonly<Preferences> = { topics: [], tags: [], cadence: "daily", timezone: "UTC", hour: 8, weekday: 1 };

/** Field values as a form or JSON body gives them. */
export type Fields = Record<string, unknown>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const MAX_TERMS = 200;

/** Canonical IANA name of a time zone, or null when the runtime does not know it. */
export function canonicalTimeZone(name: string): string | null {
  if (name.length === 0 || name.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(name)) return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null || value === "") return [];
  return Array.isArray(value) ? value : [value];
}

/** What preferences need of the content: whether a term exists. */
export type TermLookup = Pick<Content, "term">;

function parseTerms(kind: TermKind, value: unknown, allowed: ReadonlySet<string>, content: TermLookup): Parsed<string[]> {
  const items = asList(value);
  if (items.length > MAX_TERMS) return { ok: false, reason: `at most ${MAX_TERMS} ${kind}` };
  const out = new Set<string>();
  for (const item of items) {
    if (typeof item !== "string") return { ok: false, reason: `${kind} must be a list of names` };
    if (item.trim() === "") continue;
    const slug = termSlug(item);
    if (!content.term(kind, slug) && !allowed.has(slug)) return { ok: false, reason: `unknown ${kind === "tags" ? "tag" : "topic"}: ${item.slice(0, 80)}` };
    out.add(slug);
  }
  return { ok: true, value: [...out].sort() };
}

function parseInteger(name: string, value: unknown, min: number, max: number): Parsed<number> {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\s*\d{1,2}\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) return { ok: false, reason: `${name} must be a whole number from ${min} to ${max}` };
  return { ok: true, value: n };
}

/**
 * Reads preferences from `fields` on top of `base`. A field that is absent keeps the
 * base value, except topics and tags in a form post (`listsAbsentMeanNone`): an
 * unticked box sends nothing, so absent means none. Terms already in `base` stay valid
 * even if the content no longer has them.
 */
export function parsePreferences(fields: Fields, base: Preferences, listsAbsentMeanNone: boolean, content: TermLookup): Parsed<Preferences> {
  const out: Preferences = { ...base };
  for (const kind of ["topics", "tags"] as const) {
    if (fields[kind] === undefined && !listsAbsentMeanNone) continue;
    const parsed = parseTerms(kind, fields[kind], new Set(base[kind]), content);
    if (!parsed.ok) return parsed;
    out[kind] = parsed.value;
  }
  if (fields.cadence !== undefined && fields.cadence !== "") {
    if (fields.cadence !== "daily" && fields.cadence !== "weekly") return { ok: false, reason: "cadence must be daily or weekly" };
    out.cadence = fields.cadence;
  }
  if (fields.timezone !== undefined && fields.timezone !== "") {
    const tz = typeof fields.timezone === "string" ? canonicalTimeZone(fields.timezone.trim()) : null;
    if (!tz) return { ok: false, reason: "timezone must be an IANA time zone name such as Europe/Berlin" };
    out.timezone = tz;
  }
  for (const [name, key, max] of [["hour", "hour", 23], ["weekday", "weekday", 6]] as const) {
    if (fields[name] === undefined || fields[name] === "") continue;
    const parsed = parseInteger(name, fields[name], 0, max);
    if (!parsed.ok) return parsed;
    out[key] = parsed.value;
  }
  return { ok: true, value: out };
}

let zoneList: readonly string[] | undefined;

/** Every time zone the runtime knows, for the form's select (listed once per isolate). */
export function timeZones(): readonly string[] {
  if (zoneList) return zoneList;
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    // older runtimes: the select still offers UTC and the stored value
  }
  return (zoneList = zones.includes("UTC") ? zones : ["UTC", ...zones]);
}
