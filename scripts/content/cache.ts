/**
 * The incremental build's content-addressed cache (default `.cache/content/`, git-ignored).
 * An entry is keyed by SHA-256 of the renderer version, the site URL, the file's path and
 * its bytes, and holds what parsing that file gave: what compiling needs of the article
 * (entry.ts: dates, terms, identity), its digest, problems and warnings (in
 * `entries/<xx>.json`) and where its metadata and rendered body are (a record in a run
 * file, `runs/<id>.bin`: runs.ts). An unchanged file is neither parsed nor rendered
 * again; deleting the folder only makes the next build cold, never different.
 *
 * Entries are sharded by the key's first two hex digits (256 files): every build that
 * builds reads them all (compiling needs every article's dates and terms, ~0.3 KB each),
 * but a build that parsed one file rewrites one or two shards. Titles, summaries and
 * bodies are read from the runs only for the packs a build writes.
 *
 * To avoid rereading every file, `stamps.json` remembers each path's size and
 * modification time with its last key (as git's index does); any difference and the file
 * is read and hashed again. The key stays the content hash: a stamp only saves hashing
 * bytes already hashed. `last.json` holds a digest of every path, size and modification
 * time with the input key they gave (`statKey`, build.ts): when nothing was touched the
 * stamps are not even parsed. Entries are read only when something has to be built.
 *
 * Builds may run at once on one cache (`wrangler dev` rebuilding while `npm run build`
 * runs): each marks itself in `builders/` while it writes runs, and a build that sees
 * another one running leaves unused runs for a later build to delete.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Entry } from "./entry.js";
import { RunReader, RunWriter, RUN_BYTES, type RunItem, type RunRecord } from "./runs.js";
import { RENDERER_VERSION } from "./version.js";

/** The cache's own layout, besides what the renderer makes: a change of either empties it. */
const LAYOUT = "runs-1";
const VERSION = `${RENDERER_VERSION}/${LAYOUT}`;

/** `[size, mtimeMs, key]` (compact: one per file, read on every build). */
type Stamp = [number, number, string];

interface StoredEntries {
  version: string;
  entries: { [key: string]: Entry };
}

interface StoredStamps {
  version: string;
  stamps: { [path: string]: Stamp };
}

/** The last build's digest of paths, sizes and modification times, and the input key they gave. */
export interface LastInput {
  version: string;
  statKey: string;
  inputKey: string;
}

/** The shard of an entry: its key's first two hex digits. */
const shardOf = (key: string): string => key.slice(0, 2);

/** Runs smaller than this are merged once there are more than `SMALL_RUNS_KEPT` of them. */
const SMALL_RUN_BYTES = RUN_BYTES / 8;
const SMALL_RUNS_KEPT = 16;

export function cacheKey(siteUrl: string, file: string, bytes: Uint8Array): string {
  return createHash("sha256").update(RENDERER_VERSION).update("\0").update(siteUrl).update("\0").update(file).update("\0").update(bytes).digest("hex");
}

