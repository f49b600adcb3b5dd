/**
 * The content store's file format, shared by the build (which writes it) and the Worker
 * (which reads it through src/content/store.ts). Pure: bytes in, bytes out.
 *
 * Articles have a position: 0 = newest (by `published`, then id), future-dated included.
 * Packs count from the OLDEST article, `PACK_SIZE` to a pack, so a new article changes
 * only the newest pack and the site feed's newest items are one or two reads:
 *   index.bin      header (hash, terms) + varint streams of differences: dates and term postings
 *   ids.json       every article id, newest first (the digest ledger's only need)
 *   m/{k}.json     metadata of pack k (JSON array, oldest first)
 *   b/{k}.bin      bodies of pack k: u32 count, u32 offsets[count + 1], UTF-8 bytes
 *   t/{kind}/{id}.json     a term pack: metadata of a term's newest TERM_PACK_ITEMS
 *                          articles, newest first (only for terms whose newest articles are
 *                          scattered: compile.ts `termPacksOf`); {id} is a hash of the slug
 *   t/{kind}/{id}.{c}.bin  their bodies, TERM_BODY_CHUNK to a file (chunk 0 = oldest)
 * A feed of one rare term then reads 1 + ⌈items / 32⌉ files (one more where its items
 * straddle a chunk's edge), not one or two per item —
 * fewer reads per request (each binding read may count as a subrequest: 50 on the free plan).
 */
import type { TermKind } from "../lib/terms.js";
import { concatBytes } from "../lib/utf8.js";

/** Where the store lives in the assets directory; the Worker never serves this path. */
export const STORE_PREFIX = "/__content/";
export const PACK_SIZE = 64;
export const FORMAT_VERSION = 4;
/** A term pack's articles: the largest feed (`MAX_LIMIT`, 100) plus room for future-dated ones. */
export const TERM_PACK_ITEMS = 128;
/**
 * Bodies per file of a term pack. 32, not 16: a 20-item feed reads one or two files where
 * it read two or three, and a cold build creates ~750 fewer files at 10,000 articles — on
 * ext4 without a journal (this kind of machine) each new inode costs a scan past those
 * deleted in the last minutes (the cache and output a cold build follows): ~1.3 s of a
 * 10,000-article build at 16. 64 gained little more and doubled a 20-item feed's bytes.
 */
export const TERM_BODY_CHUNK = 32;
/** Slack of the scattered test: more main packs than the articles would fill plus this. */
export const TERM_PACK_SPREAD = 2;
const MAGIC = 0x31584454; // "TDX1", little-endian

export const indexPath = (): string => `${STORE_PREFIX}index.bin`;
export const idsPath = (): string => `${STORE_PREFIX}ids.json`;
export const metaPath = (pack: number): string => `${STORE_PREFIX}m/${pack}.json`;
export const bodyPath = (pack: number): string => `${STORE_PREFIX}b/${pack}.bin`;
export const termMetaPath = (kind: TermKind, id: string): string => `${STORE_PREFIX}t/${kind}/${id}.json`;
export const termBodyPath = (kind: TermKind, id: string, chunk: number): string => `${STORE_PREFIX}t/${kind}/${id}.${chunk}.bin`;

/** A term pack as the index lists it: the term (its index in the header's list), how many of its newest articles it holds, its file id. */
export type TermPackEntry = [term: number, items: number, id: string];

/** Pack and slot of the article at `position` (0 = newest) among `count`. */
export function packOf(position: number, count: number, packSize = PACK_SIZE): { pack: number; slot: number } {
  const rank = count - 1 - position;
  return { pack: Math.floor(rank / packSize), slot: rank % packSize };
}

export const packCount = (count: number, packSize = PACK_SIZE): number => Math.ceil(count / packSize);

export interface IndexHeader {
  version: number;
  /** The content hash (SHA-256 hex): changes whenever any output byte would. */
  hash: string;
  siteUrl: string;
  count: number;
  packSize: number;
  /** `[slug, name]`, sorted by slug; postings follow in this order. */
  tags: [string, string][];
  topics: [string, string][];
  /** `[slug, position of the oldest article with it]`: visible once that position is (Hugo `/categories/` URLs). */
  categories: [string, number][];
  /** Hugo sections (first folder of a source file, slugged), every article included. */
  sections: string[];
  /** Term packs (see above), per kind. */
  termPacks: Record<TermKind, TermPackEntry[]>;
}

