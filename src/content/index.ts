/**
 * The content interface: feeds, pages, digests, WebSub and previews read articles only
 * through this module, never the store's files. `siteContent(env)` loads the compact index
 * from Workers Static Assets once per isolate and content version; metadata and bodies are
 * read pack by pack on demand (src/content/store.ts). Layout: src/content/format.ts.
 */
import manifest from "../generated/content.js";
import { compileIndex, compilePacks, compileTermPacks } from "./compile.js";
import { decodeIndex, idsPath, indexPath, bodyPath, metaPath, PACK_SIZE, termBodyPath, termMetaPath } from "./format.js";
import { Content, type PackReader } from "./store.js";
import { scratchBuffers } from "../lib/cache.js";
import type { Article, CompiledContent } from "./types.js";

export type { Article, Term, CompiledContent } from "./types.js";
export type { TermKind } from "../lib/terms.js";
export type { Filter, TermStats } from "./lookup.js";
export { Selection } from "./lookup.js";
export { Content } from "./store.js";

/** The assets binding as the store needs it. */
export interface AssetsBinding {
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
}

const ASSET_ORIGIN = "https://assets.invalid";

async function asset(assets: AssetsBinding, path: string): Promise<Response> {
  const res = await assets.fetch(new URL(path, ASSET_ORIGIN));
  if (!res.ok) throw new Error(`content store: ${path} answered ${res.status} (is the content build out of date?)`);
  return res;
}

/**
 * `use(bytes)` with a response's body, read (BYOB) into a scratch buffer lent for the
 * call: a body file read makes no buffer of its own, which would be garbage once its
 * bytes are copied into the content arena. A body larger than the buffer moves to one
 * twice as large (the binding gives no Content-Length).
 */
async function lendBody<T>(res: Response, use: (bytes: Uint8Array) => T): Promise<T> {
  if (!res.body) return use(new Uint8Array(0));
  const reader = res.body.getReader({ mode: "byob" });
  // A BYOB read hands the buffer over and back: the same memory in a new ArrayBuffer.
  let buffer = scratchBuffers.take(1);
  try {
    let at = 0;
    for (;;) {
      if (at === buffer.byteLength) {
        const larger = new ArrayBuffer(2 * buffer.byteLength);
        new Uint8Array(larger).set(new Uint8Array(buffer));
        scratchBuffers.give(buffer);
        buffer = larger;
      }
      const { value, done } = await reader.read(new Uint8Array(buffer, at));
      if (value) {
        buffer = value.buffer as ArrayBuffer;
        at += value.byteLength;
      }
      if (done) return use(new Uint8Array(buffer, 0, at));
    }
  } finally {
    scratchBuffers.give(buffer);
    reader.releaseLock();
  }
}

function assetReader(assets: AssetsBinding): PackReader {
  return {
    meta: async (k) => (await asset(assets, metaPath(k))).json<Article[]>(),
    bodies: async (k, use) => lendBody(await asset(assets, bodyPath(k)), use),
    ids: async () => (await asset(assets, idsPath())).json<string[]>(),
    termMeta: async (kind, id) => (await asset(assets, termMetaPath(kind, id))).json<Article[]>(),
    termBodies: async (kind, id, c, use) => lendBody(await asset(assets, termBodyPath(kind, id, c)), use),
  };
}

let loaded: Content | undefined;

/**
 * The deployed site's content (the build's manifest names the version it expects). The
 * loaded index is shared by every request of the isolate; a load in flight is not (a
 * fetch belongs to its request), so concurrent first requests each read `index.bin`.
 */
export async function siteContent(env: { ASSETS: AssetsBinding }): Promise<Content> {
  if (loaded?.hash === manifest.hash) return loaded;
  const { header, arrays } = decodeIndex(await (await asset(env.ASSETS, indexPath())).arrayBuffer());
  if (header.hash !== manifest.hash) {
    throw new Error(`content store: index.bin is version ${header.hash.slice(0, 12)}, the Worker was built for ${manifest.hash.slice(0, 12)}`);
  }
  if (loaded?.hash !== manifest.hash) loaded = new Content(header, arrays, assetReader(env.ASSETS));
  return loaded;
}

/** The same interface over in-memory articles (tests, tools); packs are built on first read. */
export function createMemoryContent(data: CompiledContent, packSize = PACK_SIZE): Content {
  const { header, arrays } = compileIndex(data, packSize);
  let packs: { meta: Article[]; bodies: Uint8Array }[] | undefined;
  const all = () => (packs ??= [...compilePacks(data.articles, data.bodies, packSize)]);
  let termPacks: Map<string, { meta: Article[]; chunks: Uint8Array[] }> | undefined;
  const terms = () => (termPacks ??= new Map([...compileTermPacks(header, arrays, data.articles, data.bodies)].map((t) => [`${t.kind}/${t.id}`, t])));
  return new Content(header, arrays, {
    meta: async (k) => all()[k]!.meta,
    bodies: async (k, use) => use(all()[k]!.bodies),
    ids: async () => data.articles.map((a) => a.id),
    termMeta: async (kind, id) => terms().get(`${kind}/${id}`)!.meta,
    termBodies: async (kind, id, c, use) => use(terms().get(`${kind}/${id}`)!.chunks[c]!),
  });
}
