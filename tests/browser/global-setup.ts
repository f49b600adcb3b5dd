/**
 * Starts `wrangler dev` for the real-browser tests: D1 migrations applied to a fresh
 * temporary persist dir and seeded (`seed.sql`: a ledger that predates the sample articles), ENVIRONMENT=development (dev outbox), no RESEND_API_KEY, on
 * 127.0.0.1:8799 ($BROWSER_TEST_PORT), and a second one with SITE_LANGUAGE=en on that port + 100. Builds nothing itself (`npm test` ran the content build, and
 * wrangler's [build] command runs it again). Provides `baseUrl`; stops wrangler after.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    /** The same Worker with SITE_LANGUAGE=en. */
    baseUrlEn: string;
    adminToken: string;
  }
}

const PORT = Number(process.env.BROWSER_TEST_PORT ?? 8799);
const HOST = "127.0.0.1";
/** A throwaway ADMIN_TOKEN for this wrangler dev only. */
const ADMIN_TOKEN = `browser-admin-${Math.random().toString(36).slice(2)}`;
const STARTUP_MS = 120_000;
const ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", args, { env: ENV, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`npx ${args.join(" ")} exited ${code}\n${output}`))));
  });
}

async function waitUntilUp(base: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited ${child.exitCode}\n${log()}`);
    try {
      const res = await fetch(`${base}/subscribe`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not answer within ${STARTUP_MS} ms\n${log()}`);
}

/** One `wrangler dev` on `port` with its own fresh D1; returns its base URL and a stop function. */
async function startWorker(port: number, vars: string[]): Promise<{ base: string; stop: () => Promise<void> }> {
  const persist = await mkdtemp(join(tmpdir(), "tidings-browser-"));
  await run(["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist]);
  await run(["wrangler", "d1", "execute", "DB", "--local", "--persist-to", persist, "--file", "tests/browser/seed.sql"]);
  const base = `http://${HOST}:${port}`;
  const child = spawn(
    "npx",
    [
      "wrangler", "dev",
      "--ip", HOST,
      "--port", String(port),
      "--inspector-port", String(port + 200),
      "--persist-to", persist,
      "--var", "ENVIRONMENT:development",
      "--var", `PUBLIC_URL:${base}`,
      // Never real mail from a test run, whatever .dev.vars holds.
      "--var", "RESEND_API_KEY:",
      // The console (tests/browser/console.test.ts) signs in with this.
      "--var", `ADMIN_TOKEN:${ADMIN_TOKEN}`,
      ...vars.flatMap((v) => ["--var", v]),
      "--show-interactive-dev-session=false",
      "--log-level", "warn",
    ],
    { env: ENV, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM"); // the whole group: npx, wrangler, workerd
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 500));
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    await rm(persist, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(base, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, stop };
}

export default async function setup(project: TestProject) {
  // wrangler.toml's SITE_LANGUAGE (zh-CN), and a second Worker speaking English.
  const [site, english] = await Promise.all([startWorker(PORT, []), startWorker(PORT + 100, ["SITE_LANGUAGE:en"])]);
  project.provide("baseUrl", site.base);
  project.provide("baseUrlEn", english.base);
  project.provide("adminToken", ADMIN_TOKEN);
  return async () => {
    await Promise.all([site.stop(), english.stop()]);
  };
}
