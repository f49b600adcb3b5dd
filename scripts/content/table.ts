/**
 * The build cache's file table (`.cache/content/files.bin`): one row per content file —
 * its stamp (size, modification time, cache key) and its entry (entry.ts) — in one file,
 * read by every build that builds and written whole by every build that changed a row.
 *
 * A one-file rebuild of a large site is mostly reading this table, so it is laid out to
 * be cheap to read: numbers in typed arrays read in place, keys and digests as one ASCII
 * string each (a row's is a slice of it, which V8 does not copy), each term written once
 * and named by its number, and only the text (paths, ids, slugs, problems…) in one JSON
 * header.
 *
 * Layout: u32 header length, the header (JSON, UTF-8), padding to 8 bytes, then
 * `Float64Array(rows × 4)` [size, mtimeMs, published, updatedMs],
 * `Uint32Array(rows × 7 + refs)` [flags, run, offset, meta bytes, body bytes, tags, topics]
 * then every row's term references, and `rows × 128` ASCII bytes: every key (64 hex
 * digits), then every digest (64 zeros for a row without one).
 */
import type { Entry } from "./entry.js";

export interface FileRow {
  path: string;
  size: number;
  mtimeMs: number;
  /** The file's cache key (64 hex digits). */
  key: string;
  /** What parsing the file gave, when this build knows it. */
  entry?: Entry;
}

/** What only some rows have, kept in the header by row number. */
interface Extra {
  categories?: string[];
  /** When it is not the row's path (it always is, for a file parsed under its own path). */
  source?: string;
  problems?: Entry["problems"];
  warnings?: string[];
}

/**
 * Which table this is: a whole table has an id; a patch names the whole table it applies
 * to (`base`) and the paths it removes from it (its rows replace or add theirs).
 */
export interface TableMark {
  id: string;
  base?: string;
  removed?: string[];
}

interface Header extends TableMark {
  version: string;
  rows: number;
  refs: number;
  paths: string[];
  ids: string[];
  slugs: string[];
  /** [name, slug] of every term, flattened: term n is at 2n. */
  terms: string[];
  runs: string[];
  extras: { [row: number]: Extra };
}

const HAS_ENTRY = 1;
const HAS_CORE = 2;
const DRAFT = 4;
const HAS_DIGEST = 8;
const HAS_AT = 16;

const FLOATS = 4;
const FIXED = 7;
/** Hex digits of a SHA-256. */
const HEX = 64;
const NO_DIGEST = "0".repeat(HEX);

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** One empty list for every article without categories (never changed: frozen). */
const NONE: string[] = Object.freeze([]) as unknown as string[];

/** The table's bytes, in pieces (written as they are: files.ts `writeWhole`). */
export function encodeTable(version: string, rows: readonly FileRow[], mark: TableMark): Uint8Array[] {
  const n = rows.length;
  const termIndex = new Map<string, number>();
  const runIndex = new Map<string, number>();
  const header: Header = { ...mark, version, rows: n, refs: 0, paths: [], ids: [], slugs: [], terms: [], runs: [], extras: {} };
  // By slug first (a slug nearly always has one spelling), so no key is built per use.
  const bySlug = new Map<string, number>();
  const term = (name: string, slug: string): number => {
    const i = bySlug.get(slug);
    if (i !== undefined && header.terms[2 * i] === name) return i;
    const k = `${name}\0${slug}`;
    let j = termIndex.get(k);
    if (j === undefined) {
      j = termIndex.size;
      termIndex.set(k, j);
      header.terms.push(name, slug);
      if (i === undefined) bySlug.set(slug, j);
    }
    return j;
  };
  const run = (id: string): number => {
    let i = runIndex.get(id);
    if (i === undefined) {
      i = runIndex.size;
      runIndex.set(id, i);
      header.runs.push(id);
    }
    return i;
  };
  const floats = new Float64Array(n * FLOATS);
  const fixed = new Uint32Array(n * FIXED);
  const refs: number[] = [];
  const keys: string[] = [];
  const digests: string[] = [];
  rows.forEach((row, i) => {
    const e = row.entry;
    const c = e?.core;
    header.paths.push(row.path);
    header.ids.push(c?.id ?? "");
    header.slugs.push(c?.slug ?? "");
    const fl = i * FLOATS;
    floats[fl] = row.size;
    floats[fl + 1] = row.mtimeMs;
    floats[fl + 2] = c?.published ?? 0;
    floats[fl + 3] = c?.updatedMs ?? 0;
    if (row.key.length !== HEX || (e?.digest !== undefined && e.digest.length !== HEX)) throw new Error(`build cache: ${row.path}: a key or digest that is not SHA-256 hex`);
    keys.push(row.key);
    digests.push(e?.digest ?? NO_DIGEST);
    const at = e?.at;
    const f = i * FIXED;
    fixed[f] = (e ? HAS_ENTRY : 0) | (c ? HAS_CORE : 0) | (e?.draft ? DRAFT : 0) | (e?.digest ? HAS_DIGEST : 0) | (at ? HAS_AT : 0);
    fixed[f + 1] = at ? run(at[0]) : 0;
    fixed[f + 2] = at?.[1] ?? 0;
    fixed[f + 3] = at?.[2] ?? 0;
    fixed[f + 4] = at?.[3] ?? 0;
    fixed[f + 5] = c?.tags.length ?? 0;
    fixed[f + 6] = c?.topics.length ?? 0;
    if (c) {
      for (let j = 0; j < c.tags.length; j++) refs.push(term(c.tags[j]!, c.tagSlugs[j]!));
      for (let j = 0; j < c.topics.length; j++) refs.push(term(c.topics[j]!, c.topicSlugs[j]!));
    }
    if ((c && (c.categories.length > 0 || c.source !== row.path)) || e?.problems || e?.warnings) {
      const extra: Extra = {};
      if (c && c.categories.length > 0) extra.categories = c.categories;
      if (c && c.source !== row.path) extra.source = c.source;
      if (e?.problems) extra.problems = e.problems;
      if (e?.warnings) extra.warnings = e.warnings;
      header.extras[i] = extra;
    }
  });
  header.refs = refs.length;
  const json = encoder.encode(JSON.stringify(header));
  const lead = new Uint8Array(padTo8(4 + json.byteLength) - json.byteLength);
  new DataView(lead.buffer).setUint32(0, json.byteLength, true);
  const u32 = new Uint32Array(fixed.length + refs.length);
  u32.set(fixed);
  u32.set(refs, fixed.length);
  const hashes = Buffer.from(keys.join("") + digests.join(""), "latin1");
  return [lead.subarray(0, 4), json, lead.subarray(4), new Uint8Array(floats.buffer), new Uint8Array(u32.buffer), hashes];
}

