/** Writing the build's output files: whole or not at all, from pieces without copying them into one buffer. */
import { closeSync, mkdirSync, openSync, renameSync, writeSync, writevSync } from "node:fs";
import { dirname } from "node:path";

/** writev takes at most IOV_MAX (1024 on Linux) pieces at a time. */
const IOV_MAX = 1024;

/**
 * Writes `pieces` to `file` through `file.tmp` and a rename, so a reader (`wrangler dev`,
 * a build that stopped) never sees half a file. Returns the bytes written.
 */
export function writeWhole(file: string, pieces: readonly Uint8Array[]): number {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
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
  renameSync(tmp, file);
  return bytes;
}
