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

/**
 * A run this build wrote, still in memory: its bytes in a SharedArrayBuffer, so a thread
 * that writes packs from it (store.ts) reads it where it is — no copy when it is posted,
 * no read of the file back.
 */
export interface HeldRun {
  run: string;
  bytes: Uint8Array;
}

export const runPath = (dir: string, run: string): string => join(dir, `${run}.bin`);

/** A new run's name: 64 random bits (threads and builds never pick the same one). */
const newRun = (): string => randomBytes(8).toString("hex");

/** Room for a run: RUN_BYTES and the record that crosses it (a bigger record gets a run of its own size). */
const runBuffer = (need: number): Buffer => Buffer.from(new SharedArrayBuffer(Math.max(RUN_BYTES + RUN_BYTES / 4, need)));

/** Bytes of written runs one writer keeps in memory (a cold build at 10,000 holds all of its ~65 MB a thread); past this its runs are read back from their files (a cold build of 100,000 articles writes ~1.3 GB of runs). */
export const HOLD_BYTES = 128 * 1024 * 1024;

/**
 * Appends records to runs under `dir`; a record can be read once `flush()` has written its
 * run. Text is encoded straight into the run's buffer (no buffer per record to allocate,
 * copy and collect); written runs stay in memory, up to `holdBytes`, until taken.
 */
export class RunWriter {
  private run = newRun();
  private buffer: Buffer | undefined;
  private bytes = 0;
  private held: HeldRun[] = [];
  private heldBytes = 0;

  constructor(
    private readonly dir: string,
    private readonly holdBytes = HOLD_BYTES,
  ) {}

  add(meta: string | Uint8Array, body: string | Uint8Array): RunRecord {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const need = (typeof meta === "string" ? meta.length * 3 : meta.byteLength) + (typeof body === "string" ? body.length * 3 : body.byteLength);
    if (this.buffer && this.bytes + need > this.buffer.byteLength) {
      this.flush();
      // A record bigger than the (reused) buffer gets one of its own size.
      if (this.buffer && need > this.buffer.byteLength) this.buffer = undefined;
    }
    this.buffer ??= runBuffer(need);
    const record: RunRecord = [this.run, this.bytes, this.put(meta), 0];
    record[3] = this.put(body);
    if (this.bytes >= RUN_BYTES) this.flush();
    return record;
  }

  /** Writes the current run (whole or not at all: files.ts), and holds it. */
  flush(): void {
    if (!this.buffer || this.bytes === 0) return;
    const bytes = this.buffer.subarray(0, this.bytes);
    writeWhole(runPath(this.dir, this.run), [bytes], true);
    if (this.heldBytes + this.buffer.byteLength <= this.holdBytes) {
      this.held.push({ run: this.run, bytes });
      this.heldBytes += this.buffer.byteLength;
      this.buffer = undefined;
    }
    // A run not held is written and done with: its buffer takes the next run.
    this.run = newRun();
    this.bytes = 0;
  }

  /** The runs written since the last call, in memory (to post to the thread that reads them, or to hold here). */
  takeHeld(): HeldRun[] {
    const held = this.held;
    this.held = [];
    return held;
  }

  private put(part: string | Uint8Array): number {
    const buffer = this.buffer!;
    const n = typeof part === "string" ? buffer.write(part, this.bytes, "utf8") : (buffer.set(part, this.bytes), part.byteLength);
    this.bytes += n;
    return n;
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
  /** Runs held whole: read whole from their files (counted in `wholeBytes`), or this build's own, where they are (RunWriter `takeHeld`). */
  private readonly whole = new Map<string, Uint8Array>();
  private wholeBytes = 0;

  constructor(
    private readonly dir: string,
    held: readonly HeldRun[] = [],
  ) {
    this.hold(held);
  }

  /** Reads these runs from memory, not from their files. */
  hold(runs: readonly HeldRun[]): void {
    for (const { run, bytes } of runs) this.whole.set(run, bytes);
  }

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
