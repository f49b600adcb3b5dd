/** The dev outbox's "run digests now" (development only): a manual run for every cadence. */
import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("POST /dev/outbox/digests runs a manual digest for each cadence and answers JSON", async () => {
  const res = await exports.default.fetch("http://localhost:8787/dev/outbox/digests", { method: "POST", headers: { Accept: "application/json" } });
  expect(res.status).toBe(202);
  const body = (await res.json()) as { runs: { runId: string }[] };
  expect(body.runs.map((r) => r.runId.split(":").slice(0, 2).join(":"))).toEqual(["manual:daily", "manual:weekly", "manual:instant"]);
  const { results } = await env.DB.prepare("SELECT id, trigger FROM digest_runs WHERE trigger = 'manual'").all<{ id: string }>();
  expect(results.map((r) => r.id).sort()).toEqual(body.runs.map((r) => r.runId).sort());
});

it("a form post goes back to the outbox", async () => {
  const res = await exports.default.fetch("http://localhost:8787/dev/outbox/digests", { method: "POST", redirect: "manual" });
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/dev/outbox?digests=1");
});
