/** What a digest template renders (templates/email/digest.tsx, digest-text.ts): data only. */
import type { Messages } from "../i18n/index.js";
import type { DigestItem } from "./items.js";
import type { Cadence } from "./due.js";

export interface DigestModel {
  siteTitle: string;
  siteUrl: string;
  /** The catalogue language (resolved from SITE_LANGUAGE). */
  lang: string;
  t: Messages;
  /** Formats an item's date for the language and the recipient's time zone. */
  date: (iso: string) => string;
  cadence: Cadence;
  /** The items listed, newest first (at most MAX_LISTED). */
  items: DigestItem[];
  /** All new items, listed or not. */
  total: number;
  preferencesUrl: string;
  unsubscribeUrl: string;
  /** The recipient's personal feed (also where the items past MAX_LISTED are); absent on a page and in previews. */
  feedUrl?: string;
  /** The mail's "view in browser" link (its web copy, /digests/{token}); absent on a page and in previews. */
  webCopyUrl?: string;
  /** Set when the digest is rendered as a web page, not a mail (see DigestPage). */
  page?: DigestPage;
  strings: DigestStrings;
}

/**
 * A digest as a web page (/digests/…): the recipient's own links (preferences,
 * unsubscribe) are left out — a copy's URL may be forwarded — and this note and these
 * links take their place.
 */
export interface DigestPage {
  note: string;
  links: Array<{ href: string; label: string }>;
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
