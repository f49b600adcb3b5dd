/**
 * Digest scale benchmark: real `wrangler dev` (local D1, Queues, cron via --test-scheduled)
 * against the fake Resend API on 127.0.0.1 failing a share of calls.
 *
 *   npm run bench:digest                       # 10,000 and 100,000 subscribers
 *   npm run bench:digest -- 2000               # any sizes, comma separated
 *   npm run bench:digest -- 10000 --fail500 0.05 --fail429 0.05 --lose 0.02
 *
 * For each size: fresh local state, migrations, N active subscribers seeded with
 * `wrangler d1 execute --file`, the ledger seeded with all but the two newest articles,
 * then one cron fire (`/__scheduled?cron=…&time=…`). Measures the cron handler (time and
 * subrequests, from the run record), emails/s from the fire until every digest is
 * accepted, and duplicates and losses as the fake API counted them.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve as resolvePath } from "node:path";
import { createServer } from "node:net";
import { openStore } from "../content/read.js";
import { startFakeResend } from "../fake-resend.js";

const ADMIN = "bench-admin-token";
const HOUR = 3_600_000;

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const positional = process.argv.slice(2).find((a, i, all) => /^[\d,_]+$/.test(a) && !all[i - 1]?.startsWith("--"));
const sizes = (positional ?? "10000,100000").split(",").map((s) => Number(s.replace(/_/g, "")));
const failure = { fail500: flag("fail500", 0.05), fail429: flag("fail429", 0.05), lose: flag("lose", 0.02) };
const timeoutMs = flag("timeout", 45 * 60) * 1000;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A private copy of the project to run from: `wrangler dev` reloads on every change to the
 * sources, and a reload mid-run drops the local queue's in-flight messages; other people
 * editing the working tree must not disturb a long run.
 */
function snapshotProject(dir: string): string {
  const work = join(dir, "project");
  for (const entry of ["src", "templates", "migrations", "content", "scripts", "package.json", "wrangler.toml", "tsconfig.json"]) {
    cpSync(entry, join(work, entry), { recursive: true });
  }
  symlinkSync(resolvePath("node_modules"), join(work, "node_modules"));
  return work;
}

function wrangler(args: string[], cwd: string): void {
  const r = spawnSync("npx", ["wrangler", ...args], { cwd, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } });
  if (r.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
}

