/**
 * files.ts `writeWhole`: a file that exists is replaced through a temp file and a rename
 * (a reader that has the old one open keeps reading the old bytes, never half of the new);
 * a new path is written in place (nobody can be reading it), leaving no temp file behind.
 */
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeWhole } from "../../scripts/content/files.js";

const bytes = (s: string) => new TextEncoder().encode(s);

function readFd(fd: number): string {
  const buf = Buffer.alloc(64);
  return buf.subarray(0, readSync(fd, buf, 0, 64, 0)).toString("utf8");
}

describe("writeWhole", () => {
  it("replaces a file that exists by a rename: a reader holding it open still reads the old bytes", () => {
    const dir = mkdtempSync(join(tmpdir(), "tidings-write-"));
    const file = join(dir, "pack.bin");
    writeFileSync(file, "old bytes");
    const fd = openSync(file, "r");
    try {
      expect(writeWhole(file, [bytes("new "), bytes("bytes!")])).toBe(10);
      expect(readFd(fd)).toBe("old bytes");
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(file, "utf8")).toBe("new bytes!");
    expect(readdirSync(dir)).toEqual(["pack.bin"]);
  });

  it("writes a new path in place, making its folders, with no temp file left", () => {
    const dir = mkdtempSync(join(tmpdir(), "tidings-write-"));
    const file = join(dir, "t/tags/abc.0.bin");
    expect(writeWhole(file, [bytes("fresh")], true)).toBe(5);
    expect(readFileSync(file, "utf8")).toBe("fresh");
    expect(readdirSync(join(dir, "t/tags"))).toEqual(["abc.0.bin"]);
  });
});