const padTo8 = (n: number): number => Math.ceil(n / 8) * 8;

/** The rows and mark of a table written by `version`; undefined when it is another version's, or not a table at all. */
export function decodeTable(version: string, bytes: Uint8Array): { rows: FileRow[]; mark: TableMark } | undefined {
  if (bytes.byteLength < 4) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = view.getUint32(0, true);
  if (4 + headerBytes > bytes.byteLength) return undefined;
  let header: Header;
  try {
    header = JSON.parse(decoder.decode(bytes.subarray(4, 4 + headerBytes))) as Header;
  } catch {
    return undefined;
  }
  if (header.version !== version || typeof header.id !== "string") return undefined;
  const n = header.rows;
  const start = padTo8(4 + headerBytes);
  const floatBytes = n * FLOATS * 8;
  const u32Bytes = (n * FIXED + header.refs) * 4;
  if (start + floatBytes + u32Bytes + n * HEX * 2 !== bytes.byteLength) return undefined;
  // Copied once into a buffer of its own, aligned (the file's bytes may start anywhere;
  // a Node Buffer's `slice` would not copy).
  const body = new Uint8Array(bytes.subarray(start));
  const floats = new Float64Array(body.buffer, 0, n * FLOATS);
  const u32 = new Uint32Array(body.buffer, floatBytes, n * FIXED + header.refs);
  const hashes = Buffer.from(body.buffer, floatBytes + u32Bytes, n * HEX * 2).toString("latin1");
  const { terms, runs, extras } = header;
  let ref = n * FIXED;
  const rows: FileRow[] = new Array<FileRow>(n);
  for (let i = 0; i < n; i++) {
    const f = i * FIXED;
    const flags = u32[f]!;
    const row: FileRow = { path: header.paths[i]!, size: floats[i * FLOATS]!, mtimeMs: floats[i * FLOATS + 1]!, key: hashes.slice(i * HEX, (i + 1) * HEX) };
    const extra = extras[i];
    if (flags & HAS_ENTRY) {
      const entry: Entry = {};
      if (flags & HAS_CORE) {
        const tags: string[] = [];
        const tagSlugs: string[] = [];
        const topics: string[] = [];
        const topicSlugs: string[] = [];
        for (let j = 0; j < u32[f + 5]!; j++, ref++) {
          tags.push(terms[2 * u32[ref]!]!);
          tagSlugs.push(terms[2 * u32[ref]! + 1]!);
        }
        for (let j = 0; j < u32[f + 6]!; j++, ref++) {
          topics.push(terms[2 * u32[ref]!]!);
          topicSlugs.push(terms[2 * u32[ref]! + 1]!);
        }
        entry.core = {
          id: header.ids[i]!,
          slug: header.slugs[i]!,
          published: floats[i * FLOATS + 2]!,
          updatedMs: floats[i * FLOATS + 3]!,
          tags,
          tagSlugs,
          topics,
          topicSlugs,
          categories: extra?.categories ?? NONE,
          source: extra?.source ?? row.path,
        };
      }
      if (flags & HAS_DIGEST) entry.digest = hashes.slice((n + i) * HEX, (n + i + 1) * HEX);
      if (flags & DRAFT) entry.draft = true;
      if (flags & HAS_AT) entry.at = [runs[u32[f + 1]!]!, u32[f + 2]!, u32[f + 3]!, u32[f + 4]!];
      if (extra?.problems) entry.problems = extra.problems;
      if (extra?.warnings) entry.warnings = extra.warnings;
      row.entry = entry;
    }
    rows[i] = row;
  }
  const { id, base, removed } = header;
  return { rows, mark: { id, ...(base !== undefined ? { base } : {}), ...(removed !== undefined ? { removed } : {}) } };
}
