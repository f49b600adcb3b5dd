/** Old digest history is pruned; unfinished and recent runs, and the ledger, are kept. */
import { env } from "cloudflare:workers";
import { beforeEach, expect, it } from "vitest";
import { HISTORY_MS, pruneDigestHistory } from "../../src/digest/prune.js";
import { addSubscriber, HOUR, resetDigestTables, T0 } from "./digest-support.js";

async function run(id: string, createdAt: number, deliveryStatus: string) {
  await env.DB.prepare(
    `INSERT INTO digest_runs (id, cadence, trigger, slot, window_end, targets, items, status, created_at, updated_at)
     VALUES (?1, 'daily', 'cron', ?2, ?2, '[]', '[]', 'planned', ?2, ?2)`,
  ).bind(id, createdAt).run();
  await env.DB.prepare(
    `INSERT INTO digest_deliveries (run_id, subscriber_id, batch_no, email, items, status, created_at, updated_at)
     VALUES (?1, 's1', 0, 's1@example.com', '[0]', ?2, ?3, ?3)`,
  ).bind(id, deliveryStatus, createdAt).run();
}

beforeEach(async () => {
  await resetDigestTables();
  await addSubscriber({ id: "s1" });
  await env.DB.prepare("INSERT INTO articles_seen (article_id, first_seen_at, published_at) VALUES ('a', 1, 1)").run();
});

it("deletes finished runs older than the history window with their deliveries", async () => {
  const now = T0 + HISTORY_MS + 10 * HOUR;
  await run("old-done", T0, "sent");
  await run("old-pending", T0, "sending");
  await run("recent", now - HOUR, "sent");
  const result = await pruneDigestHistory(env, now);
  expect(result).toEqual({ runs: 1 });
  const runs = await env.DB.prepare("SELECT id FROM digest_runs ORDER BY id").all<{ id: string }>();
  expect(runs.results.map((r) => r.id)).toEqual(["old-pending", "recent"]);
  const deliveries = await env.DB.prepare("SELECT run_id FROM digest_deliveries ORDER BY run_id").all<{ run_id: string }>();
  expect(deliveries.results.map((r) => r.run_id)).toEqual(["old-pending", "recent"]);
  const ledger = await env.DB.prepare("SELECT COUNT(*) AS n FROM articles_seen").first<{ n: number }>();
  expect(ledger!.n).toBe(1);
});
