import { parentPort, workerData } from "node:worker_threads";
import { parseFiles } from "./build.js";

const { contentDir, files, siteUrl } = workerData as { contentDir: string; files: string[]; siteUrl: string };
// Bodies travel once, as the JS literals the module needs; the main thread decodes them
// only if asked (structured cloning both would double the transfer).
const results = parseFiles(contentDir, files, siteUrl);
for (const r of results) if (r.parsed) r.parsed.body = "";
parentPort!.postMessage(results);
