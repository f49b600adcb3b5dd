/**
 * Keeps D1 from growing without bound: runs older than the history window whose
 * deliveries are all finished go, with their delivery rows. The ledger (articles_seen)
 * is never pruned — it is what keeps old articles from being mailed again — and nothing
 * unfinished is touched (an admin may still redrive it).
 */
import type { Env } from "../env.js";
import { deleteForRunsStatement } from "./deliveries.js";
import { deleteRunsStatement, finishedRunsBefore } from "./runs.js";

export const HISTORY_MS = 90 * 24 * 3_600_000;
/** Bounded work per cron run; the rest goes next hour. */
const MAX_RUNS = 200;

export async function pruneDigestHistory(env: Pick<Env, "DB">, now: number): Promise<{ runs: number }> {
  const ids = await finishedRunsBefore(env.DB, now - HISTORY_MS, MAX_RUNS);
  if (ids.length === 0) return { runs: 0 };
  const json = JSON.stringify(ids);
  await env.DB.batch([deleteForRunsStatement(env.DB, json), deleteRunsStatement(env.DB, json)]);
  return { runs: ids.length };
}
