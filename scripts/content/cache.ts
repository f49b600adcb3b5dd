/**
 * The incremental build's content-addressed cache (default `.cache/content/`, git-ignored).
 * An entry is keyed by SHA-256 of the renderer version, the site URL, the file's path and
 * its bytes, and holds what parsing that file gave: what compiling needs of the article
 * (entry.ts: dates, terms, identity), its digest, problems and warnings, and where its
 * metadata and rendered body are (a record in a run file, `runs/<id>.bin`: runs.ts). An
 * unchanged file is neither parsed nor rendered again; deleting the folder only makes the
 * next build cold, never different.
 *
 * Entries live in one file table (`files.bin`, table.ts), a row per file with its stamp:
 * every build that builds reads them all (compiling needs every article's dates and
 * terms), so they are laid out to be cheap to read. A build that changed a few rows
 * writes only those, as a patch on that table (`files.patch.bin`, every row that differs
 * from it); once the patch holds more than 1/16 of the rows the table is written whole
 * again (~3 MB at 10,000 files). Titles, summaries and bodies are read from the runs only
 * for the packs a build writes.
 *
 * To avoid rereading every file, a row's stamp remembers its path's size and modification
 * time with its last key (as git's index does); any difference and the file is read and
 * hashed again. The key stays the content hash: a stamp only saves hashing bytes already
 * hashed. `last.json` holds a digest of every path, size and modification time with the
 * input key they gave (`statKey`, build.ts): when nothing was touched the table is not
 * even read.
 *
 * A record read from a run is checked against its entry's digest when it came from the
 * cache (runs.ts `DamagedRecord`): a damaged run is distrusted by the next attempt
 * (site.ts), so its files are parsed again and the output is never other than a cold build's.
 *
 * Builds may run at once on one cache (`wrangler dev` rebuilding while `npm run build`
 * runs): each marks itself in `builders/` while it writes runs, and a build that sees
 * another one running leaves unused runs for a later build to delete. The table is
 * replaced whole (the last build to finish wins; a row it lacks is parsed again).
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Entry } from "./entry.js";
import { writeWhole } from "./files.js";
import { DamagedRecord, RunReader, RunWriter, RUN_BYTES, type HeldRun, type RunItem, type RunRecord } from "./runs.js";
import { decodeTable, encodeTable, type FileRow } from "./table.js";
import { RENDERER_VERSION } from "./version.js";

/** The cache's own layout, besides what the renderer makes: a change of either empties it. */
const LAYOUT = "table-1";
/**
 * The cache's version: the renderer's, the layout's and the site URL's (every key holds
 * the site URL, but a file's stamp does not: a cache of another site URL is not this
 * one's, so its stamps are never taken). The snapshot (snapshot.ts) is named by it too.
 */
const cacheVersion = (siteUrl: string): string => `${RENDERER_VERSION}/${LAYOUT}/${createHash("sha256").update(siteUrl).digest("hex").slice(0, 16)}`;
const TABLE = "files.bin";
const PATCH = "files.patch.bin";
/** A patch is written while it holds at most this share of the rows (or `PATCH_ROWS`, if more). */
const PATCH_SHARE = 1 / 16;
const PATCH_ROWS = 64;

/** What a file was when it was last hashed (a row of the table is one). */
type Stamp = Pick<FileRow, "size" | "mtimeMs" | "key">;

/** The last table, read on first use: its rows by path (the patch applied), their entries by key, and the whole table's rows. */
interface Table {
  rows: Map<string, FileRow>;
  entries: Map<string, Entry>;
  base?: { id: string; rows: Map<string, FileRow> };
}

const newId = (): string => `${process.pid}-${randomBytes(6).toString("hex")}`;

/** A patch to write (`patchWith`): its rows, on which whole table, and the paths it removes from that table. */
export interface PatchPlan {
  base: string;
  rows: FileRow[];
  removed: string[];
}

/** The last build's digest of paths, sizes and modification times, and the input key they gave. */
export interface LastInput {
  version: string;
  statKey: string;
  inputKey: string;
}

/** Runs smaller than this are merged once there are more than `SMALL_RUNS_KEPT` of them. */
const SMALL_RUN_BYTES = RUN_BYTES / 8;
const SMALL_RUNS_KEPT = 16;

