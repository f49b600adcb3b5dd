/**
 * The few-articles rebuild (scripts/content/delta.ts): when only some articles' text
 * changed — not what compiling reads of them (identity, dates, terms, draft) — the build
 * parses those files and rewrites the packs holding them from the last build's snapshot,
 * without reading the file table or compiling the site again. Whatever it does, the
 * output is byte for byte a cold build's; anything else takes the full path.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSite } from "../../scripts/content/site.js";
import { treeBytes } from "../support/tree.js";

const SITE = "https://news.example.com";
const N = 200;

interface Fields {
  title?: string;
  day?: number;
  tags?: string;
  body?: string;
  draft?: boolean;
}

function article(i: number, f: Fields = {}): string {
  const day = new Date(Date.UTC(2024, 0, 1) + (f.day ?? i) * 86_400_000).toISOString().slice(0, 10);
  const draft = f.draft ? "draft: true\n" : "";
  return `---\ntitle: "${f.title ?? `文章 ${i}`}"\ndate: ${day}T08:00:00+08:00\ntags: [${f.tags ?? `t${i % 7}, 共同`}]\n${draft}---\n\n${f.body ?? `正文 ${i}`}\n`;
}

function site() {
  const contentDir = mkdtempSync(join(tmpdir(), "tidings-delta-"));
  mkdirSync(join(contentDir, "posts"));
  const put = (i: number, f: Fields = {}) => writeFileSync(join(contentDir, "posts", `p${i}.md`), article(i, f));
  for (let i = 0; i < N; i++) put(i);
  const root = mkdtempSync(join(tmpdir(), "tidings-delta-out-"));
  const outDir = join(root, "out");
  const cacheDir = join(root, "cache");
  const build = () => buildSite({ contentDir, siteUrl: SITE, outDir, cacheDir, threads: 1, toolVersion: "tool-1" });
  /** What a cold build without a cache writes for the content as it is now (the site record aside). */
  const cold = async () => {
    const fresh = join(mkdtempSync(join(tmpdir(), "tidings-delta-cold-")), "out");
    await buildSite({ contentDir, siteUrl: SITE, outDir: fresh, threads: 1 });
    return outputs(fresh);
  };
  return { contentDir, outDir, cacheDir, put, build, cold };
}

/** The build's outputs, less its own record of which build made them. */
function outputs(outDir: string): Map<string, string> {
  return new Map([...treeBytes(outDir)].filter(([path]) => path !== "build.json"));
}

