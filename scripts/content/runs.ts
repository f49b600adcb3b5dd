/**
 * Run files of the build cache (`.cache/content/runs/<id>.bin`): rendered articles packed
 * many to a file — each record is an article's metadata JSON then its HTML body, both
 * UTF-8 — instead of a file per article (on this kind of machine every file created or
 * opened costs more than parsing a small article). A record is found by its `RunRecord`
 * (run, offset, byte lengths), which the cache entry keeps. Runs are never changed once
 * written: a changed article is appended to a new run, and `cache.ts` drops runs no entry
 * uses and merges small or mostly dead ones.
 */
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Where an article is: its run, the record's offset, its metadata's and its body's byte lengths. */
export type RunRecord = [run: string, offset: number, metaBytes: number, bodyBytes: number];

/** One article as its run holds it: metadata JSON and HTML body, UTF-8. */
export interface RunItem {
  meta: Uint8Array;
  body: Uint8Array;
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

  /** Writes the current run (write, then rename: a run file is always whole). */
  flush(): void {
    if (this.parts.length === 0) return;
    mkdirSync(this.dir, { recursive: true });
    const path = runPath(this.dir, this.run);
    writeFileSync(`${path}.tmp`, Buffer.concat(this.parts));
    renameSync(`${path}.tmp`, path);
    this.written.push(this.run);
    this.run = newRun();
    this.parts = [];
    this.bytes = 0;
  }
}

/** Reads records (one positioned read each), keeping each run's file open until `close()`. */
export class RunReader {
  private readonly fds = new Map<string, number>();

  constructor(private readonly dir: string) {}

  read([run, offset, metaBytes, bodyBytes]: RunRecord): RunItem {
    let fd = this.fds.get(run);
    if (fd === undefined) {
      fd = openSync(runPath(this.dir, run), "r");
      this.fds.set(run, fd);
    }
    const buffer = Buffer.allocUnsafe(metaBytes + bodyBytes);
    let done = 0;
    while (done < buffer.byteLength) {
      const n = readSync(fd, buffer, done, buffer.byteLength - done, offset + done);
      if (n === 0) throw new Error(`build cache: run ${run} is shorter than its records say`);
      done += n;
    }
    return { meta: buffer.subarray(0, metaBytes), body: buffer.subarray(metaBytes) };
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}
