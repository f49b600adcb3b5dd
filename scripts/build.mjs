/**
 * `npm run build`: the content build, compiled once (scripts/build-tool.mjs) and run
 * without a TypeScript loader — in this process and in its worker threads. Arguments as
 * scripts/content/cli.ts.
 */
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ensureContentBuild } from "./build-tool.mjs";

const tool = await ensureContentBuild(fileURLToPath(new URL("..", import.meta.url)));
const { main } = await import(pathToFileURL(join(tool.dir, "cli.mjs")).href);
process.exitCode = await main(process.argv.slice(2), tool.key);