function readStored<T extends { version: string }>(path: string): T | undefined {
  try {
    const stored = JSON.parse(readFileSync(path, "utf8")) as T;
    return stored.version === VERSION ? stored : undefined;
  } catch {
    return undefined; /* no cache yet, or unreadable: a cold build */
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

/** A process with this id exists (signal 0 only checks). */
function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class BuildCache {
  /** The stamps file was there: the cache existed before this build. */
  readonly existed: boolean;
  /** Where run files are (workers write there too). */
  readonly runDir: string;
  /** Read on first use: a build whose files were not touched never parses them. */
  private stamps: StoredStamps["stamps"] | undefined;
  private readonly nextStamps: StoredStamps["stamps"] = {};
  private stampsChanged = false;
  /** Entries are read on first use only: a build with nothing to do never parses them. */
  private oldEntries: StoredEntries["entries"] | undefined;
  private readonly nextEntries: StoredEntries["entries"] = {};
  /** Shards holding an entry put by this build. */
  private readonly dirty = new Set<string>();
  /** Names of the run files there were, listed once. */
  private runFiles: Set<string> | undefined;
  private readonly reader: RunReader;
  /** This build's mark in `builders/` while it may write runs (`markRunning`). */
  private mark: string | undefined;
  hits = 0;
  misses = 0;

  private constructor(readonly dir: string) {
    this.existed = existsSync(join(dir, "stamps.json"));
    this.runDir = join(dir, "runs");
    this.reader = new RunReader(this.runDir);
  }

  static open(dir: string): BuildCache {
    return new BuildCache(dir);
  }

  /** What the last build recorded in `last.json`, if it was made by this version. */
  lastInput(): LastInput | undefined {
    return readStored<LastInput>(join(this.dir, "last.json"));
  }

  /** Records the digest of paths, sizes and times and the input key they gave (written only when it changes). */
  async recordInput(statKey: string, inputKey: string): Promise<void> {
    const last = this.lastInput();
    if (last?.statKey === statKey && last.inputKey === inputKey) return;
    await mkdir(this.dir, { recursive: true });
    await writeAtomically(join(this.dir, "last.json"), JSON.stringify({ version: VERSION, statKey, inputKey } satisfies LastInput));
  }

  private oldStamps(): StoredStamps["stamps"] {
    return (this.stamps ??= readStored<StoredStamps>(join(this.dir, "stamps.json"))?.stamps ?? {});
  }

  /** The key of `file` if its size and mtime are what they were when it was last hashed. */
  stamped(file: string, size: number, mtimeMs: number): string | undefined {
    const s = this.oldStamps()[file];
    return s && s[0] === size && s[1] === mtimeMs ? s[2] : undefined;
  }

  stamp(file: string, size: number, mtimeMs: number, key: string): void {
    const old = this.oldStamps()[file];
    if (!old || old[0] !== size || old[1] !== mtimeMs || old[2] !== key) this.stampsChanged = true;
    this.nextStamps[file] = [size, mtimeMs, key];
  }

  private entries(): StoredEntries["entries"] {
    if (this.oldEntries) return this.oldEntries;
    const dir = join(this.dir, "entries");
    const shards = existsSync(dir) ? readdirSync(dir).filter((f) => /^[0-9a-f]{2}\.json$/.test(f)) : [];
    this.oldEntries = Object.assign({}, ...shards.map((f) => readStored<StoredEntries>(join(dir, f))?.entries ?? {})) as StoredEntries["entries"];
    return this.oldEntries;
  }

  private hasRun(run: string): boolean {
    this.runFiles ??= new Set(existsSync(this.runDir) ? readdirSync(this.runDir) : []);
    return this.runFiles.has(`${run}.bin`);
  }

  /** A cached entry whose run file still exists. */
  get(key: string): Entry | undefined {
    const hit = this.entries()[key] ?? this.nextEntries[key];
    if (!hit || (hit.core && (!hit.at || !this.hasRun(hit.at[0])))) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.nextEntries[key] = hit;
    return hit;
  }

  /** Records a fresh entry; its record is in a run already written (by this build: see `save`). */
  put(key: string, entry: Entry): void {
    this.nextEntries[key] = entry;
    this.dirty.add(shardOf(key));
  }

  /**
   * Marks this build as running (`builders/<pid>-<id>`) before it writes runs, so a build
   * saving meanwhile does not delete them as unused. Removed by `save`; a mark whose
   * process is gone (a build that crashed) counts for nothing and is removed.
   */
  markRunning(): void {
    if (this.mark) return;
    mkdirSync(this.buildersDir, { recursive: true });
    this.mark = `${process.pid}-${randomBytes(4).toString("hex")}`;
    writeFileSync(join(this.buildersDir, this.mark), "");
  }

  private get buildersDir(): string {
    return join(this.dir, "builders");
  }

  private othersRunning(): boolean {
    const marks = existsSync(this.buildersDir) ? readdirSync(this.buildersDir) : [];
    return marks.some((m) => {
      if (m === this.mark) return false;
      if (processAlive(Number.parseInt(m, 10))) return true;
      rmSync(join(this.buildersDir, m), { force: true });
      return false;
    });
  }

  private unmark(): void {
    if (this.mark) rmSync(join(this.buildersDir, this.mark), { force: true });
    this.mark = undefined;
  }

  /** An article's metadata JSON and body, from its run. */
  read(at: RunRecord): RunItem {
    return this.reader.read(at);
  }

  /**
   * Saves the stamps (when any changed) and, if entries were used, what this build used:
   * only the shards whose entries changed are written; entries of files no longer present
   * are dropped, runs no entry uses are deleted, and small or mostly dead runs merged.
   */
  async save(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    if (this.stampsChanged || Object.keys(this.nextStamps).length !== Object.keys(this.oldStamps()).length || !this.existed) {
      await writeAtomically(join(this.dir, "stamps.json"), JSON.stringify({ version: VERSION, stamps: this.nextStamps } satisfies StoredStamps));
    }
    if (this.oldEntries === undefined && this.dirty.size === 0) {
      this.reader.close();
      this.unmark();
      return;
    }
    const stale = Object.keys(this.oldEntries ?? {}).filter((k) => !(k in this.nextEntries));
    for (const k of stale) this.dirty.add(shardOf(k));
    this.compactRuns();
    this.reader.close();
    const dir = join(this.dir, "entries");
    await mkdir(dir, { recursive: true });
    const byShard = new Map<string, StoredEntries["entries"]>([...this.dirty].map((shard) => [shard, {}]));
    for (const [key, entry] of Object.entries(this.nextEntries)) {
      const shard = byShard.get(shardOf(key));
      if (shard) shard[key] = entry;
    }
    await Promise.all(
      [...byShard].map(([shard, entries]) => {
        const path = join(dir, `${shard}.json`);
        return Object.keys(entries).length === 0 ? rm(path, { force: true }) : writeAtomically(path, JSON.stringify({ version: VERSION, entries } satisfies StoredEntries));
      }),
    );
    // Runs no entry uses (replaced, merged, or left by a build that stopped), and the
    // per-article body files of the layout before runs — unless another build is running
    // on this cache: the runs it is writing are used by no entry yet. A later build does it.
    if (!this.othersRunning()) {
      const used = new Set(Object.values(this.nextEntries).flatMap((e) => (e.at ? [`${e.at[0]}.bin`] : [])));
      const present = existsSync(this.runDir) ? readdirSync(this.runDir) : [];
      await Promise.all(present.filter((f) => !used.has(f)).map((f) => rm(join(this.runDir, f), { force: true })));
      await rm(join(this.dir, "bodies"), { recursive: true, force: true });
    }
    this.unmark();
  }

  /**
   * Moves the records of runs that are mostly dead, or small once there are many small
   * ones, into new runs (re-pointing their entries), so the runs stay few and about as
   * big as what they hold, however many one-file builds come.
   */
  private compactRuns(): void {
    const live = new Map<string, number>();
    for (const e of Object.values(this.nextEntries)) if (e.at) live.set(e.at[0], (live.get(e.at[0]) ?? 0) + e.at[2] + e.at[3]);
    const size = (run: string) => statSync(join(this.runDir, `${run}.bin`), { throwIfNoEntry: false })?.size ?? 0;
    const sizes = new Map([...live.keys()].map((run) => [run, size(run)]));
    const dead = new Set([...live].filter(([run, bytes]) => bytes * 2 < sizes.get(run)!).map(([run]) => run));
    const small = [...live.keys()].filter((run) => sizes.get(run)! < SMALL_RUN_BYTES && !dead.has(run));
    const move = new Set([...dead, ...(small.length > SMALL_RUNS_KEPT ? small : [])]);
    if (move.size === 0) return;
    const writer = new RunWriter(this.runDir);
    for (const [key, entry] of Object.entries(this.nextEntries)) {
      if (!entry.at || !move.has(entry.at[0])) continue;
      const item = this.reader.read(entry.at);
      this.nextEntries[key] = { ...entry, at: writer.add(item.meta, item.body) };
      this.dirty.add(shardOf(key));
    }
    writer.flush();
  }
}
