/**
 * The last build's snapshot (`.cache/content/compiled.bin`): for every content file its
 * stamp, cache key, place in the store (position; -1 for a draft), digest, run record and
 * whether it gave warnings. A rebuild of a few articles' text (delta.ts) needs just this
 * to rewrite the packs that hold them, without reading the file table (every entry) or
 * compiling the site again.
 *
 * Written after the site record by every build that writes one (site.ts), naming that
 * build's input key: a snapshot left by another build is never taken for these outputs.
 * Derived data — deleting it only sends the next build down the full path.
 *
 * Layout: u32 header length, the header (JSON, UTF-8), padding to 8 bytes, then
 * `Float64Array(files × 2)` [size, mtimeMs], `Int32Array(files)` positions,
 * `Uint32Array(files × 4)` [run, offset, meta bytes, body bytes], `Uint8Array(files)`
 * flags padded to 8, then every key, then every digest (64 ASCII hex digits each).
 */
import { readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { writeWhole } from "./files.js";
import type { RunRecord } from "./runs.js";

export interface Snapshot {
  inputKey: string;
  /** The build tool's version (its sources' hash) that made it: another tool's is not taken. */
  toolVersion: string;
  /** Id of the whole file table the cache's patch applies to, as the build left it (cache.ts). */
  tableBase: string;
  files: string[];
  size: Float64Array;
  mtimeMs: Float64Array;
  keys: string[];
  /** Position in the store (0 = newest), or -1: a draft, not in the store. */
  position: Int32Array;
  /** SHA-256 of the article's metadata and body (runs.ts `recordDigest`). */
  digests: string[];
  at: RunRecord[];
  /** The file gave warnings (the site record lists them). */
  warned: Uint8Array;
}

const NAME = "compiled.bin";
const HEX = 64;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const padTo8 = (n: number): number => Math.ceil(n / 8) * 8;

interface Header {
  version: string;
  inputKey: string;
  toolVersion: string;
  tableBase: string;
  files: string[];
  runs: string[];
}

export function encodeSnapshot(version: string, s: Snapshot): Uint8Array[] {
  const n = s.files.length;
  const runIndex = new Map<string, number>();
  const at = new Uint32Array(n * 4);
  s.at.forEach(([run, offset, metaBytes, bodyBytes], i) => {
    let r = runIndex.get(run);
    if (r === undefined) runIndex.set(run, (r = runIndex.size));
    at.set([r, offset, metaBytes, bodyBytes], i * 4);
  });
  const header: Header = { version, inputKey: s.inputKey, toolVersion: s.toolVersion, tableBase: s.tableBase, files: s.files, runs: [...runIndex.keys()] };
  const json = encoder.encode(JSON.stringify(header));
  const lead = new Uint8Array(padTo8(4 + json.byteLength) - json.byteLength);
  new DataView(lead.buffer).setUint32(0, json.byteLength, true);
  const floats = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    floats[2 * i] = s.size[i]!;
    floats[2 * i + 1] = s.mtimeMs[i]!;
  }
  const flags = new Uint8Array(padTo8(n));
  flags.set(s.warned);
  const positions = new Int32Array(padTo8(n * 4) / 4);
  positions.set(s.position);
  if ([...s.keys, ...s.digests].some((h) => h.length !== HEX)) throw new Error("build snapshot: a key or digest that is not SHA-256 hex");
  const hashes = Buffer.from(s.keys.join("") + s.digests.join(""), "latin1");
  return [lead.subarray(0, 4), json, lead.subarray(4), new Uint8Array(floats.buffer), new Uint8Array(positions.buffer), new Uint8Array(at.buffer), flags, hashes];
}

/** The snapshot in `bytes` if `version` wrote it (else undefined: another layout, or not a snapshot). */
export function decodeSnapshot(version: string, bytes: Uint8Array): Snapshot | undefined {
  if (bytes.byteLength < 4) return undefined;
  const headerBytes = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  let header: Header;
  try {
    header = JSON.parse(decoder.decode(bytes.subarray(4, 4 + headerBytes))) as Header;
  } catch {
    return undefined;
  }
  if (header.version !== version || !Array.isArray(header.files)) return undefined;
  const n = header.files.length;
  const start = padTo8(4 + headerBytes);
  const sizes = [n * 16, padTo8(n * 4), n * 16, padTo8(n), n * HEX * 2];
  if (start + sizes.reduce((a, b) => a + b, 0) !== bytes.byteLength) return undefined;
  // One aligned copy (the file's bytes may start anywhere).
  const body = new Uint8Array(bytes.subarray(start));
  let offset = 0;
  const take = (length: number): number => ((offset += length), offset - length);
  const floats = new Float64Array(body.buffer, take(sizes[0]!), n * 2);
  const position = new Int32Array(body.buffer, take(sizes[1]!), n);
  const at32 = new Uint32Array(body.buffer, take(sizes[2]!), n * 4);
  const warned = new Uint8Array(body.buffer, take(sizes[3]!), n);
  const hashes = Buffer.from(body.buffer, take(sizes[4]!), n * HEX * 2).toString("latin1");
  const size = new Float64Array(n);
  const mtimeMs = new Float64Array(n);
  const keys: string[] = new Array<string>(n);
  const digests: string[] = new Array<string>(n);
  const at: RunRecord[] = new Array<RunRecord>(n);
  for (let i = 0; i < n; i++) {
    size[i] = floats[2 * i]!;
    mtimeMs[i] = floats[2 * i + 1]!;
    keys[i] = hashes.slice(i * HEX, (i + 1) * HEX);
    digests[i] = hashes.slice((n + i) * HEX, (n + i + 1) * HEX);
    const run = header.runs[at32[4 * i]!];
    if (run === undefined) return undefined;
    at[i] = [run, at32[4 * i + 1]!, at32[4 * i + 2]!, at32[4 * i + 3]!];
  }
  return { inputKey: header.inputKey, toolVersion: header.toolVersion, tableBase: header.tableBase, files: header.files, size, mtimeMs, keys, position, digests, at, warned };
}

export function readSnapshot(cacheDir: string, version: string): Snapshot | undefined {
  try {
    return decodeSnapshot(version, readFileSync(join(cacheDir, NAME)));
  } catch {
    return undefined; /* none: the full path */
  }
}

/** Written under a name of its own, then renamed: a reader never sees half of one. */
export function writeSnapshot(cacheDir: string, version: string, snapshot: Snapshot): void {
  const tmp = join(cacheDir, `${NAME}.${process.pid}.tmp`);
  writeWhole(tmp, encodeSnapshot(version, snapshot));
  renameSync(tmp, join(cacheDir, NAME));
}
