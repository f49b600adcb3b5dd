/**
 * The incremental build's content-addressed cache (default `.cache/content/`, git-ignored).
 * An entry is keyed by SHA-256 of the renderer version, the site URL, the file's path and
 * its bytes, and holds what parsing that file gave: the article's metadata, digest,
 * problems and warnings (in `entries.json`) and its rendered body (`bodies/<key>.html`).
 * An unchanged file is neither parsed nor rendered again; deleting the folder only makes
 * the next build cold, never different.
 *
 * Entries are sharded by the key's first two hex digits (`entries/<xx>.json`, 256 files):
 * every build that builds reads them all (compiling needs every article), but a build
 * that parsed one file rewrites one or two shards, not the whole set.
 *
 * To avoid rereading every file, `stamps.json` remembers each path's size and
 * modification time with its last key (as git's index does); any difference and the file
 * is read and hashed again. The key stays the content hash: a stamp only saves hashing
 * bytes already hashed. `last.json` holds a digest of every path, size and modification
 * time with the input key they gave (`statKey`, build.ts): when nothing was touched the
 * stamps are not even parsed. Entries are read only when something has to be built.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ParseResult } from "./article.js";
import { RENDERER_VERSION } from "./version.js";

/** A parse result without its body (kept apart, read only when a pack is rewritten). */
export type CachedResult = ParseResult;

/** `[size, mtimeMs, key]` (compact: one per file, read on every build). */
type Stamp = [number, number, string];

interface StoredEntries {
  version: string;
  entries: { [key: string]: CachedResult };
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

export function cacheKey(siteUrl: string, file: string, bytes: Uint8Array): string {
  return createHash("sha256").update(RENDERER_VERSION).update("\0").update(siteUrl).update("\0").update(file).update("\0").update(bytes).digest("hex");
}

function readStored<T extends { version: string }>(path: string): T | undefined {
  try {
    const stored = JSON.parse(readFileSync(path, "utf8")) as T;
    return stored.version === RENDERER_VERSION ? stored : undefined;
  } catch {
    return undefined; /* no cache yet, or unreadable: a cold build */
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

export class BuildCache {
  /** The stamps file was there: the cache existed before this build. */
  readonly existed: boolean;
  /** Read on first use: a build whose files were not touched never parses them. */
  private stamps: StoredStamps["stamps"] | undefined;
  private readonly nextStamps: StoredStamps["stamps"] = {};
  private stampsChanged = false;
  /** Entries are read on first use only: a build with nothing to do never parses them. */
  private oldEntries: StoredEntries["entries"] | undefined;
  private readonly nextEntries: StoredEntries["entries"] = {};
  /** Shards holding an entry put by this build. */
  private readonly dirty = new Set<string>();
  /** Names of the body files there were, listed once (not a stat per entry). */
  private bodyFiles: Set<string> | undefined;
  hits = 0;
  misses = 0;

  private constructor(readonly dir: string) {
    this.existed = existsSync(join(dir, "stamps.json"));
  }

  static open(dir: string): BuildCache {
    return new BuildCache(dir);
  }

  bodyPath(key: string): string {
    return join(this.dir, "bodies", `${key}.html`);
  }

  /** What the last build recorded in `last.json`, if it was made by this renderer version. */
  lastInput(): LastInput | undefined {
    return readStored<LastInput>(join(this.dir, "last.json"));
  }

  /** Records the digest of paths, sizes and times and the input key they gave (written only when it changes). */
  async recordInput(statKey: string, inputKey: string): Promise<void> {
    const last = this.lastInput();
    if (last?.statKey === statKey && last.inputKey === inputKey) return;
    await mkdir(this.dir, { recursive: true });
    await writeAtomically(join(this.dir, "last.json"), JSON.stringify({ version: RENDERER_VERSION, statKey, inputKey } satisfies LastInput));
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

  private hasBody(key: string): boolean {
    this.bodyFiles ??= new Set(existsSync(join(this.dir, "bodies")) ? readdirSync(join(this.dir, "bodies")) : []);
    return this.bodyFiles.has(`${key}.html`);
  }

  /** A cached result whose body file still exists. */
  get(key: string): CachedResult | undefined {
    const hit = this.entries()[key] ?? this.nextEntries[key];
    if (!hit || (hit.parsed && !this.hasBody(key))) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.nextEntries[key] = hit;
    return hit;
  }

  /** Records a fresh result; its body file was written by `writeBody`. */
  put(key: string, result: CachedResult): void {
    this.nextEntries[key] = result;
    this.dirty.add(shardOf(key));
  }

  readBody(key: string): Promise<string> {
    return readFile(this.bodyPath(key), "utf8");
  }

  /**
   * Saves the stamps (when any changed) and, if entries were used, what this build used:
   * only the shards whose entries changed are written; entries and bodies of files no
   * longer present are dropped.
   */
  async save(): Promise<void> {
    await mkdir(join(this.dir, "bodies"), { recursive: true });
    if (this.stampsChanged || Object.keys(this.nextStamps).length !== Object.keys(this.oldStamps()).length || !this.existed) {
      await writeAtomically(join(this.dir, "stamps.json"), JSON.stringify({ version: RENDERER_VERSION, stamps: this.nextStamps } satisfies StoredStamps));
    }
    if (this.oldEntries === undefined) return;
    const stale = Object.keys(this.oldEntries).filter((k) => !(k in this.nextEntries));
    for (const k of stale) this.dirty.add(shardOf(k));
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
        return Object.keys(entries).length === 0 ? rm(path, { force: true }) : writeAtomically(path, JSON.stringify({ version: RENDERER_VERSION, entries } satisfies StoredEntries));
      }),
    );
    // The single file earlier builds kept.
    await rm(join(this.dir, "entries.json"), { force: true });
    await Promise.all(stale.map((k) => rm(this.bodyPath(k), { force: true })));
  }

  /** Every body file (tests). */
  async bodies(): Promise<string[]> {
    return (await readdir(join(this.dir, "bodies")).catch(() => [] as string[])).sort();
  }
}

/** Writes a body into the cache (also from worker threads). */
export async function writeBody(path: string, body: string): Promise<void> {
  await writeAtomically(path, body);
}
