/**
 * The content build from source, through tsx (`node --import tsx scripts/build-content.ts`):
 * the same command line as `npm run build` (scripts/content/cli.ts), without the compiled
 * tool's nothing-changed shortcut. `npm run build` runs scripts/build.mjs instead.
 */
import { main } from "./content/cli.js";

process.exitCode = await main(process.argv.slice(2));
