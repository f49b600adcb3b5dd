/**
 * The build cache's file table (scripts/content/table.ts): every row — stamp and entry —
 * comes back exactly as written, whatever the text, and a table that is not this
 * version's, or not whole, reads as no table at all (a cold build, never a wrong one).
 */
import { describe, expect, it } from "vitest";
import type { Entry } from "../../scripts/content/entry.js";
import { decodeTable, encodeTable, type FileRow } from "../../scripts/content/table.js";

const hex = (c: string) => c.repeat(64);
const bytesOf = (pieces: Uint8Array[]) => Buffer.concat(pieces);

const article = (path: string, over: Partial<NonNullable<Entry["core"]>> = {}): Entry => ({
  core: {
    id: `https://news.example.com/${path.replace(/\.md$/, "/")}`,
    slug: path.replace(/^.*\/|\.md$/g, ""),
    published: Date.UTC(2025, 5, 27, 8, 0, 0, 123),
    updatedMs: Date.UTC(2025, 5, 28),
    tags: ["大模型", "AI 芯片", "Nvidia"],
    tagSlugs: ["大模型", "ai-芯片", "nvidia"],
    topics: ["算力"],
    topicSlugs: ["算力"],
    categories: [],
    source: path,
    ...over,
  },
  digest: hex("d"),
  at: ["7808d50cc89640c7", 4_194_000, 1212, 9324],
});

const rows: FileRow[] = [
  { path: "posts/2025/模型 发布.md", size: 8731, mtimeMs: 1796188206610.91, key: hex("a"), entry: article("posts/2025/模型 发布.md") },
  { path: "posts/draft.md", size: 10, mtimeMs: 1, key: hex("b"), entry: { ...article("posts/draft.md", { tags: [], tagSlugs: [], categories: ["新闻", "评论"] }), draft: true } },
  {
    path: "posts/broken.md",
    size: 3,
    mtimeMs: 2,
    key: hex("c"),
    entry: { problems: [{ file: "posts/broken.md", field: "date", reason: 'is "明天", not a date\n(line 3)' }] },
  },
  { path: "posts/warned.md", size: 4, mtimeMs: 3, key: hex("e"), entry: { ...article("posts/warned.md", { topics: [], topicSlugs: [] }), warnings: ["footnote [^9] is never defined"] } },
  { path: "posts/unbuilt.md", size: 5, mtimeMs: 4, key: hex("f") },
  { path: "posts/moved.md", size: 6, mtimeMs: 5, key: hex("0"), entry: article("posts/moved.md", { source: "posts/elsewhere.md" }) },
];

describe("the build cache's file table", () => {
  it("gives back every row as written", () => {
    expect(decodeTable("v1", bytesOf(encodeTable("v1", rows, { id: "t1" })))).toEqual({ rows, mark: { id: "t1" } });
    expect(decodeTable("v1", bytesOf(encodeTable("v1", [], { id: "t2" })))).toEqual({ rows: [], mark: { id: "t2" } });
    const patch = { id: "p1", base: "t1", removed: ["posts/旧.md"] };
    expect(decodeTable("v1", bytesOf(encodeTable("v1", rows.slice(0, 2), patch)))).toEqual({ rows: rows.slice(0, 2), mark: patch });
  });

  it("writes each term once", () => {
    const many = Array.from({ length: 200 }, (_, i): FileRow => ({ path: `p${i}.md`, size: i, mtimeMs: i, key: hex("a"), entry: article(`p${i}.md`) }));
    const text = bytesOf(encodeTable("v1", many, { id: "t" })).toString("utf8");
    // Once as the tag's name, once as its slug.
    expect(text.split("大模型").length - 1).toBe(2);
  });

  it("reads another version's table, or a cut or padded one, as no table", () => {
    const bytes = bytesOf(encodeTable("v1", rows, { id: "t" }));
    expect(decodeTable("v2", bytes)).toBeUndefined();
    expect(decodeTable("v1", bytes.subarray(0, bytes.byteLength - 1))).toBeUndefined();
    expect(decodeTable("v1", Buffer.concat([bytes, Buffer.from([0])]))).toBeUndefined();
    expect(decodeTable("v1", bytes.subarray(0, 3))).toBeUndefined();
    expect(decodeTable("v1", Buffer.from("not a table at all"))).toBeUndefined();
    // Not aligned in its buffer (as a file read into a pool might be): read all the same.
    expect(decodeTable("v1", Buffer.concat([Buffer.from([7]), bytes]).subarray(1))?.rows).toEqual(rows);
  });
});
