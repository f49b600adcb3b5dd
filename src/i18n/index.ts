/**
 * The message catalogue: one file per language (en.ts, zh-CN.ts, zh-TW.ts), chosen by
 * SITE_LANGUAGE. Unknown languages fall back to English. Pure: no I/O, no Env.
 *
 * Templates call `messagesFor(lang)` and fill placeholders with `format()` (text) or
 * `fill()` (hono/jsx children, so a value can be markup such as a link or <strong>).
 */
import type { Child } from "hono/jsx";
import en, { type Messages } from "./en.js";
import zhCN from "./zh-CN.js";
import zhTW from "./zh-TW.js";

export type { Messages };

export const CATALOGUES = { en, "zh-CN": zhCN, "zh-TW": zhTW } as const satisfies Record<string, Messages>;
export type Language = keyof typeof CATALOGUES;
export const LANGUAGES = Object.keys(CATALOGUES) as Language[];

/** Plural forms, picked with Intl.PluralRules (Chinese has only `other`). */
export interface Plural {
  one: string;
  other: string;
}

/**
 * SITE_LANGUAGE → a catalogue language: exact tags (any case), then by script/region
 * (`zh`, `zh-Hans`, `zh-SG` → zh-CN; `zh-Hant`, `zh-HK`, `zh-MO` → zh-TW), then by the
 * primary subtag (`en-GB` → en); anything else → en.
 */
export function resolveLanguage(tag: string | undefined): Language {
  const t = (tag ?? "").trim().replace(/_/g, "-").toLowerCase();
  for (const lang of LANGUAGES) if (lang.toLowerCase() === t) return lang;
  const [primary, ...rest] = t.split("-");
  if (primary === "zh") return rest.some((p) => p === "hant" || p === "tw" || p === "hk" || p === "mo") ? "zh-TW" : "zh-CN";
  return "en";
}

export function messagesFor(tag: string | undefined): Messages {
  return CATALOGUES[resolveLanguage(tag)];
}

/** How a kind of term is named to readers (feed titles, landing pages): `Topic`, `专题`. */
export function kindLabel(t: Messages, kind: "tags" | "topics"): string {
  return kind === "tags" ? t.terms.tag : t.terms.topic;
}

type Values = Record<string, string | number>;

/** Every message's key as a dotted path (`reasons.unknownTag`, `errors.badLink`). */
type MessagePaths<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : T[K] extends readonly unknown[] ? never : MessagePaths<T[K], `${P}${K}.`>;
}[keyof T & string];
export type MessageKey = MessagePaths<Messages>;

/**
 * A message still to be said: a catalogue key and its placeholder values (a value may be
 * another Reason). Pure code (parsers) returns these; whoever answers formats them in the
 * site's language with `say()`, and JSON answers keep the English text with `key` as a
 * stable `code`.
 */
export interface Reason {
  key: MessageKey;
  values?: Record<string, string | number | Reason>;
}

/** The message `key` names in `t`. */
export function message(t: Messages, key: MessageKey): string {
  let node: unknown = t;
  for (const part of key.split(".")) node = (node as Record<string, unknown>)[part];
  return node as string;
}

/** A Reason in `t`'s language (nested reasons too). */
export function say(t: Messages, reason: Reason): string {
  const values: Values = {};
  for (const [name, value] of Object.entries(reason.values ?? {})) values[name] = typeof value === "object" ? say(t, value) : value;
  return format(message(t, reason.key), values);
}

/** `format("{n} of {m}", { n: 1, m: 2 })` → `1 of 2`. Unknown placeholders stay as written. */
export function format(template: string, values: Values = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** Like format(), but values may be JSX (a link, <strong>): returns children for a template. */
export function fill(template: string, values: Record<string, Child>): Child[] {
  const out: Child[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    const name = m[1]!;
    if (!(name in values)) continue;
    out.push(template.slice(last, m.index), values[name]);
    last = m.index! + m[0].length;
  }
  out.push(template.slice(last));
  return out;
}

/** The plural form for `count` in `t`'s language (placeholders left to fill). */
export function pluralForm(t: Messages, forms: Plural, count: number): string {
  return new Intl.PluralRules(t.lang).select(count) === "one" ? forms.one : forms.other;
}

/** The plural form for `count`, with `{count}` (and `values`) filled in. */
export function plural(t: Messages, forms: Plural, count: number, values: Values = {}): string {
  return format(pluralForm(t, forms, count), { count, ...values });
}

/** The placeholders a message uses, for the catalogue tests. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
}

/**
 * A date formatter for one language and time zone (make one per render, reuse it per item).
 * Given a time zone, it formats the instant in that zone (a subscriber's own calendar
 * day). Without one, an RFC 3339 date keeps the author's calendar day, as written.
 */
export function dateFormatter(t: Messages, timeZone?: string): (date: string | number) => string {
  const zoned = timeZone ? safeFormat(t.lang, timeZone) : undefined;
  // One per catalogue language (three at most), made on first use.
  let utc = utcFormats.get(t.lang);
  if (!utc) utcFormats.set(t.lang, (utc = safeFormat(t.lang, "UTC")!));
  return (date) => {
    if (zoned) {
      const ms = typeof date === "number" ? date : Date.parse(date);
      if (Number.isFinite(ms)) return zoned.format(ms);
    }
    if (typeof date === "number") return utc.format(date);
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
    return m ? utc.format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : date;
  };
}

const utcFormats = new Map<string, Intl.DateTimeFormat>();

function safeFormat(lang: string, timeZone: string): Intl.DateTimeFormat | undefined {
  try {
    return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone });
  } catch {
    return undefined;
  }
}
