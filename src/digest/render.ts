/**
 * Renders one digest email (pure, deterministic): subject, HTML and text from the frozen
 * items and the recipient's links. Same input, same bytes — retries rely on it.
 */
import { digestHtml } from "../../templates/email/digest.js";
import { digestText } from "../../templates/email/digest-text.js";
import { MAX_LISTED, type DigestItem } from "./items.js";
import type { Cadence } from "./schedule.js";

export interface DigestModel {
  siteTitle: string;
  siteUrl: string;
  lang: string;
  cadence: Cadence;
  /** The items listed, newest first (at most MAX_LISTED). */
  items: DigestItem[];
  /** All new items, listed or not. */
  total: number;
  preferencesUrl: string;
  unsubscribeUrl: string;
  strings: DigestStrings;
}

export interface DigestStrings {
  heading: string;
  intro: string;
  read: string;
  more: string;
  why: string;
  preferences: string;
  unsubscribe: string;
}

function stringsFor(lang: string, cadence: Cadence, total: number, siteTitle: string): DigestStrings & { subject: string } {
  const more = total > MAX_LISTED ? total - MAX_LISTED : 0;
  if (lang.toLowerCase().startsWith("zh")) {
    return {
      subject: `【${siteTitle}】${total} 篇新文章`,
      heading: cadence === "weekly" ? "本周新文章" : "今日新文章",
      intro: `自上次邮件以来有 ${total} 篇新文章。`,
      read: "阅读全文 →",
      more: more ? `另有 ${more} 篇新文章，请访问网站查看。` : "",
      why: `你收到这封邮件，是因为你订阅了 ${siteTitle} 的${cadence === "weekly" ? "每周" : "每日"}摘要。`,
      preferences: "修改订阅偏好",
      unsubscribe: "退订",
    };
  }
  const noun = total === 1 ? "new article" : "new articles";
  return {
    subject: `[${siteTitle}] ${total} ${noun}`,
    heading: cadence === "weekly" ? "This week's new articles" : "Today's new articles",
    intro: `${total} ${noun} since your last digest.`,
    read: "Read more →",
    more: more ? `And ${more} more on the site.` : "",
    why: `You get this because you subscribed to the ${cadence} digest of ${siteTitle}.`,
    preferences: "Change preferences",
    unsubscribe: "Unsubscribe",
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
  lang: string;
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
  const { subject, ...strings } = stringsFor(input.lang, input.cadence, total, input.siteTitle);
  const lead = input.items[0]?.title ?? "";
  const model: DigestModel = { ...input, items: input.items.slice(0, MAX_LISTED), total, strings };
  const separator = input.lang.toLowerCase().startsWith("zh") ? "：" : ": ";
  return {
    subject: `${subject}${separator}${clip(lead.replace(/\s+/g, " ").trim(), 90)}`,
    html: digestHtml(model),
    text: digestText(model),
  };
}

/** `2025-06-27T10:30:00+08:00` → `2025-06-27` (the author's calendar date). */
export function displayDate(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.exec(iso)?.[0] ?? iso;
}
