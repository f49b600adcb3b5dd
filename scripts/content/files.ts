/** The build's file walking and writing: files listed with one readdir per folder; written whole or not at all, from pieces. */
import { closeSync, mkdirSync, openSync, readdirSync, renameSync, writeSync, writevSync } from "node:fs";
import { dirname } from "node:path";

/** writev takes at most IOV_MAX (1024 on Linux) pieces at a time. */
const IOV_MAX = 1024;

/**
 * Writes `pieces` to `file` through `file.tmp` and a rename, so a reader (`wrangler dev`,
 * a build that stopped) never sees half a file. Returns the bytes written. `fresh`: the
 * path is new, so no reader can be looking at it (no version of the store names it yet,
 * no table a run): written in place, sparing the rename — on ext4 a rename waits for the
 * journal, which under a cold build's writeback costs as much as the write.
 */
export function writeWhole(file: string, pieces: readonly Uint8Array[], fresh = false): number {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = fresh ? file : `${file}.tmp`;
  const fd = openSync(tmp, "w");
  let bytes = 0;
  try {
    for (let from = 0; from < pieces.length; from += IOV_MAX) {
      const batch = pieces.slice(from, from + IOV_MAX);
      const want = batch.reduce((n, p) => n + p.byteLength, 0);
      let done = writevSync(fd, batch);
      // A short write (rare for files): the rest, from where it stopped.
      while (done < want) done += writeSync(fd, Buffer.concat(batch).subarray(done));
      bytes += want;
    }
  } finally {
    closeSync(fd);
  }
  if (!fresh) renameSync(tmp, file);
  return bytes;
}

/**
 * Files under `dir` whose name `keep` accepts (symbolic links too: the caller stats them),
 * as `/`-separated paths relative to `dir`, in no particular order. One native readdir per
 * folder and plain string joins: Node 20's `recursive: true`, and `path.join` per file,
 * cost more than the listing itself at 10,000 files.
 */
export function walkFiles(dir: string, keep: (name: string) => boolean = () => true): string[] {
  const files: string[] = [];
  const base = dir.endsWith("/") ? dir : `${dir}/`;
  const walk = (rel: string) => {
    for (const entry of readdirSync(base + rel, { withFileTypes: true })) {
      const path = rel + entry.name;
      if (entry.isDirectory()) walk(`${path}/`);
      else if ((entry.isFile() || entry.isSymbolicLink()) && keep(entry.name)) files.push(path);
    }
  };
  walk("");
  return files;
}