function sql(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** N subscribers due at `hour` UTC, and the ledger holding all but the two newest visible articles. */
async function seedFile(dir: string, n: number, hour: number, now: number): Promise<string> {
  const store = await openStore(resolvePath("src/generated/assets"));
  const lines: string[] = [];
  const visible = await store.visible(now);
  lines.push(`INSERT INTO articles_seen VALUES ('#baseline', 0, 0);`);
  for (const a of visible.slice(2)) lines.push(`INSERT INTO articles_seen VALUES (${sql(a.id)}, 0, ${a.published});`);
  const confirmed = now - 30 * 24 * HOUR;
  for (let i = 0; i < n; i += 500) {
    const rows: string[] = [];
    for (let j = i; j < Math.min(n, i + 500); j++) {
      const id = `bench-${String(j).padStart(8, "0")}`;
      rows.push(`('${id}','${id}@bench.example','active','[]','[]','daily','UTC',${hour},1,${confirmed},${confirmed},${confirmed})`);
    }
    lines.push(`INSERT INTO subscribers (id,email,status,topics,tags,cadence,timezone,send_hour,send_weekday,created_at,updated_at,confirmed_at) VALUES ${rows.join(",")};`);
  }
  const file = join(dir, "seed.sql");
  writeFileSync(file, lines.join("\n"));
  return file;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, limitMs: number, everyMs = 250): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

interface Row {
  subscribers: number;
  seedS: number;
  cronMs: number;
  cronSubrequests: number;
  cronPlanned: number;
  totalS: number;
  emailsPerS: number;
  calls: number;
  injected: number;
  duplicates: number;
  losses: number;
}

async function runOnce(n: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), "tidings-bench-"));
  const persist = join(dir, "state");
  mkdirSync(persist);
  const fake = await startFakeResend({ ...failure, seed: n });
  let dev: ChildProcess | undefined;
  const stop = () => {
    if (dev?.pid) {
      try {
        process.kill(-dev.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  };
  const onSignal = () => (stop(), process.exit(130));
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  try {
    const slot = Math.floor(Date.now() / HOUR) * HOUR;
    const hour = new Date(slot).getUTCHours();
    const seedStart = Date.now();
    const work = snapshotProject(dir);
    wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], work);
    wrangler(["d1", "execute", "DB", "--local", "--persist-to", persist, "--file", await seedFile(dir, n, hour, Date.now())], work);
    const seedS = (Date.now() - seedStart) / 1000;

    const port = await freePort();
    const vars = { ENVIRONMENT: "production", PUBLIC_URL: "https://tidings.example", RESEND_API_KEY: "re_bench", RESEND_BASE_URL: fake.url, TOKEN_SECRET: "bench-token-secret-0123456789", ADMIN_TOKEN: ADMIN };
    const args = ["wrangler", "dev", "--test-scheduled", "--persist-to", persist, "--port", String(port), "--ip", "127.0.0.1", "--show-interactive-dev-session=false", "--log-level", "info"];
    for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
    dev = spawn("npx", args, { cwd: work, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
    let log = "";
    const logFile = resolvePath("bench-results", `digest-wrangler-${n}.log`);
    mkdirSync("bench-results", { recursive: true });
    writeFileSync(logFile, "");
    const keep = (d: Buffer) => {
      log = (log + d.toString()).slice(-20_000);
      appendFileSync(logFile, d);
    };
    dev.stdout!.on("data", keep);
    dev.stderr!.on("data", keep);
    const base = `http://127.0.0.1:${port}`;
    await waitFor("wrangler dev", async () => ((await fetch(`${base}/rss.xml`)).ok ? true : undefined), 120_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${log}`);
    });

    const fired = Date.now();
    const cron = await fetch(`${base}/__scheduled?cron=${encodeURIComponent("0 * * * *")}&time=${slot}`);
    if (!cron.ok) throw new Error(`cron: ${cron.status} ${await cron.text()}\n${log}`);
    const runId = `daily:${new Date(slot).toISOString().slice(0, 13)}Z`;
    const admin = { authorization: `Bearer ${ADMIN}` };
    let last = "";
    const run = await waitFor(
      "every digest",
      async () => {
        const r = (await (await fetch(`${base}/admin/digests/runs/${encodeURIComponent(runId)}`, { headers: admin })).json()) as Record<string, number | string | Record<string, number>>;
        const s = fake.stats();
        const line = `  … planned ${r.planned} sent ${r.sent} pending ${r.pending} failed ${r.failed} | fake: calls ${s.calls} accepted ${s.accepted}`;
        if (line !== last) {
          process.stdout.write(line + "\n");
          last = line;
        }
        return r.status === "planned" && r.pending === 0 && r.planned === n ? r : undefined;
      },
      timeoutMs,
      1000,
    );
    const totalS = (Date.now() - fired) / 1000;
    const s = fake.stats();
    const stats = run.stats as Record<string, number>;
    let losses = 0;
    for (let j = 0; j < n; j++) if (!fake.received.has(`bench-${String(j).padStart(8, "0")}@bench.example`)) losses++;
    return {
      subscribers: n,
      seedS,
      cronMs: stats.cronMs ?? NaN,
      cronSubrequests: stats.cronSubrequests ?? NaN,
      cronPlanned: stats.cronPlanned ?? NaN,
      totalS,
      emailsPerS: s.recipients / totalS,
      calls: s.calls,
      injected: s.injected500 + s.injected429 + s.lost,
      duplicates: s.duplicates,
      losses,
    };
  } finally {
    stop();
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
for (const n of sizes) {
  console.log(`\n▶ ${n.toLocaleString("en")} subscribers (fake Resend: ${failure.fail500 * 100}% 500, ${failure.fail429 * 100}% 429, ${failure.lose * 100}% accepted-then-500)`);
  const row = await runOnce(n);
  rows.push(row);
  console.log(JSON.stringify(row));
}
const table = [
  "| subscribers | cron handler | cron subrequests | planned by cron | fire → last email | emails/s | Resend calls (failed on purpose) | duplicates | losses |",
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map((r) => `| ${r.subscribers.toLocaleString("en")} | ${r.cronMs} ms | ${r.cronSubrequests} | ${r.cronPlanned.toLocaleString("en")} | ${r.totalS.toFixed(1)} s | ${Math.round(r.emailsPerS)} | ${r.calls} (${r.injected}) | ${r.duplicates} | ${r.losses} |`),
];
console.log("\n" + table.join("\n"));
mkdirSync("bench-results", { recursive: true });
writeFileSync("bench-results/digest.json", JSON.stringify({ at: new Date().toISOString(), failure, rows }, null, 2));
if (rows.some((r) => r.duplicates > 0 || r.losses > 0)) {
  console.error("FAIL: duplicates or losses");
  process.exit(1);
}