describe("few-articles rebuild", () => {
  it("rewrites a changed article's packs from the snapshot, never reading the file table, and equals a cold build", async () => {
    const { outDir, cacheDir, put, build, cold } = site();
    const first = await build();
    expect(first.result.delta).toBeFalsy();

    // The table is not read at all: a broken one cannot matter to a text-only edit.
    writeFileSync(join(cacheDir, "files.bin"), "not a table");
    put(3, { title: "改过的标题", body: "改过的正文，**更长**一些。" });
    const one = await build();
    expect(one.result).toMatchObject({ delta: true, parsed: 1, cached: N - 1, problems: [] });
    expect(one.store!.changed.length).toBeGreaterThan(0);
    expect(one.store!.changed.length).toBeLessThanOrEqual(6);
    expect(one.result.summary!.hash).not.toBe(first.result.summary!.hash);
    expect(outputs(outDir)).toEqual(await cold());

    // Again, twice in a row, and two files at once.
    put(3, { body: "第三次" });
    put(150, { body: "另一篇也改了" });
    const two = await build();
    expect(two.result).toMatchObject({ delta: true, parsed: 2 });
    expect(outputs(outDir)).toEqual(await cold());

    // Nothing changed since: the stamps' shortcut, as after any build.
    expect((await build()).result).toMatchObject({ upToDate: true, parsed: 0 });

    // A draft's text: nothing in the store holds it, so nothing there is written.
    put(60, { draft: true });
    await build();
    put(60, { draft: true, body: "草稿改了" });
    const draft = await build();
    expect(draft.result).toMatchObject({ delta: true, parsed: 1 });
    expect(draft.store!.changed).toEqual([]);
    expect(outputs(outDir)).toEqual(await cold());
  }, 60_000);

  it("takes the full path for an edit that changes what compiling reads, and for new, removed or failing files", async () => {
    const { contentDir, outDir, put, build, cold } = site();
    await build();
    const cases: [string, () => void][] = [
      ["a date", () => put(10, { day: 500 })],
      ["a tag", () => put(11, { tags: "新标签" })],
      ["a draft", () => put(12, { draft: true })],
      ["a new file", () => put(N)],
      ["a removed file", () => rmSync(join(contentDir, "posts", "p20.md"))],
      ["a renamed file", () => renameSync(join(contentDir, "posts", "p21.md"), join(contentDir, "posts", "p21-renamed.md"))],
      ["a warning", () => put(13, { body: "脚注[^nope]" })],
    ];
    for (const [what, change] of cases) {
      change();
      const built = await build();
      expect(built.result.delta, what).toBeFalsy();
      expect(built.result.summary, what).toBeDefined();
      expect(outputs(outDir), what).toEqual(await cold());
    }
    // A broken file: the full path names it, and nothing is written.
    writeFileSync(join(contentDir, "posts", "p30.md"), "---\ntitle: [\n---\n");
    const broken = await build();
    expect(broken.result.summary).toBeUndefined();
    expect(broken.result.problems[0]!.file).toBe("posts/p30.md");
    put(30, { body: "修好了" });
    const mended = await build();
    expect(mended.result.summary).toBeDefined();
    expect(outputs(outDir)).toEqual(await cold());
    // And after all that, a text edit is a few-articles rebuild again.
    put(40, { body: "又是一处文字修改" });
    expect((await build()).result.delta).toBe(true);
    expect(outputs(outDir)).toEqual(await cold());
  }, 120_000);

  it("keeps the cache whole: a later full build parses only what is new", async () => {
    const { outDir, put, build, cold } = site();
    await build();
    for (let j = 0; j < 5; j++) {
      put(j, { body: `第 ${j} 次修改` });
      expect((await build()).result.delta).toBe(true);
    }
    // The full path (a new file) finds the edited articles in the table's patch: only the new one is parsed.
    put(N);
    const full = await build();
    expect(full.result).toMatchObject({ parsed: 1, cached: N });
    expect(full.result.delta).toBeFalsy();
    expect(outputs(outDir)).toEqual(await cold());
  }, 60_000);

  it("falls back to the full path when a record it copies is damaged, or the snapshot is not the outputs'", async () => {
    const { outDir, cacheDir, put, build, cold } = site();
    await build();
    // Flip a letter inside every run: the neighbours' records the edit's pack copies no longer match their digests.
    for (const run of readdirSync(join(cacheDir, "runs"))) {
      const path = join(cacheDir, "runs", run);
      const bytes = readFileSync(path);
      const at = bytes.indexOf("文章 ") + 7; // the first digit of an article number in a title
      bytes[at] = bytes[at] === 0x31 ? 0x32 : 0x31;
      writeFileSync(path, bytes);
    }
    put(5, { body: "邻居坏了" });
    const built = await build();
    expect(built.result.delta).toBeFalsy();
    expect(built.distrusted?.length).toBeGreaterThan(0);
    expect(outputs(outDir)).toEqual(await cold());

    // The snapshot gone, or not a snapshot: the full path, and the next edit is a few-articles rebuild again.
    rmSync(join(cacheDir, "compiled.bin"));
    put(6, { body: "没有快照" });
    expect((await build()).result.delta).toBeFalsy();
    expect(outputs(outDir)).toEqual(await cold());
    const snapshot = readFileSync(join(cacheDir, "compiled.bin"));
    writeFileSync(join(cacheDir, "compiled.bin"), snapshot.subarray(0, snapshot.byteLength - 7));
    put(6, { body: "快照被截断" });
    expect((await build()).result.delta).toBeFalsy();
    writeFileSync(join(cacheDir, "compiled.bin"), "\u0004\u0000\u0000\u0000{\"x\"");
    put(6, { body: "快照不是快照" });
    expect((await build()).result.delta).toBeFalsy();
    put(7, { body: "快照回来了" });
    expect((await build()).result.delta).toBe(true);
    expect(outputs(outDir)).toEqual(await cold());
  }, 60_000);
});
