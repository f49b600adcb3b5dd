/**
 * scripts/content/runs.ts: records written to runs — text encoded straight into a run's
 * shared buffer — read back byte for byte, from the files and from the runs held in
 * memory alike, across run boundaries and for a record bigger than a run.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RUN_BYTES, RunReader, RunWriter, runPath, type RunRecord } from "../../scripts/content/runs.js";

const decoder = new TextDecoder();

describe("run files", () => {
  it("give back every record, from the file and from memory, across runs and past a run's size", () => {
    const dir = mkdtempSync(join(tmpdir(), "tidings-runs-"));
    const writer = new RunWriter(dir);
    const records: { at: RunRecord; meta: string; body: string }[] = [];
    const big = "大".repeat(RUN_BYTES / 2); // 1.5 × RUN_BYTES of UTF-8: a run of its own
    for (let i = 0; i < 1200; i++) {
      const meta = JSON.stringify({ id: i, title: `标题 ${i} — 😀` });
      const body = i === 600 ? big : `<p>${"正文".repeat(1000 + (i % 7) * 300)} ${i}</p>`;
      // Bytes too, as the cache's compaction passes them.
      const at = i % 3 === 0 ? writer.add(new TextEncoder().encode(meta), new TextEncoder().encode(body)) : writer.add(meta, body);
      records.push({ at, meta, body });
    }
    writer.flush();
    const held = writer.takeHeld();
    expect(writer.takeHeld()).toEqual([]);
    const runs = new Set(records.map((r) => r.at[0]));
    expect(runs.size).toBeGreaterThan(3);
    expect(held.map((h) => h.run).sort()).toEqual([...runs].sort());
    for (const h of held) {
      expect(h.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Buffer.compare(readFileSync(runPath(dir, h.run)), Buffer.from(h.bytes))).toBe(0);
    }
    const fromFiles = new RunReader(dir);
    const fromMemory = new RunReader(join(dir, "nowhere"), held);
    for (const { at, meta, body } of records) {
      for (const reader of [fromFiles, fromMemory]) {
        const item = reader.read(at);
        expect(decoder.decode(item.meta)).toBe(meta);
        expect(decoder.decode(item.body)).toBe(body);
      }
    }
    fromFiles.close();
    fromMemory.close();
  });

  it("keep no more of the runs in memory than they are allowed; the rest are read from their files", () => {
    const dir = mkdtempSync(join(tmpdir(), "tidings-runs-"));
    const writer = new RunWriter(dir, 2 * RUN_BYTES);
    const records = Array.from({ length: 40 }, (_, i) => ({ at: writer.add(`{"i":${i}}`, "x".repeat(RUN_BYTES / 4)), i }));
    writer.flush();
    const held = writer.takeHeld();
    const runs = new Set(records.map((r) => r.at[0]));
    expect(held.length).toBeGreaterThan(0);
    expect(held.length).toBeLessThan(runs.size);
    const reader = new RunReader(dir, held);
    for (const { at, i } of records) expect(decoder.decode(reader.read(at).meta)).toBe(`{"i":${i}}`);
    reader.close();
  });

  it("give a record bigger than the run's buffer a buffer of its own, also when the last run's buffer is reused", () => {
    const dir = mkdtempSync(join(tmpdir(), "tidings-runs-"));
    // Holding nothing, every written run's buffer is taken by the next run.
    const writer = new RunWriter(dir, 0);
    const small = writer.add('{"i":0}', "small");
    writer.flush();
    const big = "x".repeat(RUN_BYTES * 2);
    const large = writer.add('{"i":1}', big);
    const after = writer.add('{"i":2}', "after");
    writer.flush();
    expect(writer.takeHeld()).toEqual([]);
    const reader = new RunReader(dir);
    expect(decoder.decode(reader.read(small).body)).toBe("small");
    expect(decoder.decode(reader.read(large).body)).toBe(big);
    expect(decoder.decode(reader.read(after).body)).toBe("after");
    reader.close();
  });
});
