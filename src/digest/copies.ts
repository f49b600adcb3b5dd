/**
 * Digests on the web: each mail's own copy (`/digests/{token}`, the "view in browser"
 * link). The copy is the mail's template rendered from the delivery's frozen items and
 * time zone, so it lists exactly what that recipient got, dated as in the mail; it leaves
 * out the personal links (a copy's URL may be forwarded) and carries no tracking.
 *
 * And the public side: `/digests` lists the newest site-wide digests of a cadence — a
 * run's site-wide digest is what a recipient who chose no topics and no tags was planned
 * in it (migrations/0007, recorded by the planner) — and `/digests/run/{runId}` is its
 * copy, which holds articles only, nothing of any subscriber.
 */
import type { Env } from "../env.js";
import { plural, type Messages, type Reason } from "../i18n/index.js";
import { digestRunPath } from "../lib/urls.js";
import { readConfig } from "../config.js";
import { verifyLink, webCopySubject } from "../subscribers/links.js";
import { MAX_LISTED } from "./items.js";
import type { DigestPage } from "./model.js";
import { renderDigestPage } from "./render.js";
import { deliveredCopy, listPublicDigests, publicCopy, publicCursor, type PublicDigest } from "./runs.js";
import { CADENCES, type Cadence } from "./due.js";

export type WebAnswer = { status: 200; html: string } | { status: 404 | 410; reason: Reason };

/** The footer a digest page carries instead of the recipient's links. */
function pageFooter(t: Messages, note: string): DigestPage {
  return { note, links: [{ href: "/digests", label: t.digests.title }, { href: "/subscribe", label: t.nav.subscribe }] };
}

/**
 * The web copy a token names. Not signed by us for this purpose (tampered, another
 * purpose's token, unknown) → 404; signed but its run or row is gone (pruned after 90
 * days, or the subscriber deleted) → 410. Throws ConfigError without TOKEN_SECRET.
 */
export async function webCopy(env: Env, token: string): Promise<WebAnswer> {
  const { site, page, links } = readConfig(env);
  const { t } = page;
  const subject = await verifyLink(links, token, "digest-copy");
  const names = subject ? webCopySubject(subject) : null;
  if (!names) return { status: 404, reason: { key: "errors.badLink" } };
  const copy = await deliveredCopy(env.DB, names.runId, names.subscriberId, MAX_LISTED);
  if (!copy) return { status: 410, reason: { key: "digests.gone" } };
  const html = renderDigestPage({
    siteTitle: site.title,
    siteUrl: site.url,
    lang: site.language,
    ...(copy.timezone ? { timezone: copy.timezone } : {}),
    cadence: copy.cadence,
    items: copy.items,
    total: copy.total,
    page: pageFooter(t, t.digests.copyNote),
  });
  return { status: 200, html };
}

/** A run's public copy: its site-wide digest as a page (dates as the author wrote them). 404 when the run has none. */
export async function publicDigest(env: Env, runId: string): Promise<WebAnswer> {
  const { site, page } = readConfig(env);
  const { t } = page;
  const copy = await publicCopy(env.DB, runId, MAX_LISTED);
  if (!copy) return { status: 404, reason: { key: "digests.notFound" } };
  const html = renderDigestPage({
    siteTitle: site.title,
    siteUrl: site.url,
    lang: site.language,
    cadence: copy.cadence,
    items: copy.items,
    total: copy.total,
    intro: plural(t, t.digests.items, copy.total),
    page: pageFooter(t, t.digests.publicNote),
  });
  return { status: 200, html };
}

/** Site-wide digests per page of /digests, and titles shown per digest. */
export const DIGESTS_PER_PAGE = 20;
const TITLES_SHOWN = 3;

export interface DigestList {
  cadence: Cadence;
  digests: Array<PublicDigest & { path: string }>;
  /** The run id the next (older) page starts after, when there is one. */
  next: string | null;
}

/** One page of /digests: `?cadence=` (default daily, a new subscriber's) and `?before=<run id>`. A bad query is a 400 reason. */
export async function digestList(env: Env, query: { cadence: string[]; before: string[] }): Promise<DigestList | { status: 400; reason: Reason }> {
  const cadence = (query.cadence[0] ?? "daily") as Cadence;
  if (query.cadence.length > 1 || !CADENCES.includes(cadence)) return { status: 400, reason: { key: "digests.badCadence" } };
  if (query.before.length > 1) return { status: 400, reason: { key: "digests.badCursor" } };
  const before = query.before[0] ? await publicCursor(env.DB, cadence, query.before[0]) : null;
  if (query.before[0] !== undefined && !before) return { status: 400, reason: { key: "digests.badCursor" } };
  const rows = await listPublicDigests(env.DB, cadence, { limit: DIGESTS_PER_PAGE + 1, before, titles: TITLES_SHOWN });
  const shown = rows.slice(0, DIGESTS_PER_PAGE);
  return {
    cadence,
    digests: shown.map((r) => ({ ...r, path: digestRunPath(r.id) })),
    next: rows.length > DIGESTS_PER_PAGE ? shown[shown.length - 1]!.id : null,
  };
}
