/**
 * The digest side of the hourly cron, and manual runs: sync the ledger, open one run per
 * cadence for the slot (a second fire finds it and does nothing), plan within budget.
 */
import { siteContent, type Content } from "../content/index.js";
import type { Env } from "../env.js";
import { syncLedger, windowItems, type LedgerSync } from "./ledger.js";
import type { DigestMessage } from "./messages.js";
import { meteredDb, meteredQueue, newMeter, subrequests } from "./meter.js";
import { planRun, type PlanOptions, type PlanResult } from "./planner.js";
import { activeTimezones } from "../subscribers/store.js";
import { createRun, recordCronStats, runExists, staleRuns } from "./runs.js";
import { CADENCES, cronRunId, dueTargets, slotOf, type Cadence, type Target } from "./due.js";

export interface DigestDeps {
  queue: Queue<DigestMessage>;
  content?: Content;
  /** Wall clock for the ledger and the run window (tests move it). */
  now?: number;
  plan?: Omit<PlanOptions, "queue" | "db" | "now">;
}

export interface CronReport {
  slot: string;
  ledger: LedgerSync;
  runs: Array<PlanResult | { runId: string; skipped: true }>;
  ms: number;
  subrequests: number;
}

async function openRun(
  db: D1Database,
  content: Content,
  run: { id: string; cadence: Cadence; trigger: "cron" | "manual"; slot: number; now: number },
  targets: (cadence: Cadence) => Promise<Target[]>,
): Promise<void> {
  const items = await windowItems(db, content, run.now);
  await createRun(db, { ...run, windowEnd: run.now, items, targets: items.length ? await targets(run.cadence) : [] }, run.now);
}

/** The scheduled handler's digest task for the slot of `scheduledTime`. */
export async function runScheduledDigests(env: Pick<Env, "DB" | "ASSETS">, scheduledTime: number, deps: DigestDeps): Promise<CronReport> {
  const started = Date.now();
  const meter = newMeter();
  const db = meteredDb(env.DB, meter);
  const queue = meteredQueue(deps.queue, meter);
  const content = deps.content ?? (await siteContent(env));
  const now = deps.now ?? Date.now();
  const slot = slotOf(scheduledTime);
  const ledger = await syncLedger(db, content, now);
  const runs: CronReport["runs"] = [];
  const opened: string[] = [];
  for (const cadence of CADENCES) {
    const id = cronRunId(cadence, slot);
    if (!(await runExists(db, id))) {
      await openRun(db, content, { id, cadence, trigger: "cron", slot, now }, async (c) => dueTargets(c, await activeTimezones(db, c), slot));
      opened.push(id);
    }
    runs.push((await planRun(env, id, { ...deps.plan, db, queue, now })) ?? { runId: id, skipped: true });
  }
  for (const id of await staleRuns(db, now)) {
    if (!runs.some((r) => r.runId === id)) runs.push((await planRun(env, id, { ...deps.plan, db, queue, now })) ?? { runId: id, skipped: true });
  }
  const report = { slot: new Date(slot).toISOString(), ledger, runs, ms: Date.now() - started, subrequests: subrequests(meter) + 1 };
  const plannedBy = (id: string) => {
    const r = runs.find((x) => x.runId === id);
    return r && "planned" in r ? r.planned : 0;
  };
  if (opened.length) {
    await recordCronStats(db, report, Object.fromEntries(opened.map((id) => [id, plannedBy(id)])));
  }
  console.log("digest.cron " + JSON.stringify(report));
  return report;
}

/**
 * A run started by an admin: every active subscriber of the cadence (not only those whose
 * hour it is) gets what is new for them. Windows still apply, so nothing is sent twice.
 */
export async function runManualDigest(env: Pick<Env, "DB" | "ASSETS">, cadence: Cadence, deps: DigestDeps): Promise<PlanResult | { runId: string; skipped: true }> {
  const content = deps.content ?? (await siteContent(env));
  const now = deps.now ?? Date.now();
  await syncLedger(env.DB, content, now);
  const id = `manual:${cadence}:${new Date(now).toISOString()}`;
  if (!(await runExists(env.DB, id))) {
    await openRun(env.DB, content, { id, cadence, trigger: "manual", slot: slotOf(now), now }, async () => [{}]);
  }
  return (await planRun(env, id, { ...deps.plan, queue: deps.queue, now })) ?? { runId: id, skipped: true };
}
