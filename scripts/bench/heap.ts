/**
 * The JS heap of the Worker's isolate, read over `wrangler dev`'s inspector (Chrome
 * DevTools Protocol): `Runtime.getHeapUsage` sampled while something runs, and once more
 * after a full garbage collection. workerd answers no `HeapProfiler.collectGarbage`, so a
 * heap snapshot (which V8 takes after a full GC) forces it; the snapshot's chunks are
 * dropped. The reader runs in a child Node with `--experimental-websocket` (Node 20 has no
 * WebSocket without it) and sends the `Origin` header wrangler's inspector proxy requires.
 */
import { spawn, type ChildProcess } from "node:child_process";

export interface HeapReading {
  /** Used JS heap after a forced full GC, before the work (bytes). */
  beforeBytes: number;
  /** Used JS heap after a forced full GC, after the work. */
  afterBytes: number;
  /** Highest used JS heap sampled during the work (every `everyMs`, no GC forced). */
  peakBytes: number;
  /**
   * The same three with the isolate's memory outside the JS heap added: ArrayBuffer
   * backing stores (`backingStorageSize`: fetched packs, encoded feed bytes) and the
   * embedder's (workerd's) own heap (`embedderHeapUsedSize`). All of it counts toward an
   * isolate's 128 MB.
   */
  withBuffers: { beforeBytes: number; afterBytes: number; peakBytes: number };
  samples: number;
  /** Every sample, in order (bytes): JS heap, and JS heap + buffers. */
  series: { heap: number; total: number }[];
}

/** The reader: prints `{"before":…}` once connected, samples until stdin closes, then prints the rest. */
const READER = `
const [url, everyMs] = [process.argv[1], Number(process.argv[2])];
const ws = new WebSocket(url, { headers: { Origin: "http://127.0.0.1" } });
let id = 0;
const waiting = new Map();
const call = (method, params = {}) => new Promise((resolve, reject) => {
  const n = ++id;
  waiting.set(n, { resolve, reject });
  ws.send(JSON.stringify({ id: n, method, params }));
});
ws.onmessage = (e) => {
  const m = JSON.parse(e.data);
  const w = waiting.get(m.id);
  if (!w || !("result" in m || "error" in m)) return;
  waiting.delete(m.id);
  if (m.error) w.reject(new Error(JSON.stringify(m.error)));
  else w.resolve(m.result);
};
ws.onerror = () => { console.error("inspector: could not connect to " + url); process.exit(2); };
// wrangler's proxy never passes on the snapshot's own answer; the isolate handles messages
// in order, so the reading asked for next comes after the snapshot (and its GC).
const reading = async () => {
  const u = await call("Runtime.getHeapUsage");
  return { heap: u.usedSize, total: u.usedSize + (u.embedderHeapUsedSize ?? 0) + (u.backingStorageSize ?? 0) };
};
const collected = async () => {
  ws.send(JSON.stringify({ id: ++id, method: "HeapProfiler.takeHeapSnapshot", params: { reportProgress: false } }));
  return reading();
};
ws.onopen = async () => {
  console.log(JSON.stringify({ before: await collected() }));
  let samples = 0, stopping = false;
  const series = [];
  const sample = async () => {
    while (!stopping) {
      series.push(await reading());
      samples++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
  const sampling = sample();
  process.stdin.on("end", async () => {
    stopping = true;
    await sampling;
    const after = await collected();
    const peak = { heap: Math.max(after.heap, ...series.map((r) => r.heap)), total: Math.max(after.total, ...series.map((r) => r.total)) };
    console.log(JSON.stringify({ after, peak, samples, series }));
    ws.close();
    process.exit(0);
  });
  process.stdin.resume();
};
`;

/** Starts reading the isolate's heap over the inspector on `port`; `stop()` ends the sampling and gives the readings. */
export async function watchHeap(port: number, everyMs = 100): Promise<{ stop(): Promise<HeapReading> }> {
  const url = await debuggerUrl(port);
  const child: ChildProcess = spawn(process.execPath, ["--experimental-websocket", "--no-warnings", "--input-type=module", "-e", READER, url, String(everyMs)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const line = (key: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = out.split("\n").find((l) => l.includes(`"${key}"`));
        if (found) return resolve(JSON.parse(found) as Record<string, unknown>);
        if (child.exitCode !== null) return reject(new Error(`heap reader exited ${child.exitCode}: ${err.slice(-500)}`));
        setTimeout(check, 50);
      };
      check();
    });
  type Reading = { heap: number; total: number };
  const before = (await line("before"))["before"] as Reading;
  return {
    async stop() {
      child.stdin!.end();
      const rest = await line("after");
      await exited;
      const [after, peak] = [rest["after"] as Reading, rest["peak"] as Reading];
      return {
        beforeBytes: before.heap,
        afterBytes: after.heap,
        peakBytes: peak.heap,
        withBuffers: { beforeBytes: before.total, afterBytes: after.total, peakBytes: peak.total },
        samples: rest["samples"] as number,
        series: rest["series"] as Reading[],
      };
    },
  };
}

/** The isolate's DevTools WebSocket URL from the inspector's `/json` list. */
async function debuggerUrl(port: number): Promise<string> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as { webSocketDebuggerUrl?: string }[];
  const url = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${port}`);
  return url;
}
