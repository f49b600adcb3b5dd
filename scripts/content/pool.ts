/**
 * Worker threads parsing batches of files for the content build (worker.ts). Batches go
 * to whichever thread is free, so a thread given long articles does not hold the others
 * up; source bytes the main thread already read (to hash them) are moved, not copied.
 * With a run directory each thread writes the records it renders into run files of its
 * own (runs.ts) and sends back only the entries, and the runs in shared memory; those runs
 * are complete once `close()` has resolved.
 */
import { Worker } from "node:worker_threads";
import type { Parsed } from "./entry.js";
import type { HeldRun } from "./runs.js";

export interface PoolData {
  contentDir: string;
  siteUrl: string;
  runDir?: string;
  /** Hash each file read (its cache key comes back with its entry). */
  hash?: boolean;
}

export interface BatchMessage {
  batch: number;
  files: string[];
  /** The file's bytes, or null: the thread reads the file. */
  sources: (Uint8Array | null)[];
}

export type WorkerReply = { batch: number; results: Parsed[]; held: HeldRun[] } | { closed: true; held: HeldRun[] };

/** An ArrayBuffer that can be moved to a thread: the view covers all of it. */
function movable(bytes: Uint8Array | null): ArrayBuffer | undefined {
  if (!bytes || bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength || !(bytes.buffer instanceof ArrayBuffer)) return undefined;
  return bytes.buffer;
}

export class ParsePool {
  private readonly workers: Worker[];
  private readonly idle: Worker[];
  private readonly queue: BatchMessage[] = [];
  private readonly results: Parsed[][] = [];
  /** Runs the threads wrote, in shared memory (complete once `close()` has resolved). */
  readonly held: HeldRun[] = [];
  private outstanding = 0;
  private closing = false;
  private failed: Error | undefined;
  private settle: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(threads: number, data: PoolData) {
    this.workers = Array.from({ length: threads }, () => {
      const worker = new Worker(new URL("./worker.mjs", import.meta.url), { workerData: data });
      worker.on("message", (reply: WorkerReply) => this.onReply(worker, reply));
      worker.once("error", (e) => this.fail(e));
      worker.once("exit", (code) => {
        if (code !== 0 && !this.closing) this.fail(new Error(`content build: a worker thread exited with code ${code}`));
      });
      return worker;
    });
    this.idle = [...this.workers];
  }

  /** Queues a batch; its results come back, in submission order, from `close()`. */
  submit(files: string[], sources: (Uint8Array | null)[]): void {
    this.queue.push({ batch: this.results.length, files, sources });
    this.results.push([]);
    this.outstanding++;
    this.dispatch();
  }

  /** Waits for every batch, lets each thread write its last run and stop; every result in order. */
  async close(): Promise<Parsed[]> {
    await new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      this.check();
    });
    this.closing = true;
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.on("message", (reply: WorkerReply) => {
              if (!("closed" in reply)) return;
              this.held.push(...reply.held);
              resolve();
            });
            worker.once("error", reject);
            worker.postMessage({ close: true });
          }),
      ),
    );
    await Promise.all(this.workers.map((w) => w.terminate()));
    return this.results.flat();
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const message = this.queue.shift()!;
      const transfer = message.sources.flatMap((s) => movable(s) ?? []);
      worker.postMessage(message, transfer);
    }
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    if ("closed" in reply) return;
    this.results[reply.batch] = reply.results;
    this.held.push(...reply.held);
    this.outstanding--;
    this.idle.push(worker);
    this.dispatch();
    this.check();
  }

  private fail(error: Error): void {
    this.failed ??= error;
    this.check();
  }

  private check(): void {
    if (!this.settle) return;
    if (this.failed) this.settle.reject(this.failed);
    else if (this.outstanding === 0) this.settle.resolve();
  }
}
