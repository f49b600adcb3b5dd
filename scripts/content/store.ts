/**
 * Writes the content store (src/content/format.ts) into the assets directory: only the
 * files whose inputs changed are written, and files no longer part of the store are
 * removed. `store.json` beside the assets records each file's input key.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
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
import type { ArticleRecord, CompiledIndex, PatchedIndex } from "./build.js";
import { walkFiles, writeWhole } from "./files.js";
import { DamagedRecord, RunReader, type HeldRun, type RunItem, type RunRecord } from "./runs.js";

export interface StoreInput {
  data: CompiledIndex | PatchedIndex;
  /** Per article (parallel to `data.articles`): a digest of everything its files hold. */
  digests: readonly string[];
  /** Metadata JSON and body of the article at a position; asked only for packs being written. */
  record(position: number): ArticleRecord;
  /** Where the records are, when they are in the build cache's runs: a helper thread can read them too (checking those with a digest). */
  runs?: { dir: string; held: readonly HeldRun[]; at(position: number): RunRecord; check(position: number): string | undefined };
}

export interface StoreStats {
  files: number;
  written: number;
  /** Store paths written by this build. */
  changed: string[];
  /** Of those, written by a helper thread (a big write is shared). */
  shared: number;
  removed: number;
  bytes: number;
  largest: { path: string; bytes: number };
}

const RECORD = "store.json";

interface StoreRecord {
  format: string;
  files: { [path: string]: { key: string; bytes: number } };
}

/** SHA-256 of the parts, each followed by a NUL (one update: a store has thousands of keys of ~130 parts). */
function sha256(...parts: string[]): string {
  return createHash("sha256").update(`${parts.join("\0")}\0`).digest("hex");
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

const encoder = new TextEncoder();
const utf8 = (t: string | Uint8Array): Uint8Array => (typeof t === "string" ? encoder.encode(t) : t);

function memoRecords(record: StoreInput["record"]): (position: number) => RunItem {
  const memo = new LRUCache<number, RunItem>({ maxSize: RECORD_MEMO_BYTES, sizeCalculation: (r) => Math.max(1, r.meta.byteLength + r.body.byteLength) });
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

/** A pack file: the metadata (a JSON array) or the bodies of the articles at `positions`. */
interface PackJob {
  path: string;
  key: string;
  kind: "meta" | "bodies";
  positions: number[];
}

/** A pack file as a helper thread writes it: the file, and where each article's record is. */
export interface PackWrite {
  file: string;
  kind: PackJob["kind"];
  records: RunRecord[];
  /** Per record, the digest its bytes must give (from the cache), or undefined (written by this build). */
  digests: (string | undefined)[];
  /** No earlier store has this path (files.ts `writeWhole`). */
  fresh: boolean;
}

/** The bytes of a pack file, from its articles' records. */
function packPieces(kind: PackJob["kind"], records: readonly RunItem[]): Pieces {
  if (kind === "meta") return jsonArray(records.map((r) => r.meta));
  const bodies = records.map((r) => r.body);
  return [bodiesHeader(bodies), ...bodies];
}

/** Writes pack files from records in runs (a helper thread's share of a big store write); their sizes. */
export function writePacks(runDir: string, writes: readonly PackWrite[], held: readonly HeldRun[] = []): number[] {
  const reader = new RunReader(runDir, held);
  try {
    return writes.map((w) => writeWhole(w.file, packPieces(w.kind, w.records.map((at, i) => reader.read(at, w.digests[i]))), w.fresh));
  } finally {
    reader.close();
  }
}

/** Records to write past which a helper thread writes part of the packs (a cold build; a one-file build writes ~200). */
const SHARE_RECORDS = 4096;

/** Runs `writes` on a helper thread (the content build's worker, worker.ts). */
function writePacksInThread(runDir: string, writes: PackWrite[], held: readonly HeldRun[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./worker.mjs", import.meta.url));
    worker.once("message", (reply: { wrote: number[] } | { damaged: RunRecord }) => {
      void worker.terminate();
      if ("damaged" in reply) reject(new DamagedRecord(reply.damaged));
      else resolve(reply.wrote);
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`content build: the thread writing packs exited (code ${code})`)));
    worker.postMessage({ write: { runDir, writes, held } });
  });
}

