/**
 * The incremental build's content-addressed cache (default `.cache/content/`, git-ignored).
 * An entry is keyed by SHA-256 of the renderer version, the site URL, the file's path and
 * its bytes, and holds what parsing that file gave: the article's metadata, digest,
 * problems and warnings (in `entries.json`) and its rendered body (`bodies/<key>.html`).
 * An unchanged file is neither parsed nor rendered again; deleting the folder only makes
 * the next build cold, never different.
 *
 * To avoid rereading every file, `entries.json` also remembers each path's size and
 * modification time with its last key (as git's index does); any difference and the file
 * is read and hashed again.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ParseResult } from "./article.js";
import { RENDERER_VERSION } from "./version.js";

/** A parse result without its body (kept apart, read only when a pack is rewritten). */
export type CachedResult = ParseResult;

interface Stamp {
  size: number;
  mtimeNs: string;
  key: string;
}

interface Stored {
  version: string;
  entries: { [key: string]: CachedResult };
  stamps: { [path: string]: Stamp };
}

export function cacheKey(siteUrl: string, file: string, bytes: Uint8Array): string {
  return createHash("sha256").update(RENDERER_VERSION).update("\0").update(siteUrl).update("\0").update(file).update("\0").update(bytes).digest("hex");
}

export class BuildCache {
  private readonly next: Stored = { version: RENDERER_VERSION, entries: {}, stamps: {} };
  hits = 0;
  misses = 0;

  private constructor(
    readonly dir: string,
    private readonly old: Stored,
  ) {}

  static open(dir: string): BuildCache {
    let old: Stored = { version: RENDERER_VERSION, entries: {}, stamps: {} };
    try {
      const stored = JSON.parse(readFileSync(join(dir, "entries.json"), "utf8")) as Stored;
      if (stored.version === RENDERER_VERSION) old = stored;
    } catch {
      /* no cache yet, or unreadable: a cold build */
    }
    return new BuildCache(dir, old);
  }

  bodyPath(key: string): string {
    return join(this.dir, "bodies", `${key}.html`);
  }

  /** The key of `file` if its size and mtime are what they were when it was last hashed. */
  stamped(file: string, size: number, mtimeNs: bigint): string | undefined {
    const s = this.old.stamps[file];
    return s && s.size === size && s.mtimeNs === String(mtimeNs) ? s.key : undefined;
  }

  stamp(file: string, size: number, mtimeNs: bigint, key: string): void {
    this.next.stamps[file] = { size, mtimeNs: String(mtimeNs), key };
  }

  /** A cached result whose body file still exists. */
  get(key: string): CachedResult | undefined {
    const hit = this.old.entries[key] ?? this.next.entries[key];
    if (!hit || (hit.parsed && !existsSync(this.bodyPath(key)))) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.next.entries[key] = hit;
    return hit;
  }

  /** Records a fresh result; its body file was written by `writeBody`. */
  put(key: string, result: CachedResult): void {
    this.next.entries[key] = result;
  }

  readBody(key: string): Promise<string> {
    return readFile(this.bodyPath(key), "utf8");
  }

  /** Saves what this build used; entries and bodies of files no longer present are dropped. */
  async save(): Promise<void> {
    await mkdir(join(this.dir, "bodies"), { recursive: true });
    const tmp = join(this.dir, "entries.json.tmp");
    await writeFile(tmp, JSON.stringify(this.next));
    await rename(tmp, join(this.dir, "entries.json"));
    const keep = new Set(Object.keys(this.next.entries));
    const stale = Object.keys(this.old.entries).filter((k) => !keep.has(k));
    await Promise.all(stale.map((k) => rm(this.bodyPath(k), { force: true })));
  }

  /** Every body file (tests). */
  async bodies(): Promise<string[]> {
    return (await readdir(join(this.dir, "bodies")).catch(() => [] as string[])).sort();
  }
}

/** Writes a body into the cache (also from worker threads). */
export async function writeBody(path: string, body: string): Promise<void> {
  await writeFile(`${path}.tmp`, body);
  await rename(`${path}.tmp`, path);
}
