/**
 * Conditional GET and HEAD for any cached representation (feeds, OPML, HTML pages):
 * 304 from the validators alone, the body rendered only for a 200 GET or HEAD.
 */

/** Weak comparison (RFC 9110 §13.1.2): `W/"x"` matches `"x"`; `*` matches anything. */
export function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === "*") return true;
  return header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === etag);
}

export function notModified(req: Request, etag: string, lastModifiedMs: number): boolean {
  const inm = req.headers.get("if-none-match");
  if (inm !== null) return etagMatches(inm, etag);
  const ims = req.headers.get("if-modified-since");
  if (ims !== null) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && Math.floor(lastModifiedMs / 1000) * 1000 <= since;
  }
  return false;
}

export interface Representation {
  etag: string;
  lastModified: string;
  lastModifiedMs: number;
  /**
   * `use(body)`, the body rendered (and read from the content store) only for a 200. The
   * body is lent: it may be a view into a cache's arena, valid only during `use`.
   */
  withBytes<T>(use: (bytes: Uint8Array) => T): Promise<T>;
}

/**
 * Headers a 304 keeps (RFC 9110 §15.4.5: those a 200 would carry among Cache-Control,
 * Content-Location, Date, ETag, Expires and Vary; plus the CORS grant, without which a
 * browser's cross-origin revalidation fails). Everything else would only be bytes on the
 * response a feed server sends most.
 */
const NOT_MODIFIED_KEEP = new Set(["cache-control", "content-location", "expires", "vary", "access-control-allow-origin"]);

/** 304, or 200 with the bytes (no body for HEAD); `headers` gain ETag and Last-Modified. */
export async function conditionalResponse(req: Request, rep: Representation, headers: Record<string, string>): Promise<Response> {
  if (notModified(req, rep.etag, rep.lastModifiedMs)) {
    const kept: Record<string, string> = { ETag: rep.etag };
    for (const name in headers) if (NOT_MODIFIED_KEEP.has(name.toLowerCase())) kept[name] = headers[name]!;
    return new Response(null, { status: 304, headers: kept });
  }
  const all: Record<string, string> = { ...headers, ETag: rep.etag, "Last-Modified": rep.lastModified };
  // `new Response(bytes)` copies them at once, so an arena's view may be handed over.
  return rep.withBytes((bytes) => {
    all["Content-Length"] = String(bytes.byteLength);
    return new Response(req.method === "HEAD" ? null : bytes, { status: 200, headers: all });
  });
}
