/**
 * The publisher's console at /admin (HTML, hono/jsx): sign in with ADMIN_TOKEN (session
 * cookie, src/admin/session.ts), then overview, subscribers, digest runs, audience and
 * import. Every action is a form POST carrying the session's CSRF token; reads of the
 * bearer API (export CSV) also accept the session. The bearer API stays for scripts.
 */
import { Hono, type Context } from "hono";
import { siteContent } from "../content/index.js";
import { redriveRun } from "../digest/redrive.js";
import { listRuns } from "../digest/runs.js";
import { pageSite, readConfig } from "../config.js";
import type { AppEnv } from "../env.js";
import { CATALOGUES, format, say, type Reason } from "../i18n/index.js";
import { htmlDocument } from "../lib/html.js";
import { problem, wantsJson } from "../lib/http.js";
import { countByStatus, deleteSubscriber, findById, searchSubscribers, dailySignups, STATUSES, type Status } from "../subscribers/store.js";
import { AudiencePage, ConsoleRefusal, DigestsPage, ImportPage, OverviewPage, SignInPage, SubscriberPage, SubscribersPage, type ConsoleSite } from "../../templates/admin/console.js";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { lastDays, perDay } from "../../templates/admin/chart.js";
import { secretMatches } from "../lib/secret-compare.js";
import { AUDIENCE_DAYS, audienceDays, audienceReport } from "./audience.js";
import { importSubscribers, mailImportConfirmations, MAX_IMPORT_BYTES, parseImportOptions } from "./import.js";
import { clearedSessionCookie, createSession, csrfFor, requireSession, sameOrigin, sessionCookie, tokenIsRight, validSession, type ConsoleVars } from "./session.js";

type ConsoleEnv = AppEnv & ConsoleVars;
const PAGE_SIZE = 25;

/** The zone the console shows times in: the site's language's usual zone, else UTC. */
const LANGUAGE_ZONES: Record<string, string> = { "zh-CN": "Asia/Shanghai", "zh-TW": "Asia/Taipei", zh: "Asia/Shanghai" };

function site(c: Context<ConsoleEnv>): ConsoleSite {
  const { title, lang, t } = pageSite(c.env);
  return { title, lang, t, timeZone: LANGUAGE_ZONES[lang] ?? "UTC", csrf: c.get("csrf") };
}

/** A refused console request: a console page in the site's language, or English `{ error, status }` JSON. */
function refuse(c: Context<ConsoleEnv>, status: ContentfulStatusCode, reason: Reason): Response {
  if (wantsJson(c.req.raw)) return problem(c, status, say(CATALOGUES.en, reason));
  return c.html(htmlDocument(ConsoleRefusal({ site: site(c), status, reason })), status, { "Cache-Control": "no-store" });
}

export const consoleRoutes = new Hono<ConsoleEnv>();

consoleRoutes.get("/admin", async (c, next) => {
  if (!readConfig(c.env).adminToken) return problem(c, 404, "the admin console is disabled (ADMIN_TOKEN is not set)");
  if (!(await validSession(c))) {
    c.header("Cache-Control", "no-store");
    return c.html(htmlDocument(SignInPage(pageSite(c.env))));
  }
  await next();
});

consoleRoutes.post("/admin/login", async (c) => {
  if (!readConfig(c.env).adminToken) return problem(c, 404, "the admin console is disabled (ADMIN_TOKEN is not set)");
  if (!sameOrigin(c)) return problem(c, 403, "sign in from this site's own form (Origin / Sec-Fetch-Site)");
  const form = await c.req.parseBody();
  if (typeof form.token !== "string" || !(await tokenIsRight(c.env, form.token))) {
    const page = pageSite(c.env);
    return c.html(htmlDocument(SignInPage({ ...page, error: page.t.admin.wrongToken })), 401, { "Cache-Control": "no-store" });
  }
  c.header("Set-Cookie", sessionCookie(await createSession(c.env, Date.now())));
  return c.redirect("/admin", 303);
});

consoleRoutes.use("/admin", requireSession);
consoleRoutes.use("/admin/logout", requireSession);
consoleRoutes.use("/admin/console/*", requireSession);

consoleRoutes.post("/admin/logout", (c) => {
  c.header("Set-Cookie", clearedSessionCookie());
  return c.redirect("/admin", 303);
});

consoleRoutes.get("/admin", async (c) => {
  const now = Date.now();
  const days = lastDays(now, AUDIENCE_DAYS);
  const since = Date.parse(`${days[0]}T00:00:00Z`);
  const [counts, daily, runs, audience] = await Promise.all([countByStatus(c.env.DB), dailySignups(c.env.DB, since), listRuns(c.env.DB, { limit: 5 }), audienceReport(c.env.DB, now)]);
  const aggregators = audience.feeds.reduce((n, f) => n + Object.values(f.aggregators).reduce((a, b) => a + b, 0), 0);
  const clients = audience.feeds.reduce((n, f) => n + f.clients, 0);
  return c.html(
    htmlDocument(
      OverviewPage({
        site: site(c),
        data: {
          counts,
          days,
          signups: perDay(days, daily, (r) => r.signups),
          unsubscribes: perDay(days, daily, (r) => r.unsubscribes),
          runs,
          audience: { feeds: audience.feeds.length, subscribers: aggregators + clients, aggregators, clients },
        },
      }),
    ),
  );
});

