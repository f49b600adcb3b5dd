/**
 * Renders one digest email (pure, deterministic): subject, HTML and text from the frozen
 * items and the recipient's links. Same input, same bytes — retries rely on it.
 */
import { digestHtml } from "../../templates/email/digest.js";
import { digestText } from "../../templates/email/digest-text.js";
import { MAX_LISTED, type DigestItem } from "./items.js";
import { dateFormatter, format, messagesFor, plural, type Messages } from "../i18n/index.js";
import type { Cadence } from "./due.js";
import type { DigestModel, DigestPage, DigestStrings } from "./model.js";

export type { DigestModel, DigestPage, DigestStrings } from "./model.js";

function stringsFor(t: Messages, cadence: Cadence, total: number, siteTitle: string): DigestStrings & { subject: string } {
  const m = t.digest;
  const more = total > MAX_LISTED ? total - MAX_LISTED : 0;
  return {
    subject: plural(t, m.subject, total, { site: siteTitle }),
    heading: format(m.heading[cadence], { site: siteTitle }),
    intro: plural(t, m.intro, total),
    read: m.read,
    more: more ? plural(t, m.more, more) : "",
    why: format(m.why, { cadence: t.cadenceWord[cadence], site: siteTitle }),
    preferences: m.preferences,
    unsubscribe: m.unsubscribe,
  };
}

/** At most `max` user-perceived characters, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const segments = Array.from(new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text), (s) => s.segment);
  return segments.length <= max ? text : segments.slice(0, max - 1).join("").trimEnd() + "…";
}

export interface RenderInput {
  siteTitle: string;
  siteUrl: string;
  /** SITE_LANGUAGE as configured. */
  lang: string;
  /** The recipient's IANA time zone, for dates; absent = the author's calendar day. */
  timezone?: string;
  cadence: Cadence;
  items: DigestItem[];
  preferencesUrl: string;
  unsubscribeUrl: string;
  /** The mail's web copy ("view in browser"). */
  webCopyUrl?: string;
  /** The recipient's personal feed (RSS URL). */
  feedUrl?: string;
  /** Every new item, when `items` holds only the first MAX_LISTED (a web copy reads no more than it lists). */
  total?: number;
}

export interface RenderedDigest {
  subject: string;
  html: string;
  text: string;
}

function modelOf(input: RenderInput): DigestModel & { subject: string } {
  const total = input.total ?? input.items.length;
  const t = messagesFor(input.lang);
  const { subject, ...strings } = stringsFor(t, input.cadence, total, input.siteTitle);
  return { ...input, lang: t.lang, t, date: dateFormatter(t, input.timezone), items: input.items.slice(0, MAX_LISTED), total, strings, subject };
}

export function renderDigest(input: RenderInput): RenderedDigest {
  const { subject, ...model } = modelOf(input);
  const t = model.t;
  const total = model.total;
  const lead = clip((input.items[0]?.title ?? "").replace(/\s+/g, " ").trim(), 90);
  return {
    // Mail as articles appear: one article's subject is its title.
    subject: input.cadence === "instant" && total === 1 ? lead : `${subject}${t.digest.subjectSeparator}${lead}`,
    html: digestHtml(model),
    text: digestText(model),
  };
}

export interface PageInput extends Omit<RenderInput, "preferencesUrl" | "unsubscribeUrl" | "webCopyUrl" | "feedUrl"> {
  page: DigestPage;
  /** Replaces the mail's intro ("… since your last mail") where it would not be true. */
  intro?: string;
}

/** A digest as a web page — a mail's web copy, or a public site-wide digest: the mail's own template, without the personal links. */
export function renderDigestPage(input: PageInput): string {
  const { page, intro, ...rest } = input;
  const { subject: _subject, strings, ...model } = modelOf({ ...rest, preferencesUrl: "", unsubscribeUrl: "" });
  return digestHtml({ ...model, page, strings: intro === undefined ? strings : { ...strings, intro } });
}
