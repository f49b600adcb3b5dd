/**
 * Feeds as cached bytes: a variant (format + query + what is visible now) is selected,
 * identified and rendered once per isolate; conditional requests are answered from the
 * identity alone, without rendering.
 */
import { FORMAT_FILE, MEDIA_TYPES, type FeedFormat } from "../lib/feed-formats.js";
import { siteContent, type Content, type Selection } from "../content/index.js";
import { settingsKey, type Env } from "../env.js";
import { createByteCache, estimateBytes } from "../lib/cache.js";
import { httpDate } from "../lib/dates.js";
import { shortHash } from "../lib/http.js";
import { publicUrl, scopePath } from "../lib/urls.js";
import { buildFeedDocument, type SiteSettings } from "./document.js";
import type { FeedDocument, FeedLink } from "./model.js";
import { archivePlan, pageItems, pagingLinks, withPage, type ArchivePlan } from "./paging.js";
import { RENDERERS } from "./render.js";
import { variantKey, type FeedQuery } from "./select.js";

export interface FeedVariant {
  etag: string;
  lastModified: string;
  lastModifiedMs: number;
  /** `Content-Type` of the bytes. */
  contentType: string;
  /** Links beyond self (WebSub hub, RFC 5005 paging), also for the HTTP `Link` header. */
  links: FeedLink[];
  /** Set on RFC 5005 archive pages. */
  archive?: { page: number; pages: number };
  /** Encoded bytes, read and rendered on first use and then kept. */
  bytes(): Promise<Uint8Array>;
}

/** Another rendering of the same feed document (the HTML browser view, landing pages). */
export interface FeedView {
  /** Distinguishes this view's bytes and ETag from the feed's. */
  id: string;
  contentType: string;
  render(doc: FeedDocument, request: FeedRequest, content: Content): string;
}

export type FeedSettings = SiteSettings & Pick<Env, "WEBSUB_HUB">;

export interface FeedRequest {
  format: FeedFormat;
  query: FeedQuery;
  /** Canonical query string of this feed, `""` or `?…`. */
  search: string;
  links?: FeedLink[];
  /** RFC 5005 archive page (1 = oldest); absent for the current feed. Check `plan()` first. */
  page?: number;
  view?: FeedView;
  /**
   * Folder the feed's own URLs (self, alternates, paging) live in, ending in `/`; default
   * the scope's (`/`, `/tags/x/`). A personal feed's is `/me/{token}/`: give it only for a
   * verified token, since it becomes part of the cache keys.
   */
  basePath?: string;
  /** The document's title instead of the site's or term's (a personal feed). */
  title?: string;
}

/** Where a request's feed files live. */
export function feedBase(request: Pick<FeedRequest, "basePath" | "query">): string {
  return request.basePath ?? scopePath(request.query.scope);
}

const encoder = new TextEncoder();

export class FeedService {
  /** Variant identities; their bytes are kept apart, so a variant never rendered costs little. */
  private readonly variants = createByteCache<string, FeedVariant>({
    name: "feedVariants",
    sizeOf: (v) => 256 + estimateBytes(v.links) + estimateBytes(v.etag),
  });
  private readonly encoded = createByteCache<string, Uint8Array>({ name: "feedBytes", sizeOf: (b) => 64 + b.byteLength });
  /** Positions (typed arrays, or a range for the site feed): a selection costs its bytes. */
  private readonly selections = createByteCache<string, Selection>({ name: "feedSelections", sizeOf: (s) => s.bytes });
  /** How many times bytes were rendered (observability, and proof that 304s render nothing). */
  renders = 0;

  constructor(
    readonly content: Content,
    private readonly settings: FeedSettings,
  ) {}

  /** Positions of every article the query selects at `now`, newest first (kept per visibility). */
  private selection(query: FeedQuery, now: number): Selection {
    const key = `${variantKey(query)}|${this.content.visibleCount(now)}`;
    let articles = this.selections.get(key);
    if (!articles) {
      articles = this.content.select(query, now);
      this.selections.set(key, articles);
    }
    return articles;
  }