export interface IndexArrays {
  /** Epoch ms per position (newest first, so non-increasing). */
  published: Float64Array;
  updated: Float64Array;
  /** Postings of term i: positions `postings[starts[i]] .. postings[starts[i + 1]]`, ascending. */
  starts: Record<TermKind, Uint32Array>;
  postings: Record<TermKind, Uint32Array>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Varint streams (7 bits a byte, low first; values up to 2^53, so arithmetic, not bit
 * operators). The index is mostly sorted numbers, so it is written as differences: each
 * date as the step from the one before (zigzag, though they only fall), `updated` as its
 * distance from `published` (zigzag: either sign), term list lengths, and each term's
 * ascending positions as gaps — 1.39 MB at 100,000 articles against 5.1 MB of plain typed
 * arrays, which every cold isolate reads before its first feed.
 */
function whole(value: number): void {
  if (!Number.isSafeInteger(value)) throw new Error(`content index: ${value} is not a whole number the index can hold`);
}

class VarintWriter {
  private bytes = new Uint8Array(1024);
  length = 0;

  push(value: number): void {
    if (value < 0) throw new Error(`content index: ${value} is negative where the index holds a count or a gap`);
    whole(value);
    if (this.length + 8 > this.bytes.length) {
      const larger = new Uint8Array(this.bytes.length * 2);
      larger.set(this.bytes.subarray(0, this.length));
      this.bytes = larger;
    }
    while (value >= 128) {
      this.bytes[this.length++] = (value % 128) | 128;
      value = Math.floor(value / 128);
    }
    this.bytes[this.length++] = value;
  }

  signed(value: number): void {
    whole(value);
    this.push(value >= 0 ? 2 * value : -2 * value - 1);
  }

