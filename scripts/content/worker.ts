import { parentPort, workerData } from "node:worker_threads";
import { parseArticle } from "./article.js";

const { files, siteUrl } = workerData as { files: { file: string; source: string }[]; siteUrl: string };
parentPort!.postMessage(files.map((f) => parseArticle(f.file, f.source, { siteUrl })));
