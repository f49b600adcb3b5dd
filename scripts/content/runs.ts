/**
 * Run files of the build cache (`.cache/content/runs/<id>.bin`): rendered articles packed
 * many to a file — each record is an article's metadata JSON then its HTML body, both
 * UTF-8 — instead of a file per article (on this kind of machine every file created or
 * opened costs more than parsing a small article). A record is found by its `RunRecord`
 * (run, offset, byte lengths), which the cache entry keeps. Runs are never changed once
 * written: a changed article is appended to a new run, and `cache.ts` drops runs no entry
 * uses and merges small or mostly dead ones.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { writeWhole } from "./files.js";

/** Where an article is: its run, the record's offset, its metadata's and its body's byte lengths. */
export type RunRecord = [run: string, offset: number, metaBytes: number, bodyBytes: number];

/** One article as its run holds it: metadata JSON and HTML body, UTF-8. */
export interface RunItem {
  meta: Uint8Array;
  body: Uint8Array;
}

/** An article's digest: SHA-256 of its metadata JSON, a NUL and its HTML body (the entry keeps it; a record read from a run must still give it). */
export function recordDigest(meta: string | Uint8Array, body: string | Uint8Array): string {
  return createHash("sha256").update(meta).update("\0").update(body).digest("hex");
}

/** A record whose bytes no longer give its entry's digest (a damaged disk, a hand edit): its run can't be trusted. */
export class DamagedRecord extends Error {
  constructor(readonly at: RunRecord) {
    super(`build cache: run ${at[0]} is damaged (the record at ${at[1]} no longer matches its digest)`);
    this.name = "DamagedRecord";
  }
}

/** A run is written once it holds this much (or when its writer is flushed). */
export const RUN_BYTES = 4 * 1024 * 1024;

const encoder = new TextEncoder();

export const runPath = (dir: string, run: string): string => join(dir, `${run}.bin`);

/** A new run's name: 64 random bits (threads and builds never pick the same one). */
const newRun = (): string => randomBytes(8).toString("hex");

/** Appends records to runs under `dir`; a record can be read once `flush()` has written its run. */
export class RunWriter {
  private run = newRun();
  private parts: Uint8Array[] = [];
  private bytes = 0;
  /** Runs written by this writer. */
  readonly written: string[] = [];

  constructor(private readonly dir: string) {}

  add(meta: string | Uint8Array, body: string | Uint8Array): RunRecord {
    const m = typeof meta === "string" ? encoder.encode(meta) : meta;
    const b = typeof body === "string" ? encoder.encode(body) : body;
    const record: RunRecord = [this.run, this.bytes, m.byteLength, b.byteLength];
    this.parts.push(m, b);
    this.bytes += m.byteLength + b.byteLength;
    if (this.bytes >= RUN_BYTES) this.flush();
    return record;
  }

  /** Writes the current run (whole or not at all: files.ts). */
  flush(): void {
    if (this.parts.length === 0) return;
    writeWhole(runPath(this.dir, this.run), this.parts, true);
    this.written.push(this.run);
    this.run = newRun();
    this.parts = [];
    this.bytes = 0;
  }
}

/**
 * Share of a run read record by record before the rest of it is read whole: a build
 * reading most of a run (a cold one) reads it at once, one copying a pack's records
 * (a one-file build: ~100 of a 4 MiB run's ~300) reads just those.
 */
const SHARE_BEFORE_WHOLE = 1 / 8;
/** Runs held whole at once, in bytes; past this, records are read one by one. */
const WHOLE_BYTES = 256 * 1024 * 1024;

/**
 * Reads records: one positioned read each, keeping each run's file open until `close()`;
 * a run read often (a cold build writing every pack) is read whole once instead, up to
 * `WHOLE_BYTES` of runs held.
 */
export class RunReader {
  private readonly fds = new Map<string, number>();
  /** Bytes asked of each run, and its size (fstat once). */
  private readonly asked = new Map<string, { bytes: number; size: number }>();
  private readonly whole = new Map<string, Buffer>();
  private wholeBytes = 0;

  constructor(private readonly dir: string) {}

  /** The record at `at`; with a `digest`, checked against it (else `DamagedRecord`). */
  read(at: RunRecord, digest?: string): RunItem {
    const [run, offset, metaBytes, bodyBytes] = at;
    const held = this.whole.get(run) ?? this.readWhole(run, metaBytes + bodyBytes);
    const buffer = held ? held.subarray(offset, offset + metaBytes + bodyBytes) : this.readAt(run, offset, metaBytes + bodyBytes);
    if (buffer.byteLength !== metaBytes + bodyBytes) throw new Error(`build cache: run ${run} is shorter than its records say`);
    const item = { meta: buffer.subarray(0, metaBytes), body: buffer.subarray(metaBytes) };
    if (digest !== undefined && recordDigest(item.meta, item.body) !== digest) throw new DamagedRecord(at);
    return item;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    this.whole.clear();
    this.asked.clear();
    this.wholeBytes = 0;
  }

  private fd(run: string): number {
    let fd = this.fds.get(run);
    if (fd === undefined) {
      fd = openSync(runPath(this.dir, run), "r");
      this.fds.set(run, fd);
    }
    return fd;
  }

  /** The whole run, once enough of it has been asked for and it fits. */
  private readWhole(run: string, length: number): Buffer | undefined {
    let asked = this.asked.get(run);
    if (!asked) this.asked.set(run, (asked = { bytes: 0, size: fstatSync(this.fd(run)).size }));
    asked.bytes += length;
    const size = asked.size;
    if (asked.bytes <= size * SHARE_BEFORE_WHOLE || this.wholeBytes + size > WHOLE_BYTES) return undefined;
    const buffer = this.readAt(run, 0, size);
    this.whole.set(run, buffer);
    this.wholeBytes += size;
    return buffer;
  }

  private readAt(run: string, offset: number, length: number): Buffer {
    const fd = this.fd(run);
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, buffer, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return buffer.subarray(0, done);
  }
}
