/**
 * Serving on a real `wrangler dev` (temp project copy, 1,000-article corpus): cold first
 * requests, then throughput and latency under load of the product routes against the
 * baselines of bench-worker.ts, all on the same process.
 */
import { load, type LoadResult } from "./load.js";
import { startDev } from "./project.js";
import { freePort } from "./util.js";

export interface ColdResult {
  /** wrangler dev start → "Ready on" (ms). */
  startMs: number;
  /** First request the Worker sees (ms, client side). */
  firstMs: number;
  status: number;
  /** Median of 5 requests right after (ms). */
  warmMs: number;
}

export interface CaseResult extends LoadResult {
  name: string;
  path: string;
  /** Requests/s of each round, to show the spread. */
  rounds: number[];
  /**
   * Throughput relative to the group's reference route (the floor): the median over
   * rounds of this round's req/s ÷ the reference's req/s in the same round. Pairing
   * rounds cancels the drift of a shared machine; the median ignores a stalled round.
   */
  ratio: number;
}

export interface ServeReport {
  coldSite: ColdResult;
  coldTag: ColdResult;
  /** Tag feed requested after the site feed: isolate warm, variant not yet rendered. */
  tagAfterSiteMs: number;
  site: CaseResult[];
  tag: CaseResult[];
  notModified: CaseResult[];
  etag: string;
  connections: number;
  roundSeconds: number;
  rounds: number;
}

async function timed(url: string, headers?: Record<string, string>): Promise<{ ms: number; status: number; etag: string }> {
  const started = performance.now();
  const response = await fetch(url, headers ? { headers } : {});
  await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status, etag: response.headers.get("etag") ?? "" };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The first request a fresh `wrangler dev` (one new isolate) answers, and the same request warm. */
export async function coldRequest(dir: string, path: string): Promise<ColdResult> {
  return (await cold(dir, path)).cold;
}

async function cold(dir: string, first: string, then?: string): Promise<{ cold: ColdResult; thenMs: number }> {
  const dev = await startDev(dir, await freePort(), await freePort());
  try {
    const firstResult = await timed(dev.url + first);
    const thenMs = then ? (await timed(dev.url + then)).ms : NaN;
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push((await timed(dev.url + first)).ms);
    return { cold: { startMs: dev.startMs, firstMs: firstResult.ms, status: firstResult.status, warmMs: median(warm) }, thenMs };
  } finally {
    await dev.stop();
  }
}

interface Case {
  name: string;
  path: string;
  headers?: Record<string, string>;
}

/**
 * Runs the cases of a group in interleaved rounds (rotating the order each round), so
 * drift and noise on a shared 2-core machine hit every case alike. `ref` is the index of
 * the reference case for ratios.
 */
async function group(base: string, cases: Case[], ref: number, rounds: number, seconds: number, connections: number): Promise<CaseResult[]> {
  const runs = cases.map(() => [] as LoadResult[]);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + r) % cases.length;
      const c = cases[i]!;
      runs[i]!.push(await load(base + c.path, seconds, c.headers, connections));
    }
  }
  return cases.map((c, i) => {
    const rs = runs[i]!;
    const requests = rs.reduce((s, x) => s + x.requests, 0);
    const secs = rs.reduce((s, x) => s + x.seconds, 0);
    return {
      name: c.name,
      path: c.path,
      requests,
      seconds: secs,
      rps: requests / secs,
      p50: median(rs.map((x) => x.p50)),
      p99: median(rs.map((x) => x.p99)),
      errors: rs.reduce((s, x) => s + x.errors, 0),
      statuses: [...new Set(rs.flatMap((x) => x.statuses.split(" ").map((st) => st.replace(/×\d+$/, ""))))].join(","),
      rounds: rs.map((x) => x.rps),
      ratio: median(rs.map((x, r) => x.rps / runs[ref]![r]!.rps)),
    };
  });
}

export interface ServeOptions {
  rounds: number;
  roundSeconds: number;
  connections: number;
  log: (line: string) => void;
}

export async function serveBench(dir: string, tagPath: string, options: ServeOptions): Promise<ServeReport> {
  const site = "/rss.xml";
  options.log("  cold: site feed first");
  const a = await cold(dir, site, tagPath);
  options.log("  cold: tag feed first");
  const b = await cold(dir, tagPath);

  options.log("  load: starting wrangler dev (request logging off)");
  const dev = await startDev(dir, await freePort(), await freePort(), true);
  try {
    const { etag } = await timed(dev.url + site);
    // Warm every route once (renders and precomputes), then briefly under load.
    const all = [site, tagPath, `/__bench/precomputed${site}`, `/__bench/precomputed${tagPath}`, `/__bench/feedlib${site}`, `/__bench/feedlib${tagPath}`, "/__bench/empty", `/__bench/precomputed-304${site}`];
    for (const path of all) await timed(dev.url + path);
    for (const path of all) await load(dev.url + path, 1, undefined, options.connections);
    const { rounds, roundSeconds: secs, connections } = options;
    options.log("  load: site feed");
    const siteCases = await group(dev.url, [
      { name: "ours", path: site },
      { name: "precomputed (floor)", path: `/__bench/precomputed${site}` },
      { name: "feed@6 per request", path: `/__bench/feedlib${site}` },
    ], 1, rounds, secs, connections);
    options.log("  load: tag feed");
    const tagCases = await group(dev.url, [
      { name: "ours", path: tagPath },
      { name: "precomputed (floor)", path: `/__bench/precomputed${tagPath}` },
      { name: "feed@6 per request", path: `/__bench/feedlib${tagPath}` },
    ], 1, rounds, secs, connections);
    options.log("  load: 304");
    const notModified = await group(dev.url, [
      { name: "ours 304 (If-None-Match)", path: site, headers: { "If-None-Match": etag } },
      { name: "empty response", path: "/__bench/empty" },
      { name: "precomputed 304, same headers", path: `/__bench/precomputed-304${site}` },
    ], 1, rounds, secs, connections);
    return {
      coldSite: a.cold,
      coldTag: b.cold,
      tagAfterSiteMs: a.thenMs,
      site: siteCases,
      tag: tagCases,
      notModified,
      etag,
      connections,
      roundSeconds: secs,
      rounds,
    };
  } finally {
    await dev.stop();
  }
}
