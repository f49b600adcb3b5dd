/**
 * The content build, compiled once: esbuild bundles its TypeScript (the CLI and the
 * worker-thread module, with what they import from scripts/ and src/ and the npm packages
 * those import, sanitize-html aside: it is required at run time) into
 * `.cache/build-tool/<key>/`, where <key> is SHA-256 of every source file the bundle was
 * made from, the packages' files included (esbuild's own list, `current.json`), so an
 * `npm install` that changes a package compiles again. Bundled, a run resolves no package
 * (Node 20's resolver walks each package.json: ~10 ms of every build's start). A run whose sources all
 * hash to the recorded key imports the cached bundle: no TypeScript loader in the build's
 * process or its threads. Any changed source gives a new key and a new bundle; deleting
 * `.cache/` only makes the next run compile again. Plain JavaScript, so Node runs it as is.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const SELF = new URL(import.meta.url).pathname;

/** The installed esbuild's version, read without loading it. */
function bundlerVersion() {
  return JSON.parse(readFileSync(createRequire(import.meta.url).resolve("esbuild/package.json"), "utf8")).version;
}

/**
 * SHA-256 of the listed source files (paths relative to `root`), this file and the
 * bundler's version; undefined when one of them is missing.
 * @param {string} root
 * @param {string[]} inputs
 * @param {string} bundler
 */
export function sourceKey(root, inputs, bundler) {
  const hash = createHash("sha256").update(readFileSync(SELF)).update("\0").update(bundler).update("\0");
  for (const input of [...inputs].sort()) {
    const path = join(root, input);
    if (!existsSync(path)) return undefined;
    hash.update(input).update("\0").update(readFileSync(path)).update("\0");
  }
  return hash.digest("hex");
}

/**
 * The compiled build tool for `entries` (name → source path under `root`): the folder
 * holding `<name>.mjs` for each entry, compiled now if no cached bundle matches the sources.
 * @param {{ root: string, toolDir: string, entries: Record<string, string> }} options
 * @returns {Promise<{ key: string, dir: string, compiled: boolean }>}
 */
export async function ensureTool({ root, toolDir, entries }) {
  const record = join(toolDir, "current.json");
  try {
    const current = JSON.parse(readFileSync(record, "utf8"));
    const wanted = JSON.stringify(entries);
    if (current.entries === wanted && sourceKey(root, current.inputs, bundlerVersion()) === current.key) {
      const dir = join(toolDir, current.key);
      if (Object.keys(entries).every((name) => existsSync(join(dir, `${name}.mjs`)))) return { key: current.key, dir, compiled: false };
    }
  } catch {
    /* no record yet, or unreadable: compile */
  }
  const esbuild = await import("esbuild");
  const staging = join(toolDir, `.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const built = await esbuild.build({
    absWorkingDir: resolve(root),
    entryPoints: entries,
    outdir: staging,
    bundle: true,
    // Shared code in chunks, and the parser (marked, sanitize-html…) loaded only when a file is parsed.
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outExtension: { ".js": ".mjs" },
    metafile: true,
    logLevel: "error",
    legalComments: "none",
  });
  const inputs = Object.keys(built.metafile.inputs);
  const key = sourceKey(root, inputs, esbuild.version);
  if (!key) throw new Error("build tool: a source file disappeared while compiling");
  const dir = join(toolDir, key);
  mkdirSync(toolDir, { recursive: true });
  if (existsSync(dir)) rmSync(staging, { recursive: true, force: true });
  else renameSync(staging, dir);
  // Only the current bundle is kept.
  for (const name of readdirSync(toolDir)) {
    if (name !== key && name !== "current.json" && !name.startsWith(".staging-")) rmSync(join(toolDir, name), { recursive: true, force: true });
  }
  const tmp = `${record}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ key, entries: JSON.stringify(entries), inputs }));
  renameSync(tmp, record);
  return { key, dir, compiled: true };
}

/** The content build's entries: its command line and its worker-thread module. */
export const CONTENT_BUILD_ENTRIES = { cli: "scripts/content/cli.ts", worker: "scripts/content/worker.ts" };

/**
 * The compiled content build of the project at `root`, in `root/.cache/build-tool/`.
 * @param {string} root
 */
export function ensureContentBuild(root) {
  return ensureTool({ root, toolDir: join(root, ".cache/build-tool"), entries: CONTENT_BUILD_ENTRIES });
}
