/**
 * The incremental build: a content-addressed cache keyed by file bytes and the renderer
 * version. Unchanged articles are neither parsed nor rendered again, only the packs that
 * hold a changed article are rewritten, and deleting the cache gives byte-identical output.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cacheKey } from "../../scripts/content/cache.js";
import { walkFiles as walk } from "../../scripts/content/files.js";
import { buildSite, type SiteBuild } from "../../scripts/content/site.js";
import { RENDERER_VERSION } from "../../scripts/content/version.js";
import { decodeIndex, PACK_SIZE, TERM_BODY_CHUNK, termMetaPath } from "../../src/content/format.js";
import { treeBytes } from "../support/tree.js";

const SITE = "https://news.example.com";
const N = 300;

function write(dir: string, i: number, extra = ""): void {
  const day = new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  writeFileSync(join(dir, "posts", `p${i}.md`), `---\ntitle: "文章 ${i}"\ndate: ${day}T08:00:00+08:00\ntags: [t${i % 7}, 共同]\n---\n\n正文 ${i}[^1]${extra}\n\n[^1]: 注 ${i}\n`);
}

/** Store path (without extension) of the term pack of tag `slug`, from the index the build wrote. */
function termPath(outDir: string, slug: string): string {
  const bytes = readFileSync(join(outDir, "assets/__content/index.bin"));
  const { header } = decodeIndex(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const slot = header.tags.findIndex(([s]) => s === slug);
  const entry = header.termPacks.tags.find(([term]) => term === slot);
  if (!entry) throw new Error(`no term pack for ${slug}`);
  return termMetaPath("tags", entry[2]).replace(/\.json$/, "");
}

function corpus(n = N): string {
  const dir = mkdtempSync(join(tmpdir(), "tidings-inc-"));
  mkdirSync(join(dir, "posts"));
  for (let i = 0; i < n; i++) write(dir, i);
  return dir;
}

/** `outDir` built again from scratch without a cache holds exactly `expected`; that build. */
async function expectUncachedBuild(contentDir: string, outDir: string, threads: number, expected: Map<string, string>): Promise<SiteBuild> {
  rmSync(outDir, { recursive: true });
  const built = await buildSite({ contentDir, siteUrl: SITE, outDir, threads });
  expect(treeBytes(outDir)).toEqual(expected);
  return built;
}

/** Changes one ASCII letter in the middle of `file` (or after `near`), keeping its length (a flipped bit, a hand edit). */
function damage(file: string, near?: string): void {
  const bytes = readFileSync(file);
  let at = near === undefined ? Math.floor(bytes.byteLength / 2) : bytes.indexOf(near);
  expect(at).toBeGreaterThanOrEqual(0);
  while (!(bytes[at]! >= 0x61 && bytes[at]! <= 0x79)) at++;
  bytes[at] = bytes[at]! + 1;
  writeFileSync(file, bytes);
}

/** A corpus of N articles and a cached build of it (one thread) into folders of its own. */
function cachedSite(): { contentDir: string; outDir: string; cacheDir: string; build: () => Promise<SiteBuild> } {
  const contentDir = corpus();
  const root = mkdtempSync(join(tmpdir(), "tidings-inc-out-"));
  const outDir = join(root, "out");
  const cacheDir = join(root, "cache");
  return { contentDir, outDir, cacheDir, build: () => buildSite({ contentDir, siteUrl: SITE, outDir, cacheDir, threads: 1 }) };
}

describe("incremental build", () => {
  it("parses only what changed, rewrites only its pack, and equals a cold build byte for byte", async () => {
    const { contentDir, outDir, cacheDir, build } = cachedSite();

    const cold = await build();
    expect(cold.result.parsed).toBe(N);
    expect(cold.store!.written).toBe(cold.store!.files);

    const again = await build();
    expect(again.result).toMatchObject({ parsed: 0, cached: N });
    expect(again.store!.written).toBe(0);

    // The oldest article lives in pack 0: only that pack (metadata + bodies), the index
    // (the content hash changed) and the one body chunk of the term pack of its rare tag
    // that holds it (with that pack's metadata) are written again — not the list of ids,
    // which an edit leaves as it was.
    // A reader holding a pack open while it is replaced (`wrangler dev` serving) still
    // reads the old bytes whole: files that exist are replaced by a rename, never in place.
    const pack0 = join(outDir, "assets/__content/m/0.json");
    const oldPack0 = readFileSync(pack0);
    const reader = openSync(pack0, "r");
    write(contentDir, 0, " — 改过");
    const one = await build();
    expect(one.result).toMatchObject({ parsed: 1, cached: N - 1 });
    const held = Buffer.alloc(oldPack0.byteLength + 16);
    expect(held.subarray(0, readSync(reader, held, 0, held.byteLength, 0))).toEqual(oldPack0);
    closeSync(reader);
    expect(readFileSync(pack0)).not.toEqual(oldPack0);
    expect(Math.ceil(N / PACK_SIZE)).toBeGreaterThan(3);
    const t0 = termPath(outDir, "t0");
    expect(one.store!.changed.sort()).toEqual(
      ["/__content/m/0.json", "/__content/b/0.bin", "/__content/index.bin", `${t0}.json`, `${t0}.0.bin`].sort(),
    );
    const incremental = treeBytes(outDir);
    // The cache is its file table, the runs and the input digest: no file per entry, and
    // a one-file build writes one small run and a patch of the table (next test).
    const cacheFiles = () => new Map(walk(cacheDir).map((f) => [f, statSync(join(cacheDir, f)).ino]));
    const before = cacheFiles();
    expect([...before.keys()].filter((f) => !f.startsWith("runs/")).sort()).toEqual(["files.bin", "files.patch.bin"]);
    write(contentDir, 0, " — 又改过");
    await build();
    const after = cacheFiles();
    const rewritten = [...after].filter(([f, ino]) => before.get(f) !== ino).map(([f]) => f);
    expect(rewritten.filter((f) => f.startsWith("runs/"))).toHaveLength(1);
    expect(rewritten.filter((f) => !f.startsWith("runs/"))).toEqual(["files.patch.bin"]);
    write(contentDir, 0, " — 改过");
    expect((await build()).result).toMatchObject({ parsed: 1 });
    expect(treeBytes(outDir)).toEqual(incremental);

    rmSync(cacheDir, { recursive: true });
    rmSync(outDir, { recursive: true });
    const fresh = await build();
    expect(fresh.result.parsed).toBe(N);
    expect(treeBytes(outDir)).toEqual(incremental);

    // Same bytes, no cache, with threads: the same output again.
    await expectUncachedBuild(contentDir, outDir, 2, incremental);
  }, 60_000);

  it("rewrites the newest pack only when a new article arrives", async () => {
    const contentDir = corpus();
    const root = mkdtempSync(join(tmpdir(), "tidings-inc-out-"));
    const build = () => buildSite({ contentDir, siteUrl: SITE, outDir: join(root, "out"), cacheDir: join(root, "cache"), threads: 1 });
    await build();
    write(contentDir, N);
    const next = await build();
    expect(next.result.parsed).toBe(1);
    // Its pack, the index, and of the term pack of its rare tag the metadata and newest chunk.
    const t6 = termPath(join(root, "out"), `t${N % 7}`);
    const chunks = Math.ceil((N + 1) / 7 / TERM_BODY_CHUNK);
    expect(next.store!.changed.sort()).toEqual(
      [`/__content/m/${Math.floor(N / PACK_SIZE)}.json`, `/__content/b/${Math.floor(N / PACK_SIZE)}.bin`, "/__content/index.bin", "/__content/ids.json", `${t6}.json`, `${t6}.${chunks - 1}.bin`].sort(),
    );
  }, 60_000);

  it("answers a rebuild with nothing changed from the stamps and the output record alone", async () => {
    const contentDir = corpus();
    write(contentDir, N, "[^9]"); // a warning: footnote never defined
    const root = mkdtempSync(join(tmpdir(), "tidings-inc-out-"));
    const outDir = join(root, "out");
    const cacheDir = join(root, "cache");
    const build = (toolVersion = "tool-1") => buildSite({ contentDir, siteUrl: SITE, outDir, cacheDir, threads: 1, toolVersion });

    // The outputs, less the record of which build made them.
    const outputs = () => new Map([...treeBytes(outDir)].filter(([path]) => path !== "build.json"));
    const cold = await build();
    expect(cold.result.upToDate).toBeFalsy();
    const before = outputs();
    // Neither stamps nor entries are even read (the digest of paths, sizes and times
    // matches): a broken file table cannot matter.
    writeFileSync(join(cacheDir, "files.bin"), "not a table");
    const again = await build();
    expect(again.result).toMatchObject({ upToDate: true, parsed: 0, cached: N + 1 });
    expect(again.store).toMatchObject({ written: 0, removed: 0, files: cold.store!.files, bytes: cold.store!.bytes });
    expect(again.result.summary).toEqual(cold.result.summary);
    expect(again.result.warnings).toEqual(cold.result.warnings);
    expect(again.result.warnings.join("\n")).toContain("[^9]");
    expect(outputs()).toEqual(before);

    expect((await build()).result).toMatchObject({ upToDate: true, parsed: 0 });
    expect(outputs()).toEqual(before);

    // A file touched but not changed is hashed again: same bytes, same key, still up to date.
    const touched = join(contentDir, "posts", "p3.md");
    utimesSync(touched, new Date(), new Date(Date.now() + 5_000));
    expect((await build()).result.upToDate).toBe(true);

    // Another build tool (its sources changed) never takes the shortcut.
    const retool = await build("tool-2");
    expect(retool.result.upToDate).toBeFalsy();
    expect(retool.result.parsed).toBe(N + 1); // the broken table: everything parsed again
    expect(outputs()).toEqual(before);

    // Changed bytes are seen, whatever the stamp says.
    write(contentDir, 5, " — 改过");
    const changed = await build("tool-2");
    expect(changed.result).toMatchObject({ parsed: 1 });
    expect(changed.result.upToDate).toBeFalsy();

    // An output file gone: not up to date, the file is written again.
    const [first] = Object.keys((JSON.parse(readFileSync(join(outDir, "store.json"), "utf8")) as { files: object }).files);
    rmSync(join(outDir, "assets", first!));
    const repaired = await build("tool-2");
    expect(repaired.result.upToDate).toBeFalsy();
    expect(repaired.store!.written).toBe(1);

    // No cache folder: a cold build, never the shortcut.
    rmSync(cacheDir, { recursive: true });
    const fresh = await build("tool-2");
    expect(fresh.result.upToDate).toBeFalsy();
    expect(fresh.result.parsed).toBe(N + 1);
  }, 60_000);

  it("writes a one-file build's rows as a patch on the last whole table, folded in once it grows", async () => {
    const { contentDir, outDir, cacheDir, build } = cachedSite();
    const table = join(cacheDir, "files.bin");
    const patch = join(cacheDir, "files.patch.bin");
    await build();
    expect(existsSync(patch)).toBe(false);
    const base = statSync(table);

    // One file changed, one removed: the whole table stays as it was, a small patch says what changed.
    write(contentDir, 10, " — 改过");
    rmSync(join(contentDir, "posts", "p5.md"));
    expect((await build()).result).toMatchObject({ parsed: 1, cached: N - 2 });
    expect(statSync(table).ino).toBe(base.ino);
    expect(statSync(patch).size * 20).toBeLessThan(base.size);
    const removing = readFileSync(patch);
    await expectUncachedBuild(contentDir, outDir, 1, treeBytes(outDir));
    expect((await build()).result).toMatchObject({ parsed: 0 });

    // Many files changed (more than 64): the table is written whole again, and the patch is gone.
    write(contentDir, 5);
    for (let i = 20; i < 100; i++) write(contentDir, i, " — 改过");
    expect((await build()).result).toMatchObject({ parsed: 81 });
    expect(statSync(table).ino).not.toBe(base.ino);
    expect(existsSync(patch)).toBe(false);
    const whole = treeBytes(outDir);

    // A patch of an older table (it removed p5, which is back) is not applied to this one.
    writeFileSync(patch, removing);
    expect((await build()).result).toMatchObject({ parsed: 0, cached: N });
    expect(treeBytes(outDir)).toEqual(whole);
  }, 60_000);

  it("keeps rendered articles in a few run files, not one per article, and compacts them as files change", async () => {
    const contentDir = corpus();
    const root = mkdtempSync(join(tmpdir(), "tidings-inc-out-"));
    const outDir = join(root, "out");
    const cacheDir = join(root, "cache");
    const build = (threads = 1) => buildSite({ contentDir, siteUrl: SITE, outDir, cacheDir, threads });
    const runs = () => readdirSync(join(cacheDir, "runs"));
    const runBytes = () => runs().reduce((n, f) => n + statSync(join(cacheDir, "runs", f)).size, 0);

    // Threads parse with the cache on: a file of bodies per batch, never a file per article.
    await build(2);
    expect(runs().length).toBeGreaterThan(0);
    expect(runs().length).toBeLessThanOrEqual(Math.ceil(N / 32));
    expect(existsSync(join(cacheDir, "bodies"))).toBe(false);
    const coldBytes = runBytes();

    // Each one-file change writes a small run: past 16 of them, small runs are merged.
    for (let j = 0; j < 40; j++) {
      write(contentDir, j, ` — 改过`);
      expect((await build()).result.parsed).toBe(1);
    }
    expect(runs().length).toBeLessThanOrEqual(Math.ceil(N / 32) + 17);
    // Most of the cold build's records replaced at once: its runs, mostly dead, are compacted.
    for (let j = 40; j < 260; j++) write(contentDir, j, ` — 改过`);
    expect((await build()).result.parsed).toBe(220);
    expect(runBytes()).toBeLessThan(1.4 * coldBytes);

    // While another build runs on this cache (its mark, a live process), a run no entry
    // uses yet — that build's — is not deleted; once it is gone, the next build deletes it.
    const other = join(cacheDir, "runs", "0123456789abcdef.bin");
    writeFileSync(other, "another build's records");
    const otherMark = join(cacheDir, "builders", `${process.ppid}-other`);
    writeFileSync(otherMark, "");
    write(contentDir, 1, " — 再改");
    expect((await build()).result.parsed).toBe(1);
    expect(existsSync(other)).toBe(true);
    rmSync(otherMark);
    write(contentDir, 1, " — 又改");
    expect((await build()).result.parsed).toBe(1);
    expect(existsSync(other)).toBe(false);
    // A mark left by a build that crashed (no such process) counts for nothing.
    const deadMark = join(cacheDir, "builders", "999999999-crashed");
    writeFileSync(other, "left by a crashed build");
    writeFileSync(deadMark, "");
    write(contentDir, 1, " — 三改");
    await build();
    expect(existsSync(other)).toBe(false);
    expect(existsSync(deadMark)).toBe(false);
    expect(readdirSync(join(cacheDir, "builders"))).toEqual([]);

    const incremental = treeBytes(outDir);
    // And the store is still what a cold build without the cache writes.
    await expectUncachedBuild(contentDir, outDir, 1, incremental);
  }, 120_000);

  it("parses again the articles of a run cut short (a disk full, a hand edit), and builds the same bytes", async () => {
    const { outDir, cacheDir, build } = cachedSite();
    await build();
    const whole = treeBytes(outDir);
    const runDir = join(cacheDir, "runs");
    const [run] = readdirSync(runDir);
    const path = join(runDir, run!);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
    // Both the packs' articles and the rest must be read for the store: everything is written again.
    rmSync(outDir, { recursive: true });
    const again = await build();
    expect(again.result.summary).toBeDefined();
    expect(again.result.parsed).toBeGreaterThan(0);
    expect(again.result.parsed).toBeLessThan(N);
    expect(treeBytes(outDir)).toEqual(whole);
    expect((await build()).result.parsed).toBe(0);
  }, 60_000);

  it("parses again the articles of a run whose bytes were damaged (same length), and builds the same bytes", async () => {
    const { contentDir, outDir, cacheDir, build } = cachedSite();
    await build();
    const runDir = join(cacheDir, "runs");
    const before = readdirSync(runDir);
    // A second run, holding only the changed article's record: the one damaged below.
    write(contentDir, 5, " — 改过");
    await build();
    const whole = treeBytes(outDir);
    const [run] = readdirSync(runDir).filter((r) => !before.includes(r));
    damage(join(runDir, run!));
    // Every pack is written again, so every record is read: the damaged one must not reach the store.
    rmSync(outDir, { recursive: true });
    const again = await build();
    expect(again.distrusted).toEqual([run!.replace(/\.bin$/, "")]);
    expect(again.result.parsed).toBe(1);
    expect(treeBytes(outDir)).toEqual(whole);
    expect(readdirSync(runDir)).not.toContain(run);
    expect((await build()).result.parsed).toBe(0);
  }, 60_000);

  it("never copies a damaged record on when compacting runs: its file is parsed again", async () => {
    const { contentDir, outDir, cacheDir, build } = cachedSite();
    await build();
    const runs = readdirSync(join(cacheDir, "runs"));
    expect(runs).toHaveLength(1);
    // The newest article (pack 4, tag t5): no pack holding it is rewritten below, so only
    // compaction reads its record — when most of the run is replaced at once.
    damage(join(cacheDir, "runs", runs[0]!), `文章 ${N - 1}"`);
    let changed = 0;
    for (let j = 0; j < 4 * PACK_SIZE; j++) {
      if (j % 7 === (N - 1) % 7) continue;
      write(contentDir, j, " — 改过");
      changed++;
    }
    expect((await build()).result.parsed).toBe(changed);
    expect(readdirSync(join(cacheDir, "runs"))).not.toContain(runs[0]);
    // Its entry was dropped, not moved: a build that writes everything parses it again,
    // and finds nothing damaged.
    rmSync(outDir, { recursive: true });
    const again = await build();
    expect(again.distrusted).toBeUndefined();
    expect(again.result.parsed).toBe(1);
    await expectUncachedBuild(contentDir, outDir, 1, treeBytes(outDir));
  }, 60_000);

  it("finds damaged runs in a big store write shared with a helper thread too", async () => {
    const contentDir = corpus(1500);
    const root = mkdtempSync(join(tmpdir(), "tidings-inc-out-"));
    const outDir = join(root, "out");
    const cacheDir = join(root, "cache");
    const build = () => buildSite({ contentDir, siteUrl: SITE, outDir, cacheDir, threads: 1 });
    await build();
    const whole = treeBytes(outDir);
    // The newest article's record: only the helper thread reads it (it writes the newest
    // packs and the term packs; this thread the oldest packs).
    const runs = readdirSync(join(cacheDir, "runs"));
    expect(runs).toHaveLength(1);
    damage(join(cacheDir, "runs", runs[0]!), "文章 1499");
    rmSync(outDir, { recursive: true });
    const again = await build();
    expect(again.store!.shared).toBeGreaterThan(0);
    expect(again.distrusted).toEqual([runs[0]!.replace(/\.bin$/, "")]);
    expect(again.result.parsed).toBe(1500);
    expect(treeBytes(outDir)).toEqual(whole);
  }, 120_000);

  it("shares a big store write with a helper thread reading the same runs, and writes the same bytes", async () => {
    const contentDir = corpus(1500);
    const root = mkdtempSync(join(tmpdir(), "tidings-inc-out-"));
    const outDir = join(root, "out");
    const cold = await buildSite({ contentDir, siteUrl: SITE, outDir, cacheDir: join(root, "cache"), threads: 1 });
    expect(cold.store!.shared).toBeGreaterThan(0);
    expect(cold.store!.shared).toBeLessThan(cold.store!.written);
    const alone = await expectUncachedBuild(contentDir, outDir, 1, treeBytes(outDir));
    expect(alone.store!.shared).toBe(0);
  }, 120_000);

  it("builds again for another site URL, whatever the files' stamps say", async () => {
    const { contentDir, outDir, cacheDir } = cachedSite();
    const build = (siteUrl: string) => buildSite({ contentDir, siteUrl, outDir, cacheDir, threads: 1, toolVersion: "tool-1" });
    await build(SITE);
    const moved = await build("https://moved.example.org");
    expect(moved.result).toMatchObject({ parsed: N });
    const pack = readFileSync(join(outDir, "assets/__content/m/0.json"), "utf8");
    expect(pack).toContain("https://moved.example.org/");
    expect(pack).not.toContain(SITE);
  }, 60_000);

  it("keys entries by the renderer version, the site URL, the path and the bytes", () => {
    const bytes = new TextEncoder().encode("---\ntitle: x\n---\n");
    const key = cacheKey(SITE, "posts/a.md", bytes);
    expect(RENDERER_VERSION).toMatch(/\S/);
    expect(cacheKey(SITE, "posts/a.md", bytes)).toBe(key);
    expect(cacheKey("https://other.example", "posts/a.md", bytes)).not.toBe(key);
    expect(cacheKey(SITE, "posts/b.md", bytes)).not.toBe(key);
    expect(cacheKey(SITE, "posts/a.md", new TextEncoder().encode("---\ntitle: y\n---\n"))).not.toBe(key);
  });
});