  /** How the query's history splits into the current document and archive pages. */
  plan(query: FeedQuery, now: number): ArchivePlan {
    return archivePlan(this.selection(query, now).length, query.limit);
  }

  get(request: FeedRequest, now: number): FeedVariant {
    const visibleCount = this.content.visibleCount(now);
    const linkKey = request.links?.map((l) => `${l.rel}=${l.href}`).join(" ") ?? "";
    const { page, view } = request;
    const at = request.basePath === undefined ? "" : `|at=${request.basePath}|${request.title ?? ""}`;
    const key = `${request.format}|${variantKey(request.query)}|${visibleCount}|${linkKey}|p=${page ?? ""}|${view?.id ?? ""}${at}`;
    const cached = this.variants.get(key);
    if (cached) return cached;

    const all = this.selection(request.query, now);
    const plan = archivePlan(all.length, request.query.limit);
    const positions = pageItems(all, plan, page);
    if (!positions) throw new RangeError(`archive page ${page} does not exist (${plan.pages} pages)`);
    const content = this.content;
    const lastModifiedMs = positions.reduce((max, p) => Math.max(max, content.updatedAt(p), content.publishedAt(p)), 0);
    const links = [...this.feedLinks(request, plan), ...(request.links ?? [])];
    // An archive page's bytes depend only on its items and on whether a newer archive
    // exists, not on what else is visible: its ETag stays put as new articles arrive.
    const identity =
      page === undefined
        ? key
        : `${request.format}|${variantKey(request.query)}|${linkKey}|archive=${page}${page < plan.pages ? "+" : ""}|${view?.id ?? ""}${at}`;
    const variant: FeedVariant = {
      etag: `"${this.content.hash.slice(0, 16)}-${shortHash(`${identity}|${settingsKey(this.settings)}`)}"`,
      lastModifiedMs,
      lastModified: httpDate(lastModifiedMs),
      contentType: view?.contentType ?? `${MEDIA_TYPES[request.format]}; charset=utf-8`,
      links,
      ...(page !== undefined ? { archive: { page, pages: plan.pages } } : {}),
      // Renders in the request that asks (reads in flight are never shared across requests:
      // see src/content/store.ts); the bytes are then kept for every later request.
      bytes: async () => {
        const kept = this.encoded.get(key);
        if (kept) return kept;
        const [articles, bodies] = await Promise.all([content.articles(positions), content.bodies(positions)]);
        this.renders++;
        const doc = buildFeedDocument(
          content,
          this.settings,
          request.query,
          articles,
          {
            format: request.format,
            search: withPage(request.search, page),
            extraLinks: links,
            basePath: feedBase(request),
            ...(request.title !== undefined ? { title: request.title } : {}),
          },
          bodies,
        );
        if (page !== undefined) doc.meta.archive = true;
        const out = encoder.encode(view ? view.render(doc, request, content) : RENDERERS[request.format](doc));
        this.encoded.set(key, out);
        return out;
      },
    };
    this.variants.set(key, variant);
    return variant;
  }

  /** WebSub hub (current documents only: archives are not subscribed to) and RFC 5005 paging. */
  private feedLinks(request: FeedRequest, plan: ArchivePlan): FeedLink[] {
    const hub = this.settings.WEBSUB_HUB?.trim();
    const type = MEDIA_TYPES[request.format];
    const urlOf = (n?: number) => publicUrl(this.settings, feedBase(request) + FORMAT_FILE[request.format] + withPage(request.search, n));
    return [
      ...(hub && request.page === undefined ? [{ rel: "hub", href: hub }] : []),
      ...pagingLinks(plan, request.page, urlOf, type),
    ];
  }
}

let service: FeedService | undefined;
let serviceKey: string | undefined;

/** One service (and so one byte cache) per isolate, configuration and content version. */
export async function feedService(env: Env): Promise<FeedService> {
  const content = await siteContent(env);
  const key = `${settingsKey(env)}|${content.hash}`;
  if (!service || serviceKey !== key) {
    service = new FeedService(content, env);
    serviceKey = key;
  }
  return service;
}
