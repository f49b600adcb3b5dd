import { parentPort, workerData } from "node:worker_threads";
import { parseFiles } from "./build.js";

const { contentDir, files, siteUrl, bodyPaths } = workerData as { contentDir: string; files: string[]; siteUrl: string; bodyPaths?: string[] };
// Bodies travel once: written to the build cache by this thread, or else as the JS
// literals the main thread decodes only if asked (structured cloning both would double the transfer).
const results = await parseFiles(contentDir, files, siteUrl, bodyPaths);
for (const r of results) if (r.parsed) r.parsed.body = "";
parentPort!.postMessage(results);
