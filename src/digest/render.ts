/**
 * Renders one digest email (pure, deterministic): subject, HTML and text from the frozen
 * items and the recipient's links. Same input, same bytes — retries rely on it.
 */
import { digestHtml } from "../../templates/email/digest.js";
import { digestText } from "../../templates/email/digest-text.js";
import { MAX_LISTED, type DigestItem } from "./items.js";
import { dateFormatter, format, messagesFor, plural, type Messages } from "../i18n/index.js";
import type { Cadence } from "./schedule.js";
import type { DigestModel, DigestStrings } from "./model.js";

export type { DigestModel, DigestStrings } from "./model.js";

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
}

export interface RenderedDigest {
  subject: string;
  html: string;
  text: string;
}

export function renderDigest(input: RenderInput): RenderedDigest {
  const total = input.items.length;
  const t = messagesFor(input.lang);
  const { subject, ...strings } = stringsFor(t, input.cadence, total, input.siteTitle);
  const lead = clip((input.items[0]?.title ?? "").replace(/\s+/g, " ").trim(), 90);
  const model: DigestModel = { ...input, lang: t.lang, t, date: dateFormatter(t, input.timezone), items: input.items.slice(0, MAX_LISTED), total, strings };
  return {
    // Mail as articles appear: one article's subject is its title.
    subject: input.cadence === "instant" && total === 1 ? lead : `${subject}${t.digest.subjectSeparator}${lead}`,
    html: digestHtml(model),
    text: digestText(model),
  };
}