/** Writes the store for `input` under `assetsDir` (the `[assets]` directory). */
export async function writeStore(assetsDir: string, recordDir: string, input: StoreInput, packSize = PACK_SIZE): Promise<StoreStats> {
  const { data, digests } = input;
  const record = memoRecords(input.record);
  const format = `${FORMAT_VERSION}/${packSize}`;
  const old = readRecord(recordDir, format);
  const next: StoreRecord = { format, files: {} };
  const changed: string[] = [];
  const root = join(assetsDir, STORE_PREFIX);
  const present = storeFiles(assetsDir);
  const fileOf = (path: string) => join(root, path.slice(STORE_PREFIX.length));
  /** Writes a store file: in place when no earlier store had the path (no reader can be looking at it). */
  const write = (path: string, pieces: Uint8Array[]) => writeWhole(fileOf(path), pieces, !present.has(path));
  /** Unchanged (same key, still there): kept; else false. */
  const kept = (path: string, key: string): boolean => {
    const before = old.files[path];
    if (before?.key !== key || !present.has(path)) return false;
    next.files[path] = before;
    return true;
  };
  const wrote = (path: string, key: string, bytes: number) => {
    next.files[path] = { key, bytes };
    changed.push(path);
  };
  const put = (path: string, key: string, make: () => Uint8Array | string) => {
    if (!kept(path, key)) wrote(path, key, write(path, [utf8(make())]));
  };

  // Every pack file (main packs, then term packs), each keyed by what it holds.
  const jobs: PackJob[] = [];
  const count = "index" in data ? data.count : data.articles.length;
  // A patched index names the positions whose records changed: a pack holding none of
  // them is kept as the record has it, unhashed (its key could only come out the same).
  const changedIn = (positions: readonly number[]) => !("index" in data) || positions.some((p) => data.changed.has(p));
  const keep = (path: string, positions: readonly number[]) => !changedIn(positions) && kept(path, old.files[path]?.key ?? "");
  for (let k = 0; k < packCount(count, packSize); k++) {
    const positions = packPositions(k, count, packSize);
    if (keep(metaPath(k), positions) && keep(bodyPath(k), positions)) continue;
    const key = sha256(format, data.siteUrl, ...positions.map((p) => digests[p]!));
    jobs.push({ path: metaPath(k), key, kind: "meta", positions }, { path: bodyPath(k), key, kind: "bodies", positions });
  }
  const { header, arrays } = "index" in data ? data.index : compileIndex(data, packSize);
  // Term packs: keyed, as packs are, by what they hold, so only those holding a changed article are rewritten.
  for (const kind of ["tags", "topics"] as const) {
    for (const entry of header.termPacks[kind]) {
      const positions = [...termPackPositions(arrays, kind, entry)];
      const id = entry[2];
      const path = termMetaPath(kind, id);
      if (!keep(path, positions)) jobs.push({ path, key: sha256(format, data.siteUrl, kind, id, ...positions.map((p) => digests[p]!)), kind: "meta", positions });
      for (const [c, chunk] of termChunks(positions).entries()) {
        const path = termBodyPath(kind, id, c);
        if (!keep(path, chunk)) jobs.push({ path, key: sha256(format, data.siteUrl, ...chunk.map((p) => digests[p]!)), kind: "bodies", positions: chunk });
      }
    }
  }
  const todo = jobs.filter((j) => !kept(j.path, j.key));
  // A big write (a cold build) is shared with a helper thread reading the same runs: the
  // newest half of the records here, the rest there.
  const recordCount = todo.reduce((n, j) => n + j.positions.length, 0);
  const runs = input.runs;
  let shared: Promise<void> = Promise.resolve();
  let mine = todo;
  let sharedFiles = 0;
  if (runs && recordCount >= SHARE_RECORDS) {
    let half = 0;
    const split = todo.findIndex((j) => (half += j.positions.length) >= recordCount / 2);
    mine = todo.slice(0, split + 1);
    const theirs = todo.slice(split + 1);
    sharedFiles = theirs.length;
    const writes = theirs.map((j) => ({ file: fileOf(j.path), kind: j.kind, records: j.positions.map((p) => runs.at(p)), digests: j.positions.map((p) => runs.check(p)), fresh: !present.has(j.path) }));
    shared = writePacksInThread(runs.dir, writes, runs.held).then((sizes) => theirs.forEach((j, i) => wrote(j.path, j.key, sizes[i]!)));
  }
  try {
    for (const j of mine) wrote(j.path, j.key, write(j.path, packPieces(j.kind, j.positions.map(record))));
  } finally {
    // The thread's share settles before this returns or throws (so no rejection goes unseen).
    await shared;
  }
  // Keyed by the ids themselves: an edit that adds, removes or reorders no article leaves it (5.7 MB at 100,000) as it is.
  if ("index" in data) {
    const before = old.files[idsPath()];
    if (!before || !kept(idsPath(), before.key)) throw new Error("content store: a patched index needs the last store's list of ids");
  } else {
    const ids = JSON.stringify(data.articles.map((a) => a.id));
    put(idsPath(), sha256(format, ids), () => ids);
  }
  put(indexPath(), sha256(format, data.hash), () => ("index" in data ? data.indexBytes : encodeIndex(header, arrays)));

  let removed = 0;
  for (const path of present) {
    if (!next.files[path]) {
      await rm(join(root, path.slice(STORE_PREFIX.length)), { force: true });
      removed++;
    }
  }
  await mkdir(recordDir, { recursive: true });
  // Sorted: the record is the same whichever thread wrote which file.
  await writeFile(join(recordDir, RECORD), JSON.stringify({ format, files: Object.fromEntries(Object.entries(next.files).sort(([a], [b]) => (a < b ? -1 : 1))) }));
  const entries = Object.entries(next.files);
  const largest = entries.reduce((max, [path, f]) => (f.bytes > max.bytes ? { path, bytes: f.bytes } : max), { path: "", bytes: 0 });
  return { files: entries.length, written: changed.length, changed, shared: sharedFiles, removed, bytes: entries.reduce((n, [, f]) => n + f.bytes, 0), largest };
}