export function cacheKey(siteUrl: string, file: string, bytes: Uint8Array): string {
  return createHash("sha256").update(RENDERER_VERSION).update("\0").update(siteUrl).update("\0").update(file).update("\0").update(bytes).digest("hex");
}

function readStored<T extends { version: string }>(path: string, version: string): T | undefined {
  try {
    const stored = JSON.parse(readFileSync(path, "utf8")) as T;
    return stored.version === version ? stored : undefined;
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
  /** The table was there: the cache existed before this build. */
  readonly existed: boolean;
  /** Where run files are (workers write there too). */
  readonly runDir: string;
  /** Read on first use: a build whose files were not touched never reads it. */
  private last: Table | undefined;
  private readonly nextStamps = new Map<string, Stamp>();
  private stampsChanged = false;
  private readonly nextEntries = new Map<string, Entry>();
  /** Entries were asked for (`get`) or put: this build built, and its entries are the table's. */
  private built = false;
  /** An entry was put or re-pointed (compaction) by this build. */
  private entriesChanged = false;
  /** The run files there were and their sizes, listed once. */
  private runSizes: Map<string, number> | undefined;
  private readonly reader: RunReader;
  /** This build's mark in `builders/` while it may write runs (`markRunning`). */
  private mark: string | undefined;
  /** The whole table the table on disk is (or patches), once saved: the snapshot names it (snapshot.ts). */
  tableBase: string | undefined;
  hits = 0;
  misses = 0;

  private constructor(
    readonly dir: string,
    /** What wrote the table, the last input and the snapshot: another version's are not read. */
    readonly version: string,
    /** Runs found damaged (`DamagedRecord`): their entries are misses, so their files are parsed again. */
    private readonly distrusted: ReadonlySet<string>,
  ) {
    this.existed = existsSync(join(dir, TABLE));
    this.runDir = join(dir, "runs");
    this.reader = new RunReader(this.runDir);
  }

  static open(dir: string, siteUrl: string, distrusted: ReadonlySet<string> = new Set()): BuildCache {
    return new BuildCache(dir, cacheVersion(siteUrl), distrusted);
  }

  /** What the last build recorded in `last.json`, if it was made by this version. */
  lastInput(): LastInput | undefined {
    return readStored<LastInput>(join(this.dir, "last.json"), this.version);
  }

  /** Records the digest of paths, sizes and times and the input key they gave (written only when it changes). */
  async recordInput(statKey: string, inputKey: string): Promise<void> {
    const last = this.lastInput();
    if (last?.statKey === statKey && last.inputKey === inputKey) return;
    await mkdir(this.dir, { recursive: true });
    await writeAtomically(join(this.dir, "last.json"), JSON.stringify({ version: this.version, statKey, inputKey } satisfies LastInput));
  }

  /** The last build's table, its patch applied (empty when there is none, or it is unreadable: a cold build). */
  private table(): Table {
    if (this.last) return this.last;
    const read = (name: string) => {
      try {
        return decodeTable(this.version, readFileSync(join(this.dir, name)));
      } catch {
        return undefined; /* none yet */
      }
    };
    const whole = read(TABLE);
    if (!whole || whole.mark.base !== undefined) return (this.last = { rows: new Map(), entries: new Map() });
    const base = { id: whole.mark.id, rows: new Map(whole.rows.map((r) => [r.path, r])) };
    const rows = new Map(base.rows);
    // A patch of another table (written before that one replaced it) is not this one's.
    const patch = read(PATCH);
    if (patch !== undefined && patch.mark.base === base.id) {
      for (const path of patch.mark.removed ?? []) rows.delete(path);
      for (const r of patch.rows) rows.set(r.path, r);
    }
    const entries = new Map<string, Entry>();
    for (const r of rows.values()) if (r.entry) entries.set(r.key, r.entry);
    return (this.last = { rows, entries, base });
  }

  /** The key of `file` if its size and mtime are what they were when it was last hashed. */
  stamped(file: string, size: number, mtimeMs: number): string | undefined {
    const s = this.table().rows.get(file);
    return s && s.size === size && s.mtimeMs === mtimeMs ? s.key : undefined;
  }

  stamp(file: string, size: number, mtimeMs: number, key: string): void {
    const old = this.table().rows.get(file);
    if (old && old.size === size && old.mtimeMs === mtimeMs && old.key === key) {
      this.nextStamps.set(file, old);
      return;
    }
    this.stampsChanged = true;
    this.nextStamps.set(file, { size, mtimeMs, key });
  }

  /** The record is in its run: the file is there and long enough (a run cut short — a full disk, a hand edit — loses its tail's records). */
  private holds([run, offset, metaBytes, bodyBytes]: RunRecord): boolean {
    this.runSizes ??= new Map(
      (existsSync(this.runDir) ? readdirSync(this.runDir) : []).flatMap((f) => {
        const size = statSync(join(this.runDir, f), { throwIfNoEntry: false })?.size;
        return f.endsWith(".bin") && size !== undefined ? [[f.slice(0, -4), size] as const] : [];
      }),
    );
    return offset + metaBytes + bodyBytes <= (this.runSizes.get(run) ?? -1);
  }

  /** A cached entry whose record is still in its run (else the file is parsed again). */
  get(key: string): Entry | undefined {
    this.built = true;
    const hit = this.table().entries.get(key) ?? this.nextEntries.get(key);
    if (!hit || (hit.core && (!hit.at || this.distrusted.has(hit.at[0]) || !this.holds(hit.at)))) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.nextEntries.set(key, hit);
    return hit;
  }

  /** Records a fresh entry; its record is in a run already written (by this build: see `save`). */
  put(key: string, entry: Entry): void {
    this.built = true;
    this.entriesChanged = true;
    this.nextEntries.set(key, entry);
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

  /** Reads these runs (this build's) from memory until the cache is saved or closed. */
  holdRuns(runs: readonly HeldRun[]): void {
    this.reader.hold(runs);
  }

  /** An article's metadata JSON and body, from its run; with its entry's `digest`, checked (else `DamagedRecord`). */
  read(at: RunRecord, digest?: string): RunItem {
    return this.reader.read(at, digest);
  }

  /** Gives the build up without saving (a damaged run was found: the next attempt distrusts it). */
  abandon(): void {
    this.release();
  }

  /**
   * Saves the table when a row changed — a stamp, an entry, or the set of files — and, if
   * this build built, deletes runs no entry uses and merges small or mostly dead ones.
   */
  async save(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const last = this.table();
    if (this.built) this.compactRuns();
    this.reader.close();
    // Built: this build's entries are the table's (every file was asked for or put);
    // else (an up-to-date build whose files were touched) the last build's rows keep theirs.
    const entries = this.built ? this.nextEntries : last.entries;
    const stale = this.built && [...last.entries.keys()].some((key) => !this.nextEntries.has(key));
    if (this.stampsChanged || this.entriesChanged || stale || this.nextStamps.size !== last.rows.size || !this.existed) {
      const rows = [...this.nextStamps].map(([path, stamp]): FileRow => {
        const entry = entries.get(stamp.key);
        // A row as it was (same stamp, same entry) is written as it was read.
        if (stamp === last.rows.get(path) && (stamp as FileRow).entry === entry) return stamp as FileRow;
        return { path, size: stamp.size, mtimeMs: stamp.mtimeMs, key: stamp.key, ...(entry ? { entry } : {}) };
      });
      this.tableBase = this.writeTable(rows, last.base);
    } else {
      this.tableBase = last.base?.id;
    }
    // Runs no entry uses (replaced, merged, or left by a build that stopped), and the
    // files of earlier layouts — unless another build is running on this cache: the runs
    // it is writing are used by no entry yet. A later build does it.
    if (this.built && !this.othersRunning()) {
      const used = new Set([...this.nextEntries.values()].flatMap((e) => (e.at ? [`${e.at[0]}.bin`] : [])));
      const present = existsSync(this.runDir) ? readdirSync(this.runDir) : [];
      await Promise.all(present.filter((f) => !used.has(f)).map((f) => rm(join(this.runDir, f), { force: true })));
      await Promise.all(["bodies", "entries", "stamps.json"].map((old) => rm(join(this.dir, old), { recursive: true, force: true })));
    }
    this.unmark();
  }

  /**
   * For a few-articles rebuild (delta.ts), which never reads the table: the patch on table
   * `base` (of about `tableRows` rows) with `rows` put in, or undefined when the patch there
   * is another table's, unreadable, or would grow past what a patch holds — then the full
   * path runs and writes the table whole.
   */
  patchWith(base: string, tableRows: number, rows: readonly FileRow[]): PatchPlan | undefined {
    let patch: { rows: FileRow[]; mark: { base?: string; removed?: string[] } } | undefined = { rows: [], mark: { base } };
    if (existsSync(join(this.dir, PATCH))) {
      try {
        patch = decodeTable(this.version, readFileSync(join(this.dir, PATCH)));
      } catch {
        patch = undefined;
      }
    }
    if (!patch || patch.mark.base !== base) return undefined;
    const merged = new Map(patch.rows.map((r) => [r.path, r]));
    for (const r of rows) merged.set(r.path, r);
    const removed = patch.mark.removed ?? [];
    if (merged.size + removed.length > Math.max(PATCH_ROWS, tableRows * PATCH_SHARE)) return undefined;
    return { base, rows: [...merged.values()], removed };
  }

  /** Writes a planned patch (`patchWith`) and lets go of the cache: this build's runs are in the table now. */
  writePatch(plan: PatchPlan): void {
    this.writeFile(PATCH, encodeTable(this.version, plan.rows, { id: newId(), base: plan.base, removed: plan.removed }));
    this.tableBase = plan.base;
    this.release();
  }

  /** Closes the run files and removes this build's mark, saving nothing. */
  release(): void {
    this.reader.close();
    this.unmark();
  }

  /** Writes a table file under a name of its own, then renames it: builds at once never mix their tables. */
  private writeFile(name: string, pieces: Uint8Array[]): void {
    const tmp = join(this.dir, `${name}.${newId()}`);
    writeWhole(tmp, pieces);
    renameSync(tmp, join(this.dir, name));
  }

  /**
   * Writes `rows` as a patch on the whole table `base` when few differ from it, else as
   * the whole table (and drops the patch: a patch names the table it applies to, so one
   * left by a build that stopped in between is never applied to another). Returns the
   * id of the whole table the table on disk now is or patches.
   */
  private writeTable(rows: FileRow[], base: Table["base"]): string {
    if (base && this.existed) {
      const changed = rows.filter((r) => base.rows.get(r.path) !== r);
      const present = new Set(rows.map((r) => r.path));
      const removed = [...base.rows.keys()].filter((path) => !present.has(path));
      if (changed.length + removed.length <= Math.max(PATCH_ROWS, base.rows.size * PATCH_SHARE)) {
        this.writeFile(PATCH, encodeTable(this.version, changed, { id: newId(), base: base.id, removed }));
        return base.id;
      }
    }
    const id = newId();
    this.writeFile(TABLE, encodeTable(this.version, rows, { id }));
    rmSync(join(this.dir, PATCH), { force: true });
    return id;
  }

  /**
   * Moves the records of runs that are mostly dead, or small once there are many small
   * ones, into new runs (re-pointing their entries), so the runs stay few and about as
   * big as what they hold, however many one-file builds come.
   */
  private compactRuns(): void {
    const live = new Map<string, number>();
    for (const e of this.nextEntries.values()) if (e.at) live.set(e.at[0], (live.get(e.at[0]) ?? 0) + e.at[2] + e.at[3]);
    const size = (run: string) => statSync(join(this.runDir, `${run}.bin`), { throwIfNoEntry: false })?.size ?? 0;
    const sizes = new Map([...live.keys()].map((run) => [run, size(run)]));
    const dead = new Set([...live].filter(([run, bytes]) => bytes * 2 < sizes.get(run)!).map(([run]) => run));
    const small = [...live.keys()].filter((run) => sizes.get(run)! < SMALL_RUN_BYTES && !dead.has(run));
    const move = new Set([...dead, ...(small.length > SMALL_RUNS_KEPT ? small : [])]);
    if (move.size === 0) return;
    const writer = new RunWriter(this.runDir);
    for (const [key, entry] of this.nextEntries) {
      if (!entry.at || !move.has(entry.at[0])) continue;
      this.entriesChanged = true;
      let item: RunItem;
      try {
        item = this.reader.read(entry.at, entry.digest);
      } catch (error) {
        // Never copied on: the entry is dropped, and its file parsed again by the next build.
        if (!(error instanceof DamagedRecord)) throw error;
        this.nextEntries.delete(key);
        continue;
      }
      this.nextEntries.set(key, { ...entry, at: writer.add(item.meta, item.body) });
    }
    writer.flush();
  }
}