  done(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

class VarintReader {
  constructor(
    private readonly bytes: Uint8Array,
    public at: number,
  ) {}

  next(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.bytes[this.at++];
      if (byte === undefined) throw new Error("content store: index.bin ends inside a number");
      value += (byte & 127) * scale;
      if (byte < 128) return value;
      scale *= 128;
    }
  }

  signed(): number {
    const z = this.next();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
}

export function encodeIndex(header: IndexHeader, arrays: IndexArrays): Uint8Array {
  const { published, updated } = arrays;
  const lengths = [published.length, updated.length, arrays.starts.tags.length, arrays.postings.tags.length, arrays.starts.topics.length, arrays.postings.topics.length];
  const out = new VarintWriter();
  published.forEach((ms, i) => out.signed(i === 0 ? ms : published[i - 1]! - ms));
  updated.forEach((ms, i) => out.signed(ms - (published[i] ?? 0)));
  for (const kind of ["tags", "topics"] as const) {
    const starts = arrays.starts[kind];
    const postings = arrays.postings[kind];
    starts.forEach((start, i) => out.push(i === 0 ? start : start - starts[i - 1]!));
    for (let t = 0; t + 1 < starts.length; t++) {
      for (let j = starts[t]!; j < starts[t + 1]!; j++) out.push(j === starts[t] ? postings[j]! : postings[j]! - postings[j - 1]!);
    }
  }
  const head = encoder.encode(JSON.stringify({ ...header, lengths }));
  const data = out.done();
  const bytes = new Uint8Array(8 + head.length + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, head.length, true);
  bytes.set(head, 8);
  bytes.set(data, 8 + head.length);
  return bytes;
}

/**
 * `index` (encodeIndex's bytes) with another content hash: the hash is 64 hex digits in
 * the header, so only those bytes change — what encodeIndex gives for the same header
 * and arrays with the new hash (a few-articles rebuild: scripts/content/delta.ts).
 */
export function withHash(index: Uint8Array, hash: string): Uint8Array {
  const view = new DataView(index.buffer, index.byteOffset, index.byteLength);
  const head = decoder.decode(index.subarray(8, 8 + view.getUint32(4, true)));
  const old = (JSON.parse(head) as IndexHeader).hash;
  const field = head.indexOf(`"hash":"${old}"`);
  if (!/^[0-9a-f]{64}$/.test(hash) || !/^[0-9a-f]{64}$/.test(old) || field < 0) throw new Error("content store: index.bin has no content hash to replace");
  const out = new Uint8Array(index);
  // Where the hash's digits start, in bytes (the header holds names in any script).
  out.set(encoder.encode(hash), 8 + encoder.encode(head.slice(0, field + 8)).byteLength);
  return out;
}

export function decodeIndex(buffer: ArrayBuffer): { header: IndexHeader; arrays: IndexArrays } {
  const view = new DataView(buffer);
  if (buffer.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new Error("content store: index.bin is not a Tidings index");
  const headLength = view.getUint32(4, true);
  const header = JSON.parse(decoder.decode(new Uint8Array(buffer, 8, headLength))) as IndexHeader & { lengths: number[] };
  if (header.version !== FORMAT_VERSION) throw new Error(`content store: index version ${header.version}, expected ${FORMAT_VERSION}`);
  const [nPub, nUpd, nTagStarts, nTagPost, nTopicStarts, nTopicPost] = header.lengths as [number, number, number, number, number, number];
  const read = new VarintReader(new Uint8Array(buffer), 8 + headLength);
  const published = new Float64Array(nPub);
  for (let i = 0; i < nPub; i++) published[i] = i === 0 ? read.signed() : published[i - 1]! - read.signed();
  const updated = new Float64Array(nUpd);
  for (let i = 0; i < nUpd; i++) updated[i] = read.signed() + (published[i] ?? 0);
  const lists = (nStarts: number, nPostings: number) => {
    const starts = new Uint32Array(nStarts);
    for (let i = 0; i < nStarts; i++) starts[i] = i === 0 ? read.next() : starts[i - 1]! + read.next();
    const postings = new Uint32Array(nPostings);
    for (let t = 0; t + 1 < nStarts; t++) {
      for (let j = starts[t]!; j < starts[t + 1]!; j++) postings[j] = j === starts[t] ? read.next() : postings[j - 1]! + read.next();
    }
    return { starts, postings };
  };
  const tags = lists(nTagStarts, nTagPost);
  const topics = lists(nTopicStarts, nTopicPost);
  if (read.at !== buffer.byteLength) throw new Error("content store: index.bin is longer than its header says");
  return {
    header,
    arrays: {
      published,
      updated,
      starts: { tags: tags.starts, topics: topics.starts },
      postings: { tags: tags.postings, topics: topics.postings },
    },
  };
}

/** Bodies of one pack (text, or UTF-8 already): `u32 count, u32 offsets[count + 1]` then the UTF-8 text. */
export function encodeBodies(bodies: readonly (string | Uint8Array)[]): Uint8Array {
  const parts = bodies.map((b) => (typeof b === "string" ? encoder.encode(b) : b));
  return concatBytes([bodiesHeader(parts), ...parts]);
}

/** The head of a body pack holding `parts` (UTF-8): written before them, the pack `encodeBodies` makes. */
export function bodiesHeader(parts: readonly Uint8Array[]): Uint8Array {
  const head = new Uint8Array(4 * (parts.length + 2));
  const view = new DataView(head.buffer);
  view.setUint32(0, parts.length, true);
  let at = head.byteLength;
  parts.forEach((p, i) => {
    view.setUint32(4 + 4 * i, at, true);
    at += p.byteLength;
  });
  view.setUint32(4 + 4 * parts.length, at, true);
  return head;
}

/** Body `slot` of a pack written by `encodeBodies`. */
export function decodeBody(pack: Uint8Array, slot: number): string {
  const view = new DataView(pack.buffer, pack.byteOffset, pack.byteLength);
  if (slot < 0 || slot >= view.getUint32(0, true)) return "";
  const from = view.getUint32(4 + 4 * slot, true);
  const to = view.getUint32(8 + 4 * slot, true);
  return decoder.decode(pack.subarray(from, to));
}
