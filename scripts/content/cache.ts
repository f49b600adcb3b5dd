/**
 * The incremental build's content-addressed cache (default `.cache/content/`, git-ignored).
 * An entry is keyed by SHA-256 of the renderer version, the site URL, the file's path and
 * its bytes, and holds what parsing that file gave: the article's metadata, digest,
 * problems and warnings (in `entries.json`) and its rendered body (`bodies/<key>.html`).
 * An unchanged file is neither parsed nor rendered again; deleting the folder only makes
 * the next build cold, never different.
 *
 * To avoid rereading every file, `stamps.json` remembers each path's size and
 * modification time with its last key (as git's index does); any difference and the file
 * is read and hashed again. The key stays the content hash: a stamp only saves hashing
 * bytes already hashed. `entries.json` is read only when something has to be built.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
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
  private readonly oldStamps: StoredStamps["stamps"];
  private readonly nextStamps: StoredStamps["stamps"] = {};
  private stampsChanged = false;
  /** Entries are read on first use only: a build with nothing to do never parses them. */
  private oldEntries: StoredEntries["entries"] | undefined;
  private readonly nextEntries: StoredEntries["entries"] = {};
  hits = 0;
  misses = 0;

  private constructor(
    readonly dir: string,
    stamps: StoredStamps | undefined,
  ) {
    this.existed = stamps !== undefined;
    this.oldStamps = stamps?.stamps ?? {};
  }

  static open(dir: string): BuildCache {
    return new BuildCache(dir, readStored<StoredStamps>(join(dir, "stamps.json")));
  }

  bodyPath(key: string): string {
    return join(this.dir, "bodies", `${key}.html`);
  }

  /** The key of `file` if its size and mtime are what they were when it was last hashed. */
  stamped(file: string, size: number, mtimeMs: number): string | undefined {
    const s = this.oldStamps[file];
    return s && s[0] === size && s[1] === mtimeMs ? s[2] : undefined;
  }

  stamp(file: string, size: number, mtimeMs: number, key: string): void {
    const old = this.oldStamps[file];
    if (!old || old[0] !== size || old[1] !== mtimeMs || old[2] !== key) this.stampsChanged = true;
    this.nextStamps[file] = [size, mtimeMs, key];
  }

  private entries(): StoredEntries["entries"] {
    return (this.oldEntries ??= readStored<StoredEntries>(join(this.dir, "entries.json"))?.entries ?? {});
  }

  /** A cached result whose body file still exists. */
  get(key: string): CachedResult | undefined {
    const hit = this.entries()[key] ?? this.nextEntries[key];
    if (!hit || (hit.parsed && !existsSync(this.bodyPath(key)))) {
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
  }

  readBody(key: string): Promise<string> {
    return readFile(this.bodyPath(key), "utf8");
  }

  /** Saves the stamps (when any changed) and, if entries were used, what this build used: entries and bodies of files no longer present are dropped. */
  async save(): Promise<void> {
    await mkdir(join(this.dir, "bodies"), { recursive: true });
    if (this.stampsChanged || Object.keys(this.nextStamps).length !== Object.keys(this.oldStamps).length || !this.existed) {
      await writeAtomically(join(this.dir, "stamps.json"), JSON.stringify({ version: RENDERER_VERSION, stamps: this.nextStamps } satisfies StoredStamps));
    }
    if (this.oldEntries === undefined) return;
    await writeAtomically(join(this.dir, "entries.json"), JSON.stringify({ version: RENDERER_VERSION, entries: this.nextEntries } satisfies StoredEntries));
    const keep = new Set(Object.keys(this.nextEntries));
    const stale = Object.keys(this.oldEntries).filter((k) => !keep.has(k));
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
