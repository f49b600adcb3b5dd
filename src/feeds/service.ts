/**
 * Feeds as cached bytes: a variant (format + query + what is visible now) is selected,
 * identified and rendered once per isolate; conditional requests are answered from the
 * identity alone, without rendering.
 */
import { FORMAT_FILE, MEDIA_TYPES, type FeedFormat } from "../lib/feed-formats.js";
import { readConfig, renderKey, type SiteConfig } from "../config.js";
import { siteContent, type Content, type Selection } from "../content/index.js";
import type { Env } from "../env.js";
import { createArenaCache, createByteCache, estimateBytes } from "../lib/cache.js";
import { httpDate } from "../lib/dates.js";
import { shortHash } from "../lib/http.js";
import type { Parsed } from "../lib/parsed.js";
import { feedUrls, scopePath, type FeedUrls } from "../lib/urls.js";
import { withEncoded } from "../lib/utf8.js";
import { buildFeedDocument } from "./document.js";
import type { FeedDocument, FeedLink } from "./model.js";
import { archivePlan, pageItems, pagingLinks, type ArchivePlan } from "./paging.js";
import { RENDER_CHUNKS } from "./render.js";
import { variantKey, type FeedQuery } from "./select.js";

export interface FeedVariant {
  /** The document's one self URL (its bytes and the Link header both name it). */
  self: string;
  etag: string;
  lastModified: string;
  lastModifiedMs: number;
  /** `Content-Type` of the bytes. */
  contentType: string;
  /** Links beyond self (WebSub hub, RFC 5005 paging), also for the HTTP `Link` header. */
  links: FeedLink[];
  /** Set on RFC 5005 archive pages. */
  archive?: { page: number; pages: number };
  /**
   * `use(bytes)` with the encoded bytes, read and rendered on first use and then kept. They
   * are lent (a view into the `feedBytes` arena): valid only during `use`, never kept.
   */
  withBytes<T>(use: (bytes: Uint8Array) => T): Promise<T>;
  /** A copy of the bytes, the caller's to keep (WebSub fingerprints, tests, tools). */
  bytes(): Promise<Uint8Array>;
}

/** Another rendering of the same feed document (the HTML browser view, landing pages). */
export interface FeedView {
  /** Distinguishes this view's bytes and ETag from the feed's. */
  id: string;
  contentType: string;
  render(doc: FeedDocument, request: FeedRequest, content: Content): string;
}

export interface FeedRequest {
  format: FeedFormat;
  query: FeedQuery;
  /** Canonical query string of this feed, `""` or `?…`. */
  search: string;
  links?: FeedLink[];
  /** RFC 5005 archive page (1 = oldest); absent for the current feed. */
  page?: number;
  /** The file name as requested (Hugo's `index.xml`); default the format's own (`rss.xml`). */
  file?: string;
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
function feedBase(request: Pick<FeedRequest, "basePath" | "query">): string {
  return request.basePath ?? scopePath(request.query.scope);
}

/** What `get` answers: the variant, or why that document does not exist (an archive page past the history). */
export type FeedAnswer = Parsed<FeedVariant, { status: 404 }>;

export class FeedService {
  /** Variant identities; their bytes are kept apart, so a variant never rendered costs little. */
  private readonly variants = createByteCache<string, FeedVariant>({
    name: "feedVariants",
    sizeOf: (v) => 256 + estimateBytes(v.links) + estimateBytes(v.etag),
  });
  /** Encoded bytes per variant, in an arena: evicting one makes no garbage buffer. */
  private readonly encoded = createArenaCache<string>({ name: "feedBytes" });
  /** Positions (typed arrays, or a range for the site feed): a selection costs its bytes. */
  private readonly selections = createByteCache<string, Selection>({ name: "feedSelections", sizeOf: (s) => s.bytes });
  /** How many times bytes were rendered (observability, and proof that 304s render nothing). */
  renders = 0;

  private readonly renderKey: string;

  constructor(
    readonly content: Content,
    private readonly site: SiteConfig,
  ) {
    this.renderKey = renderKey(site);
  }

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

