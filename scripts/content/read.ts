/** The content store on disk, read through the same `Content` interface the Worker uses (benchmarks, tests). */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { bodyPath, decodeIndex, idsPath, indexPath, metaPath, termBodyPath, termMetaPath } from "../../src/content/format.js";
import { Content } from "../../src/content/store.js";
import type { Article } from "../../src/content/types.js";

/** `onRead` hears the store path of every file read (tests count them). */
export async function openStore(assetsDir: string, onRead?: (path: string) => void): Promise<Content> {
  const file = (path: string) => {
    onRead?.(path);
    return readFile(join(assetsDir, path));
  };
  const index = await file(indexPath());
  const { header, arrays } = decodeIndex(index.buffer.slice(index.byteOffset, index.byteOffset + index.byteLength));
  return new Content(header, arrays, {
    meta: async (k) => JSON.parse((await file(metaPath(k))).toString("utf8")) as Article[],
    bodies: async (k, use) => use(new Uint8Array(await file(bodyPath(k)))),
    ids: async () => JSON.parse((await file(idsPath())).toString("utf8")) as string[],
    termMeta: async (kind, id) => JSON.parse((await file(termMetaPath(kind, id))).toString("utf8")) as Article[],
    termBodies: async (kind, id, c, use) => use(new Uint8Array(await file(termBodyPath(kind, id, c)))),
  });
}
