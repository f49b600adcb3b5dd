/**
 * A worker thread of the content build: parses the batches it is sent (pool.ts); with a
 * run directory it writes what it renders into run files of its own and sends back only
 * the entries and the runs it wrote (in shared memory), flushing its last run when told to
 * close. Or it writes its share of a big store write (store.ts `writePacks`) from records
 * in the runs.
 */
import { parentPort, workerData } from "node:worker_threads";
import { parseFiles } from "./build.js";
import type { BatchMessage, PoolData, WorkerReply } from "./pool.js";
import { DamagedRecord, RunWriter, type HeldRun } from "./runs.js";
import { writePacks, type PackWrite } from "./store.js";

// Started by the pool with its data, or with none to write packs (store.ts).
const data = workerData as PoolData | null;
const writer = data?.runDir ? new RunWriter(data.runDir) : undefined;
const port = parentPort!;
port.on("message", async (message: BatchMessage | { close: true } | { write: { runDir: string; writes: PackWrite[]; held: HeldRun[] } }) => {
  if ("write" in message) {
    try {
      port.postMessage({ wrote: writePacks(message.write.runDir, message.write.writes, message.write.held) });
    } catch (error) {
      // A damaged run is answered (the build distrusts it and tries again); anything else fails the thread.
      if (!(error instanceof DamagedRecord)) throw error;
      port.postMessage({ damaged: error.at });
    }
    return;
  }
  if ("close" in message) {
    writer?.flush();
    port.postMessage({ closed: true, held: writer?.takeHeld() ?? [] } satisfies WorkerReply);
    return;
  }
  const results = await parseFiles(data!.contentDir, message.files, data!.siteUrl, message.sources, writer, data!.hash);
  // Runs it wrote go along, in shared memory: the packs are written from them without reading them back.
  port.postMessage({ batch: message.batch, results, held: writer?.takeHeld() ?? [] } satisfies WorkerReply);
});
