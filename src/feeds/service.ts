/**
 * Feeds as cached bytes: a variant (format + query + what is visible now) is selected,
 * identified and rendered once per isolate; conditional requests are answered from the
 * identity alone, without rendering.
 */
import type { ContentSource } from "../content/index.js";
import { httpDate } from "../lib/dates.js";
import { shortHash } from "../lib/http.js";
import type { FeedFormat } from "../lib/urls.js";
import { buildFeedDocument, type SiteSettings } from "./document.js";
import type { FeedLink } from "./model.js";
import { RENDERERS } from "./render.js";
import { selectAll, variantKey, type FeedQuery } from "./select.js";

export interface FeedVariant {
  etag: string;
  lastModified: string;
  lastModifiedMs: number;
  /** Encoded bytes, rendered on first use and then kept. */
  bytes(): Uint8Array;
}

export interface FeedRequest {
  format: FeedFormat;
  query: FeedQuery;
  /** Canonical query string of this feed, `""` or `?…`. */
  search: string;
  links?: FeedLink[];
}

const MAX_VARIANTS = 512;
const encoder = new TextEncoder();

export class FeedService {
  private readonly variants = new Map<string, FeedVariant>();
  /** How many times bytes were rendered (observability, and proof that 304s render nothing). */
  renders = 0;

  constructor(
    private readonly content: ContentSource,
    private readonly settings: SiteSettings,
  ) {}

  get(request: FeedRequest, now: number): FeedVariant {
    const visible = this.content.published(now);
    const linkKey = request.links?.map((l) => `${l.rel}=${l.href}`).join(" ") ?? "";
    const key = `${request.format}|${variantKey(request.query)}|${visible.length}|${linkKey}`;
    const cached = this.variants.get(key);
    if (cached) return cached;

    const articles = selectAll(this.content, request.query, now).slice(0, request.query.limit);
    const lastModifiedMs = articles.reduce((max, a) => Math.max(max, a.updatedMs, a.published), 0);
    let bytes: Uint8Array | undefined;
    const variant: FeedVariant = {
      etag: `"${this.content.hash.slice(0, 16)}-${shortHash(key + this.settings.PUBLIC_URL + this.settings.SITE_URL)}"`,
      lastModifiedMs,
      lastModified: httpDate(lastModifiedMs),
      bytes: () => {
        if (!bytes) {
          this.renders++;
          const doc = buildFeedDocument(this.content, this.settings, request.query, articles, {
            format: request.format,
            search: request.search,
            ...(request.links ? { extraLinks: request.links } : {}),
          });
          bytes = encoder.encode(RENDERERS[request.format](doc));
        }
        return bytes;
      },
    };
    if (this.variants.size >= MAX_VARIANTS) {
      // Oldest first: Map iteration follows insertion order.
      this.variants.delete(this.variants.keys().next().value!);
    }
    this.variants.set(key, variant);
    return variant;
  }
}