consoleRoutes.get("/admin/console/subscribers", async (c) => {
  const q = (c.req.query("q") ?? "").trim().slice(0, 200);
  const statusText = c.req.query("status") ?? "";
  if (statusText && !(STATUSES as readonly string[]).includes(statusText)) return refuse(c, 400, { key: "admin.badStatus", values: { statuses: STATUSES.join(", ") } });
  const topic = c.req.query("topic") ?? "";
  const pageText = c.req.query("page") ?? "1";
  const page = /^\d{1,6}$/.test(pageText) && Number(pageText) >= 1 ? Number(pageText) : NaN;
  if (!page) return refuse(c, 400, { key: "admin.badPage" });
  const { items, total } = await searchSubscribers(c.env.DB, {
    ...(q ? { q } : {}),
    ...(statusText ? { status: statusText as Status } : {}),
    ...(topic ? { topic } : {}),
    offset: (page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
  });
  const deleted = c.req.query("deleted");
  const shown = site(c);
  const notice = deleted ? format(shown.t.admin.deleted, { email: deleted }) : undefined;
  return c.html(
    htmlDocument(
      SubscribersPage({
        site: shown,
        filter: { q, status: statusText, topic, page },
        statuses: STATUSES,
        topics: (await siteContent(c.env)).terms("topics").map((t) => ({ slug: t.slug, name: t.name })),
        items,
        total,
        pageSize: PAGE_SIZE,
        ...(notice ? { notice } : {}),
      }),
    ),
  );
});

consoleRoutes.get("/admin/console/subscribers/:id", async (c) => {
  const subscriber = await findById(c.env.DB, c.req.param("id"));
  if (!subscriber) return refuse(c, 404, { key: "admin.noSubscriber" });
  return c.html(htmlDocument(SubscriberPage({ site: site(c), subscriber })));
});

consoleRoutes.post("/admin/console/subscribers/:id/delete", async (c) => {
  const deleted = await deleteSubscriber(c.env.DB, c.req.param("id"));
  if (!deleted) return refuse(c, 404, { key: "admin.noSubscriber" });
  return c.redirect(`/admin/console/subscribers?deleted=${encodeURIComponent(deleted.email)}`, 303);
});

consoleRoutes.get("/admin/console/digests", async (c) => {
  const run = c.req.query("redriven");
  const batches = Number(c.req.query("batches") ?? 0);
  const redriven = run ? { run, batches: Number.isSafeInteger(batches) && batches >= 0 ? batches : 0 } : undefined;
  return c.html(htmlDocument(DigestsPage({ site: site(c), runs: await listRuns(c.env.DB, { limit: 50 }), ...(redriven ? { redriven } : {}) })));
});

consoleRoutes.post("/admin/console/digests/:id/redrive", async (c) => {
  const result = await redriveRun(c.env.DB, c.env.DIGEST_QUEUE, c.req.param("id"));
  return c.redirect(`/admin/console/digests?${new URLSearchParams({ redriven: result.runId, batches: String(result.batches) })}`, 303);
});

consoleRoutes.get("/admin/console/import", (c) => c.html(htmlDocument(ImportPage({ site: site(c) }))));

consoleRoutes.post("/admin/console/import", async (c) => {
  const form = await c.req.parseBody();
  const file = form.file;
  const render = (status: 200 | 400 | 413, props: Omit<Parameters<typeof ImportPage>[0], "site">) => c.html(htmlDocument(ImportPage({ site: site(c), ...props })), status);
  if (!(file instanceof File) || file.size === 0) return render(400, { error: { key: "admin.chooseFile" } });
  if (file.size > MAX_IMPORT_BYTES) return render(413, { error: { key: "admin.fileTooLarge", values: { max: MAX_IMPORT_BYTES } } });
  const options = parseImportOptions(new URLSearchParams({ consent: String(form.consent ?? "confirm"), update: form.update === "1" ? "1" : "0" }));
  if (!options.ok) return render(400, { error: options.reason });
  const now = Date.now();
  const outcome = await importSubscribers(c.env.DB, await file.text(), options.value, now, await siteContent(c.env));
  if (!outcome.ok) return render(outcome.status, { error: outcome.reason });
  if (options.value.consent === "confirm") c.executionCtx.waitUntil(mailImportConfirmations(c.env, outcome.created, now));
  return render(200, { report: outcome.report });
});

/** JSON for a bearer call or `Accept: application/json`; the console page for a signed-in browser. */
consoleRoutes.get("/admin/audience", async (c) => {
  const token = readConfig(c.env).adminToken;
  if (!token) return problem(c, 404, "the admin console is disabled (ADMIN_TOKEN is not set)");
  const bearer = /^Bearer[ \t]+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
  const byBearer = bearer ? await secretMatches(bearer[1]!, token) : false;
  const session = byBearer ? null : await validSession(c);
  if (!byBearer && !session) {
    if (wantsJson(c.req.raw) || bearer) return problem(c, 401, "a valid `Authorization: Bearer <ADMIN_TOKEN>` header or a console session is required", { "WWW-Authenticate": 'Bearer realm="admin"' });
    return c.redirect("/admin", 303);
  }
  c.header("Cache-Control", "no-store");
  const now = Date.now();
  const report = await audienceReport(c.env.DB, now);
  if (byBearer || wantsJson(c.req.raw)) return c.json(report);
  c.set("csrf", await csrfFor(c.env, session!));
  const days = lastDays(now, AUDIENCE_DAYS);
  const rows = await audienceDays(c.env.DB, now);
  const history = new Map<string, { subscribers: number[]; clients: number[] }>();
  for (const path of new Set(rows.map((r) => r.path))) {
    const mine = rows.filter((r) => r.path === path);
    history.set(path, { subscribers: perDay(days, mine, (r) => r.subscribers), clients: perDay(days, mine, (r) => r.clients) });
  }
  return c.html(htmlDocument(AudiencePage({ site: site(c), feeds: report.feeds, days, history, email: report.email })));
});
