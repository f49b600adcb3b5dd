/**
 * Admin digest API (Bearer ADMIN_TOKEN): run now, preview, run records.
 *   POST /admin/digests/run      {cadence?: "instant"|"daily"|"weekly", mode?: "all"|"slot", redrive?: runId}
 *   GET  /admin/digests/preview  ?email=…  or  ?cadence=&topics=&tags=   (&format=html|text|json)
 *   GET  /admin/digests/runs     ?limit=N       GET /admin/digests/runs/{id}
 */
import { Hono } from "hono";
import { requireAdmin } from "../admin/auth.js";
import { siteContent } from "../content/index.js";
import type { AppEnv } from "../env.js";
import { developmentOnly, problem, wantsJson } from "../lib/http.js";
import { previewForEmail, previewForFilters } from "./preview.js";
import { redriveRun } from "./redrive.js";
import { listRuns } from "./runs.js";
import { runManualDigest, runScheduledDigests } from "./scheduler.js";
import { CADENCES, type Cadence } from "./due.js";

function cadences(value: unknown): Cadence[] | null {
  if (value === undefined || value === null || value === "" || value === "both") return [...CADENCES];
  return CADENCES.includes(value as Cadence) ? [value as Cadence] : null;
}

async function body(req: Request): Promise<Record<string, unknown>> {
  const type = req.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) return ((await req.json()) ?? {}) as Record<string, unknown>;
    if (type.includes("form")) return Object.fromEntries((await req.formData()).entries());
  } catch {
    return { invalid: true };
  }
  return {};
}

export const digestAdminRoutes = new Hono<AppEnv>();
digestAdminRoutes.use("*", requireAdmin);

digestAdminRoutes.post("/run", async (c) => {
  const input = await body(c.req.raw);
  if (input.invalid) return problem(c, 400, "body is not valid JSON or form data");
  const queue = c.env.DIGEST_QUEUE;
  if (typeof input.redrive === "string") {
    return c.json({ redrive: await redriveRun(c.env.DB, queue, input.redrive) }, 202);
  }
  const which = cadences(input.cadence);
  if (!which) return problem(c, 400, "cadence must be instant, daily, weekly or both (all)");
  if (input.mode === "slot") return c.json({ cron: await runScheduledDigests(c.env, Date.now(), { queue }) }, 202);
  if (input.mode !== undefined && input.mode !== "all") return problem(c, 400, "mode must be all or slot");
  const runs = [];
  for (const cadence of which) runs.push(await runManualDigest(c.env, cadence, { queue }));
  return c.json({ runs }, 202);
});

digestAdminRoutes.get("/preview", async (c) => {
  const now = Date.now();
  const email = c.req.query("email");
  let preview;
  if (email) {
    preview = await previewForEmail(c.env, await siteContent(c.env), email, now);
    if (!preview) return problem(c, 404, "no subscriber with that email");
  } else {
    const which = cadences(c.req.query("cadence") ?? "daily");
    if (!which || which.length !== 1) return problem(c, 400, "cadence must be instant, daily or weekly");
    preview = await previewForFilters(c.env, await siteContent(c.env), which[0]!, { topics: c.req.queries("topics") ?? c.req.queries("topic") ?? [], tags: c.req.queries("tags") ?? c.req.queries("tag") ?? [] }, now);
  }
  const format = c.req.query("format") ?? (wantsJson(c.req.raw) ? "json" : "html");
  if (format === "json") return c.json({ ...preview.message, items: preview.items, sample: preview.sample });
  if (format === "text") return c.text(preview.message.text);
  if (format !== "html") return problem(c, 400, "format must be html, text or json");
  return c.html(preview.message.html, 200, { "X-Digest-Subject": encodeURIComponent(preview.message.subject) });
});

digestAdminRoutes.get("/runs", async (c) => {
  const limit = Number(c.req.query("limit") ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) return problem(c, 400, "limit must be an integer from 1 to 200");
  return c.json({ runs: await listRuns(c.env.DB, { limit }) });
});

digestAdminRoutes.get("/runs/:id", async (c) => {
  const [run] = await listRuns(c.env.DB, { limit: 1, id: c.req.param("id") });
  return run ? c.json(run) : problem(c, 404, "no such run");
});

/**
 * Development only, at POST /dev/outbox/digests (the outbox page's button): what POST
 * /admin/digests/run does for every cadence, without a token, so `npm run dev` shows a
 * digest for whatever is new without waiting for a subscriber's hour.
 */
export const digestDevRoutes = new Hono<AppEnv>();
digestDevRoutes.post("/", developmentOnly, async (c) => {
  const queue = c.env.DIGEST_QUEUE;
  const runs = [];
  for (const cadence of CADENCES) runs.push(await runManualDigest(c.env, cadence, { queue }));
  if (wantsJson(c.req.raw)) return c.json({ runs }, 202);
  return c.redirect("/dev/outbox?digests=1", 303);
});