  /**
   * The one decision for a parsed feed request: which items, which URLs, whether that
   * document exists. The variant is kept, so a repeat request costs one cache lookup.
   */
  get(request: FeedRequest, now: number): FeedAnswer {
    const visibleCount = this.content.visibleCount(now);
    const linkKey = request.links?.map((l) => `${l.rel}=${l.href}`).join(" ") ?? "";
    const { page, view } = request;
    const file = request.file !== undefined && request.file !== FORMAT_FILE[request.format] ? `|f=${request.file}` : "";
    const at = (request.basePath === undefined ? "" : `|at=${request.basePath}|${request.title ?? ""}`) + file;
    const key = `${request.format}|${variantKey(request.query)}|${visibleCount}|${linkKey}|p=${page ?? ""}|${view?.id ?? ""}${at}`;
    const cached = this.variants.get(key);
    if (cached) return { ok: true, value: cached };

    const all = this.selection(request.query, now);
    const plan = archivePlan(all.length, request.query.limit);
    const positions = pageItems(all, plan, page);
    if (!positions) {
      const where = plan.pages ? `it has archive pages 1 (oldest) to ${plan.pages}` : "its whole history is in the feed itself";
      return { ok: false, status: 404, reason: `archive page ${page} of this feed does not exist: ${where}` };
    }
    const content = this.content;
    const lastModifiedMs = positions.reduce((max, p) => Math.max(max, content.updatedAt(p), content.publishedAt(p)), 0);
    const urls = feedUrls(this.site.publicUrl, { base: feedBase(request), format: request.format, file: request.file, search: request.search, page });
    const links = [...this.feedLinks(request, plan, urls), ...(request.links ?? [])];
    // An archive page's bytes depend only on its items and on whether a newer archive
    // exists, not on what else is visible: its ETag stays put as new articles arrive.
    const identity =
      page === undefined
        ? key
        : `${request.format}|${variantKey(request.query)}|${linkKey}|archive=${page}${page < plan.pages ? "+" : ""}|${view?.id ?? ""}${at}`;
    const variant: FeedVariant = {
      self: urls.self,
      etag: `"${this.content.hash.slice(0, 16)}-${shortHash(`${identity}|${this.renderKey}`)}"`,
      lastModifiedMs,
      lastModified: httpDate(lastModifiedMs),
      contentType: view?.contentType ?? `${MEDIA_TYPES[request.format]}; charset=utf-8`,
      links,
      ...(page !== undefined ? { archive: { page, pages: plan.pages } } : {}),
      bytes: () => variant.withBytes((bytes) => bytes.slice()),
      // Renders in the request that asks (reads in flight are never shared across requests:
      // see src/content/store.ts); the bytes are then kept for every later request.
      withBytes: async (use) => {
        if (this.encoded.has(key)) return this.encoded.read(key, use)!;
        const [articles, bodies] = await Promise.all([content.articles(positions), content.bodies(positions)]);
        this.renders++;
        const doc = buildFeedDocument(
          content,
          this.site,
          request.query,
          articles,
          { urls, extraLinks: links, ...(request.title !== undefined ? { title: request.title } : {}) },
          bodies,
        );
        if (page !== undefined) doc.meta.archive = true;
        // Chunk by chunk (render.ts): never one string of the whole document; encoded into
        // scratch space, copied into the arena and lent from there, with no await between.
        const chunks = view ? [view.render(doc, request, content)] : RENDER_CHUNKS[request.format](doc);
        return withEncoded(chunks, (bytes) => (this.encoded.set(key, bytes) ? this.encoded.read(key, use)! : use(bytes)));
      },
    };
    this.variants.set(key, variant);
    return { ok: true, value: variant };
  }

  /** WebSub hub (current documents only: archives are not subscribed to) and RFC 5005 paging. */
  private feedLinks(request: FeedRequest, plan: ArchivePlan, urls: FeedUrls): FeedLink[] {
    const hub = this.site.websubHub;
    return [
      ...(hub && request.page === undefined ? [{ rel: "hub", href: hub }] : []),
      ...pagingLinks(plan, request.page, urls.page, MEDIA_TYPES[request.format]),
    ];
  }
}

let service: FeedService | undefined;
let serviceKey: string | undefined;

/** One service (and so one byte cache) per isolate, configuration and content version. */
export async function feedService(env: Env): Promise<FeedService> {
  const content = await siteContent(env);
  const config = readConfig(env);
  const key = `${config.renderKey}|${content.hash}`;
  if (!service || serviceKey !== key) {
    service = new FeedService(content, config.site);
    serviceKey = key;
  }
  return service;
}
