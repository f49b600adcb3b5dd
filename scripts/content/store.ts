/**
 * Writes the content store (src/content/format.ts) into the assets directory: only the
 * files whose inputs changed are written, and files no longer part of the store are
 * removed. `store.json` beside the assets records each file's input key.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LRUCache } from "lru-cache";
import { packPositions, compileIndex, termChunks, termPackPositions } from "../../src/content/compile.js";
import {
  bodyPath,
  bodiesHeader,
  encodeIndex,
  FORMAT_VERSION,
  idsPath,
  indexPath,
  metaPath,
  PACK_SIZE,
  packCount,
  STORE_PREFIX,
  termBodyPath,
  termMetaPath,
} from "../../src/content/format.js";
import type { ArticleRecord, CompiledIndex } from "./build.js";
import { walkFiles, writeWhole } from "./files.js";

export interface StoreInput {
  data: CompiledIndex;
  /** Per article (parallel to `data.articles`): a digest of everything its files hold. */
  digests: readonly string[];
  /** Metadata JSON and body of the article at a position; asked only for packs being written. */
  record(position: number): ArticleRecord;
}

export interface StoreStats {
  files: number;
  written: number;
  /** Store paths written by this build. */
  changed: string[];
  removed: number;
  bytes: number;
  largest: { path: string; bytes: number };
}

const RECORD = "store.json";

interface StoreRecord {
  format: string;
  files: { [path: string]: { key: string; bytes: number } };
}

function sha256(...parts: string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

function readRecord(outDir: string, format: string): StoreRecord {
  try {
    const r = JSON.parse(readFileSync(join(outDir, RECORD), "utf8")) as StoreRecord;
    if (r.format === format) return r;
  } catch {
    /* no record: everything is written */
  }
  return { format, files: {} };
}

/** Store paths of every file under the store's folder in `assetsDir` (one listing, not a stat per file). */
function storeFiles(assetsDir: string): Set<string> {
  const root = join(assetsDir, STORE_PREFIX);
  return new Set(existsSync(root) ? walkFiles(root).map((path) => STORE_PREFIX + path) : []);
}

/** Every file the record in `recordDir` lists exists under `assetsDir` (and the record itself does). */
export function storeFilesPresent(assetsDir: string, recordDir: string): boolean {
  let record: StoreRecord;
  try {
    record = JSON.parse(readFileSync(join(recordDir, RECORD), "utf8")) as StoreRecord;
  } catch {
    return false;
  }
  const present = storeFiles(assetsDir);
  return Object.keys(record.files).every((path) => present.has(path));
}

/**
 * Records read while writing, by position, as UTF-8: a term pack copies articles a main
 * pack or another term pack has just read (a cold build of 10,000 articles asks ~35,000
 * times for 10,000 bodies). Bounded by bytes, so a store of any size fits.
 */
const RECORD_MEMO_BYTES = 256 * 1024 * 1024;

interface Utf8Record {
  meta: Uint8Array;
  body: Uint8Array;
}

const encoder = new TextEncoder();
const utf8 = (t: string | Uint8Array): Uint8Array => (typeof t === "string" ? encoder.encode(t) : t);

function memoRecords(record: StoreInput["record"]): (position: number) => Utf8Record {
  const memo = new LRUCache<number, Utf8Record>({ maxSize: RECORD_MEMO_BYTES, sizeCalculation: (r) => Math.max(1, r.meta.byteLength + r.body.byteLength) });
  return (position) => {
    const hit = memo.get(position);
    if (hit !== undefined) return hit;
    const r = record(position);
    const bytes = { meta: utf8(r.meta), body: utf8(r.body) };
    memo.set(position, bytes);
    return bytes;
  };
}

const OPEN = encoder.encode("[");
const COMMA = encoder.encode(",");
const CLOSE = encoder.encode("]");

/** A file's bytes, in pieces written as they are (no copy into one buffer). */
type Pieces = Uint8Array[];

/** A JSON array of articles from their metadata JSON: what `JSON.stringify(articles)` gives, without parsing them. */
function jsonArray(metas: readonly Uint8Array[]): Pieces {
  return [OPEN, ...metas.flatMap((m, i) => (i === 0 ? [m] : [COMMA, m])), CLOSE];
}

/** Writes the store for `input` under `assetsDir` (the `[assets]` directory). */
export async function writeStore(assetsDir: string, recordDir: string, input: StoreInput, packSize = PACK_SIZE): Promise<StoreStats> {
  const { data, digests } = input;
  const record = memoRecords(input.record);
  const metas = (positions: readonly number[]) => jsonArray(positions.map((p) => record(p).meta));
  const bodies = (positions: readonly number[]): Pieces => {
    const parts = positions.map((p) => record(p).body);
    return [bodiesHeader(parts), ...parts];
  };
  const format = `${FORMAT_VERSION}/${packSize}`;
  const old = readRecord(recordDir, format);
  const next: StoreRecord = { format, files: {} };
  const changed: string[] = [];
  const root = join(assetsDir, STORE_PREFIX);
  const present = storeFiles(assetsDir);
  const put = async (path: string, key: string, make: () => Promise<Pieces | Uint8Array | string>) => {
    const file = join(root, path.slice(STORE_PREFIX.length));
    const before = old.files[path];
    if (before?.key === key && present.has(path)) {
      next.files[path] = before;
      return;
    }
    const made = await make();
    const bytes = writeWhole(file, Array.isArray(made) ? made : [utf8(made)]);
    next.files[path] = { key, bytes };
    changed.push(path);
  };

  const count = data.articles.length;
  for (let k = 0; k < packCount(count, packSize); k++) {
    const positions = packPositions(k, count, packSize);
    const key = sha256(format, data.siteUrl, ...positions.map((p) => digests[p]!));
    await put(metaPath(k), key, async () => metas(positions));
    await put(bodyPath(k), key, async () => bodies(positions));
  }
  await put(idsPath(), sha256(format, data.hash), async () => JSON.stringify(data.articles.map((a) => a.id)));
  const { header, arrays } = compileIndex(data, packSize);
  // Term packs: keyed, as packs are, by what they hold, so only those holding a changed article are rewritten.
  for (const kind of ["tags", "topics"] as const) {
    for (const entry of header.termPacks[kind]) {
      const positions = [...termPackPositions(arrays, kind, entry)];
      const id = entry[2];
      const key = sha256(format, data.siteUrl, kind, id, ...positions.map((p) => digests[p]!));
      await put(termMetaPath(kind, id), key, async () => metas(positions));
      const chunks = termChunks(positions);
      for (const [c, chunk] of chunks.entries()) {
        await put(termBodyPath(kind, id, c), sha256(format, data.siteUrl, ...chunk.map((p) => digests[p]!)), async () => bodies(chunk));
      }
    }
  }
  await put(indexPath(), sha256(format, data.hash), async () => encodeIndex(header, arrays));

  let removed = 0;
  for (const path of present) {
    if (!next.files[path]) {
      await rm(join(root, path.slice(STORE_PREFIX.length)), { force: true });
      removed++;
    }
  }
  await mkdir(recordDir, { recursive: true });
  await writeFile(join(recordDir, RECORD), JSON.stringify(next));
  const entries = Object.entries(next.files);
  const largest = entries.reduce((max, [path, f]) => (f.bytes > max.bytes ? { path, bytes: f.bytes } : max), { path: "", bytes: 0 });
  return { files: entries.length, written: changed.length, changed, removed, bytes: entries.reduce((n, [, f]) => n + f.bytes, 0), largest };
}
