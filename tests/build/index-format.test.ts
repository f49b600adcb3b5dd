/**
 * format.ts `encodeIndex` / `decodeIndex`: the index as varint streams of differences
 * gives back every number exactly — dates before 1970 and far ahead, `updated` before,
 * equal to and after `published` (or 0), empty and one-item term lists, positions in the
 * hundreds of thousands — in a fraction of the bytes of plain typed arrays; a cut or
 * padded file, or a number it cannot hold, is refused with a reason.
 */
import { describe, expect, it } from "vitest";
import { decodeIndex, encodeIndex, FORMAT_VERSION, withHash, type IndexArrays, type IndexHeader } from "../../src/content/format.js";

function sample(count: number): { header: IndexHeader; arrays: IndexArrays } {
  const published = new Float64Array(count);
  const updated = new Float64Array(count);
  let ms = Date.UTC(2090, 0, 1);
  for (let i = 0; i < count; i++) {
    published[i] = ms;
    updated[i] = i % 50 === 7 ? 0 : i % 3 === 0 ? ms : ms + (i % 2 === 0 ? 86_400_000 : -1);
    // An article every few hours, some at the same second, the oldest a century back.
    ms -= i % 11 === 0 ? 0 : (i * 7919) % 14_400_000;
  }
  published[count - 1] = -2_208_988_800_000; // 1900
  const lists = (terms: number, every: (t: number) => number) => {
    const starts = [0];
    const postings: number[] = [];
    for (let t = 0; t < terms; t++) {
      for (let p = t % 5; p < count; p += every(t)) postings.push(p);
      starts.push(postings.length);
    }
    return { starts: Uint32Array.from(starts), postings: Uint32Array.from(postings) };
  };
  const tags = lists(40, (t) => (t === 3 ? count : t + 1)); // term 3: one article
  const topics = lists(3, (t) => (t === 1 ? count * 2 : 2 + t)); // term 1: one article, at position 1
  const header = { version: FORMAT_VERSION, hash: "ab".repeat(32), siteUrl: "https://news.example.com", count, packSize: 64, tags: [], topics: [], categories: [], sections: [], termPacks: { tags: [], topics: [] } } as unknown as IndexHeader;
  return { header, arrays: { published, updated, starts: { tags: tags.starts, topics: topics.starts }, postings: { tags: tags.postings, topics: topics.postings } } };
}

const buffer = (bytes: Uint8Array) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

describe("content index encoding", () => {
  it("gives back every number exactly, in a third of the bytes of typed arrays or less", () => {
    const { header, arrays } = sample(200_000);
    const bytes = encodeIndex(header, arrays);
    const back = decodeIndex(buffer(bytes));
    expect(back.header).toMatchObject({ hash: header.hash, count: 200_000 });
    const same = (a: Float64Array | Uint32Array, b: Float64Array | Uint32Array) =>
      a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
    expect(same(back.arrays.published, arrays.published)).toBe(true);
    expect(same(back.arrays.updated, arrays.updated)).toBe(true);
    for (const kind of ["tags", "topics"] as const) {
      expect(same(back.arrays.starts[kind], arrays.starts[kind])).toBe(true);
      expect(same(back.arrays.postings[kind], arrays.postings[kind])).toBe(true);
    }
    expect(back.arrays.postings.tags[back.arrays.postings.tags.length - 1]).toBeGreaterThan(190_000);
    const plain = [arrays.published, arrays.updated, arrays.starts.tags, arrays.postings.tags, arrays.starts.topics, arrays.postings.topics].reduce((n, a) => n + a.byteLength, 0);
    expect(bytes.byteLength).toBeLessThan(plain / 3);
  });

  it("takes another content hash in place: the bytes encoding it anew would give", () => {
    const { header, arrays } = sample(500);
    // A site URL and names in other scripts before and after the hash.
    const named = { ...header, siteUrl: "https://新闻.example.com", tags: [["ai", "人工智能"], ["hash", `"hash":"${header.hash}"`]] } as IndexHeader;
    const next = "0f".repeat(32);
    const bytes = encodeIndex(named, arrays);
    expect(Buffer.from(withHash(bytes, next))).toEqual(Buffer.from(encodeIndex({ ...named, hash: next }, arrays)));
    expect(Buffer.from(bytes)).toEqual(Buffer.from(encodeIndex(named, arrays))); // the input left as it was
    expect(() => withHash(bytes, "not a hash")).toThrow(/content hash/);
  });

  it("holds an empty index", () => {
    const { header, arrays } = sample(0);
    const back = decodeIndex(buffer(encodeIndex(header, arrays)));
    expect(back.arrays.published).toHaveLength(0);
    expect(back.arrays.postings.tags).toHaveLength(0);
  });

  it("refuses a file cut short or with bytes after its numbers, and a date it cannot hold", () => {
    const { header, arrays } = sample(1000);
    const bytes = encodeIndex(header, arrays);
    expect(() => decodeIndex(buffer(bytes.subarray(0, bytes.byteLength - 1)))).toThrow(/ends inside a number|longer than/);
    const padded = new Uint8Array(bytes.byteLength + 1);
    padded.set(bytes);
    expect(() => decodeIndex(buffer(padded))).toThrow(/longer than its header says/);
    const odd = sample(10);
    odd.arrays.published[3] = odd.arrays.published[3]! + 0.5;
    expect(() => encodeIndex(odd.header, odd.arrays)).toThrow(/not a whole number/);
  });
});
