/**
 * What a subscriber chose, and the one parser for it (subscribe form, preferences form,
 * and their JSON variants). Topics and tags are stored as canonical termSlug()s.
 * Refusals are catalogue `Reason`s (src/i18n `reasons`): the route says them in the site's
 * language; term names typed by the reader are echoed as written.
 */
import type { Content } from "../content/index.js";
import type { Cadence } from "../digest/due.js";
import type { Reason } from "../i18n/index.js";
import type { Parsed } from "../lib/parsed.js";
import { termSlug, type TermKind } from "../lib/terms.js";

/** The cadences in the order the forms offer them (digest/due.ts defines `Cadence`). */
export const CADENCE_CHOICES: readonly Cadence[] = ["instant", "daily", "weekly"];

/** Local hours [start, end) with no instant mail (wraps midnight when start > end). */
export interface QuietHours {
  start: number;
  end: number;
}

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
  /** Optional quiet hours for instant mail. */
  quiet: QuietHours | null;
  /** `YYYY-MM-DD`: no mail while the local date is before it; null = not paused. */
  pausedUntil: string | null;
}

export const DEFAULT_PREFERENCES: Readonly<Preferences> = { topics: [], tags: [], cadence: "daily", timezone: "UTC", hour: 8, weekday: 1, quiet: null, pausedUntil: null };

/** Field values as a form or JSON body gives them. */
export type Fields = Record<string, unknown>;

const MAX_TERMS = 200;

/** A parse of a form or JSON field: the value, or a Reason to show the reader. */
export type Checked<T> = Parsed<T, object, Reason>;

const TERM_REASONS = {
  topics: { tooMany: "reasons.tooManyTopics", list: "reasons.topicsList", unknown: "reasons.unknownTopic" },
  tags: { tooMany: "reasons.tooManyTags", list: "reasons.tagsList", unknown: "reasons.unknownTag" },
} as const satisfies Record<TermKind, Record<string, Reason["key"]>>;

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

function parseTerms(kind: TermKind, value: unknown, allowed: ReadonlySet<string>, content: TermLookup): Checked<string[]> {
  const items = asList(value);
  const reasons = TERM_REASONS[kind];
  if (items.length > MAX_TERMS) return { ok: false, reason: { key: reasons.tooMany, values: { max: MAX_TERMS } } };
  const out = new Set<string>();
  for (const item of items) {
    if (typeof item !== "string") return { ok: false, reason: { key: reasons.list } };
    if (item.trim() === "") continue;
    const slug = termSlug(item);
    if (!content.term(kind, slug) && !allowed.has(slug)) return { ok: false, reason: { key: reasons.unknown, values: { name: item.slice(0, 80) } } };
    out.add(slug);
  }
  return { ok: true, value: [...out].sort() };
}

function parseInteger(key: Reason["key"], value: unknown, min: number, max: number): Checked<number> {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\s*\d{1,2}\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) return { ok: false, reason: { key, values: { min, max } } };
  return { ok: true, value: n };
}

/**
 * Reads preferences from `fields` on top of `base`. A field that is absent keeps the
 * base value, except topics and tags in a form post (`listsAbsentMeanNone`): an
 * unticked box sends nothing, so absent means none. Terms already in `base` stay valid
 * even if the content no longer has them.
 */
export function parsePreferences(fields: Fields, base: Preferences, listsAbsentMeanNone: boolean, content: TermLookup): Checked<Preferences> {
  const out: Preferences = { ...base };
  for (const kind of ["topics", "tags"] as const) {
    if (fields[kind] === undefined && !listsAbsentMeanNone) continue;
    const parsed = parseTerms(kind, fields[kind], new Set(base[kind]), content);
    if (!parsed.ok) return parsed;
    out[kind] = parsed.value;
  }
  if (fields.cadence !== undefined && fields.cadence !== "") {
    if (!CADENCE_CHOICES.includes(fields.cadence as Cadence)) return { ok: false, reason: { key: "reasons.cadence" } };
    out.cadence = fields.cadence as Cadence;
  }
  if (fields.quiet !== undefined) {
    const quiet = parseQuiet(fields.quiet);
    if (!quiet.ok) return quiet;
    out.quiet = quiet.value;
  }
  if (fields.pausedUntil !== undefined) {
    const paused = parseDate(fields.pausedUntil);
    if (!paused.ok) return paused;
    out.pausedUntil = paused.value;
  }
  if (fields.timezone !== undefined && fields.timezone !== "") {
    const tz = typeof fields.timezone === "string" ? canonicalTimeZone(fields.timezone.trim()) : null;
    if (!tz) return { ok: false, reason: { key: "reasons.timezone" } };
    out.timezone = tz;
  }
  for (const [name, max] of [["hour", 23], ["weekday", 6]] as const) {
    if (fields[name] === undefined || fields[name] === "") continue;
    const parsed = parseInteger(`reasons.${name}`, fields[name], 0, max);
    if (!parsed.ok) return parsed;
    out[name] = parsed.value;
  }
  return { ok: true, value: out };
}

const QUIET_REASON: Reason = { key: "reasons.quiet" };

/** `"22-7"`, `["22", "7"]` (two form fields), `{ start, end }`; empty or null = none. */
function parseQuiet(value: unknown): Checked<QuietHours | null> {
  if (value === null || value === "") return { ok: true, value: null };
  let pair: unknown[];
  if (typeof value === "string") pair = value.split(/\s*[-–—]\s*/);
  else if (Array.isArray(value)) pair = value;
  else if (typeof value === "object") pair = [(value as Record<string, unknown>).start, (value as Record<string, unknown>).end];
  else return { ok: false, reason: QUIET_REASON };
  if (pair.length === 2 && pair.every((v) => v === "" || v === null || v === undefined)) return { ok: true, value: null };
  if (pair.length !== 2) return { ok: false, reason: QUIET_REASON };
  const [start, end] = pair.map((v) => parseInteger(QUIET_REASON.key, typeof v === "string" ? v.trim() : v, 0, 23));
  if (!start!.ok || !end!.ok) return { ok: false, reason: QUIET_REASON };
  return { ok: true, value: { start: start!.value, end: end!.value } };
}

/** A calendar date `YYYY-MM-DD` (or the date part of an ISO date-time); empty or null = none. */
function parseDate(value: unknown): Checked<string | null> {
  if (value === null || value === "") return { ok: true, value: null };
  const reason: Reason = { key: "reasons.pausedUntil" };
  if (typeof value !== "string") return { ok: false, reason };
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?$/.exec(value.trim());
  if (!m) return { ok: false, reason };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return { ok: false, reason };
  return { ok: true, value: `${m[1]}-${m[2]}-${m[3]}` };
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
