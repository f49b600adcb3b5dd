/**
 * A throwaway copy of the project in a temp folder, with a synthetic corpus compiled into
 * its src/generated/ and the bench-only entry as `main`. Other people keep working in the
 * real tree; nothing here writes to it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cp, mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "smol-toml";
import { BIN, ROOT, run, sleep } from "./util.js";

export async function createProject(dir: string): Promise<void> {
  await mkdir(join(dir, "scripts/bench"), { recursive: true });
  await cp(join(ROOT, "src"), join(dir, "src"), {
    recursive: true,
    filter: (source) => !source.startsWith(join(ROOT, "src/generated")),
  });
  for (const extra of ["templates", "migrations", "tsconfig.json", "package.json"]) {
    if (existsSync(join(ROOT, extra))) await cp(join(ROOT, extra), join(dir, extra), { recursive: true });
  }
  for (const file of ["bench-worker.ts", "feedlib.ts"]) {
    await cp(join(ROOT, "scripts/bench", file), join(dir, "scripts/bench", file));
  }
  await symlink(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  const config = parse(await readFile(join(ROOT, "wrangler.toml"), "utf8")) as Record<string, unknown>;
  config["main"] = "scripts/bench/bench-worker.ts";
  // A distinct name keeps this out of the way of anyone's own `wrangler dev`; no content
  // build hook: the corpus is already compiled.
  config["name"] = "tidings-bench";
  delete config["build"];
  await writeFile(join(dir, "wrangler.toml"), stringify(config));
}

/** Puts a compiled corpus (manifest module + the content store of a build --out folder) in place. */
export async function useContent(dir: string, buildOut: string): Promise<void> {
  await mkdir(join(dir, "src/generated"), { recursive: true });
  for (const file of ["content.js", "content.d.ts"]) {
    await cp(join(buildOut, file), join(dir, "src/generated", file));
  }
  // The store can be a gigabyte: linked, not copied.
  await rm(join(dir, "src/generated/assets"), { recursive: true, force: true });
  await symlink(join(buildOut, "assets"), join(dir, "src/generated/assets"), "dir");
}

export interface BundleSize {
  raw: number;
  gzip: number;
  ms: number;
  error?: string;
}

/**
 * `wrangler deploy --dry-run`: the real bundle and the compressed size Cloudflare limits.
 * The deployed entry (`src/index.ts`) is named, not the config's `main`: the bench entry
 * adds `feed@6` and the baselines (~100 KiB) that no deployed Worker carries.
 */
export async function dryRun(dir: string): Promise<BundleSize> {
  const result = await run(BIN("wrangler"), ["deploy", "--dry-run", "--outdir", join(dir, "dist"), "src/index.ts"], { cwd: dir });
  const match = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(result.stdout + result.stderr);
  if (!match) {
    const error = (result.stderr || result.stdout).split("\n").find((l) => /error/i.test(l)) ?? `exit ${result.code}`;
    return { raw: NaN, gzip: NaN, ms: result.ms, error: error.trim().slice(0, 160) };
  }
  return { raw: Number(match[1]) * 1024, gzip: Number(match[2]) * 1024, ms: result.ms };
}

export interface DevServer {
  url: string;
  /** Process group of wrangler dev (and its workerd). */
  pgid: number;
  /** From spawn to wrangler's "Ready on". */
  startMs: number;
  log: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts `wrangler dev` on 127.0.0.1:port. With `quiet: false` it resolves on wrangler's
 * "Ready on" line without sending any request (so the next request is the first one the
 * Worker sees); with `quiet: true` wrangler does not log each request (less overhead
 * under load) and readiness is polled on /__bench/empty.
 */
export async function startDev(dir: string, port: number, inspectorPort: number, quiet = false): Promise<DevServer> {
  const logLevel = quiet ? "warn" : "info";
  const started = performance.now();
  const child: ChildProcess = spawn(
    BIN("wrangler"),
    ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort), "--show-interactive-dev-session=false", "--log-level", logLevel],
    {
      cwd: dir,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", CI: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  let output = "";
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const stop = async () => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    await Promise.race([exit, sleep(5000)]);
    if (!exited) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
      await Promise.race([exit, sleep(2000)]);
    }
  };
  stopOnExit.add(stop);
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      if (!quiet && /Ready on http/.test(output)) resolve();
    };
    if (quiet) {
      void (async () => {
        while (!exited) {
          const ok = await fetch(`http://127.0.0.1:${port}/__bench/empty`).then((r) => r.status === 204, () => false);
          if (ok) return resolve();
          await sleep(100);
        }
      })();
    }
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`wrangler dev exited with ${code}:\n${output.slice(-2000)}`)));
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`wrangler dev not ready after 90 s:\n${output.slice(-2000)}`)), 90_000);
  });
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pgid: child.pid!,
    startMs: performance.now() - started,
    log: () => output,
    stop: async () => {
      await stop();
      stopOnExit.delete(stop);
    },
  };
}

/** Dev servers still running: stopped if the benchmark is interrupted. */
const stopOnExit = new Set<() => Promise<void>>();
export async function stopAll(): Promise<void> {
  await Promise.all([...stopOnExit].map((stop) => stop()));
}
