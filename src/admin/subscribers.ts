/**
 * /admin/subscribers (Bearer ADMIN_TOKEN):
 *   GET    /admin/subscribers            counts by status + one page of the list
 *                                        (?status=&email=&limit=1..500&cursor=)
 *   GET    /admin/subscribers/export.csv every subscriber as CSV (?status=)
 *   GET    /admin/subscribers/:id        one subscriber
 *   DELETE /admin/subscribers/:id        the subscriber and their data
 *   POST   /admin/subscribers/import     CSV import (src/admin/import.ts)
 */
import { Hono, type Context } from "hono";
import { siteContent } from "../content/index.js";
import type { AppEnv } from "../env.js";
import { CATALOGUES, say } from "../i18n/index.js";
import { problem } from "../lib/http.js";
import { base64url, decodeBase64 } from "../lib/tokens.js";
import { normaliseEmail } from "../subscribers/address.js";
import { countByStatus, deleteSubscriber, findById, listSubscribers, STATUSES, type Status, type Subscriber, type SubscriberCursor as Cursor } from "../subscribers/store.js";
import { requireAdmin } from "./auth.js";
import { importSubscribers, mailImportConfirmations, MAX_IMPORT_BYTES, parseImportOptions, reportJson } from "./import.js";

export const adminSubscriberRoutes = new Hono<AppEnv>();
adminSubscriberRoutes.use("*", requireAdmin);

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const EXPORT_PAGE = 1000;

function record(s: Subscriber) {
  return {
    id: s.id,
    email: s.email,
    status: s.status,
    topics: s.topics,
    tags: s.tags,
    cadence: s.cadence,
    timezone: s.timezone,
    hour: s.hour,
    weekday: s.weekday,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    confirmedAt: s.confirmedAt,
    unsubscribedAt: s.unsubscribedAt,
    suppressedAt: s.suppressedAt,
  };
}

const encodeCursor = (c: Cursor) => base64url(new TextEncoder().encode(`${c.createdAt}:${c.id}`));
function decodeCursor(text: string): Cursor | null {
  const bytes = decodeBase64(text);
  const m = bytes ? /^(\d{1,16}):(.{1,100})$/.exec(new TextDecoder().decode(bytes)) : null;
  return m ? { createdAt: Number(m[1]), id: m[2]! } : null;
}

type Query = { ok: true; status?: Status; email?: string; limit: number; cursor: Cursor | null } | { ok: false; reason: string };

function parseQuery(c: Context<AppEnv>): Query {
  const status = c.req.query("status");
  if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) return { ok: false, reason: `status must be one of ${STATUSES.join(", ")}` };
  const limitText = c.req.query("limit");
  const limit = limitText === undefined ? DEFAULT_LIMIT : /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) return { ok: false, reason: `limit must be a whole number from 1 to ${MAX_LIMIT}` };
  const cursorText = c.req.query("cursor");
  const cursor = cursorText ? decodeCursor(cursorText) : null;
  if (cursorText && !cursor) return { ok: false, reason: "cursor is not valid" };
  const emailText = c.req.query("email");
  let email: string | undefined;
  if (emailText !== undefined) {
    const checked = normaliseEmail(emailText);
    if (!checked.ok) return { ok: false, reason: say(CATALOGUES.en, checked.reason) };
    email = checked.email;
  }
  return { ok: true, status: status as Status | undefined, email, limit, cursor };
}

adminSubscriberRoutes.get("/", async (c) => {
  const q = parseQuery(c);
  if (!q.ok) return problem(c, 400, q.reason);
  const [counts, rows] = await Promise.all([countByStatus(c.env.DB), listSubscribers(c.env.DB, q, q.cursor, q.limit + 1)]);
  const items = rows.slice(0, q.limit);
  const last = items.at(-1);
  const nextCursor = rows.length > q.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
  return c.json({ counts, items: items.map(record), nextCursor });
});

const CSV_COLUMNS = ["id", "email", "status", "topics", "tags", "cadence", "timezone", "hour", "weekday", "createdAt", "updatedAt", "confirmedAt", "unsubscribedAt", "suppressedAt"] as const;

/** RFC 4180 field; cells that a spreadsheet would run as a formula get a leading quote. */
function csvField(value: unknown): string {
  let text = value === null || value === undefined ? "" : Array.isArray(value) ? value.join(" ") : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRow(s: Subscriber): string {
  const r = record(s);
  return CSV_COLUMNS.map((k) => {
    const v = r[k];
    return csvField(typeof v === "number" && k.endsWith("At") ? new Date(v).toISOString() : v);
  }).join(",");
}

adminSubscriberRoutes.get("/export.csv", async (c) => {
  const q = parseQuery(c);
  if (!q.ok) return problem(c, 400, q.reason);
  const db = c.env.DB;
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  const write = async () => {
    try {
      await writer.write(encoder.encode(CSV_COLUMNS.join(",") + "\r\n"));
      let cursor: Cursor | null = null;
      for (;;) {
        const rows = await listSubscribers(db, q, cursor, EXPORT_PAGE);
        if (rows.length > 0) await writer.write(encoder.encode(rows.map(csvRow).join("\r\n") + "\r\n"));
        if (rows.length < EXPORT_PAGE) break;
        const last = rows.at(-1)!;
        cursor = { createdAt: last.createdAt, id: last.id };
      }
      await writer.close();
    } catch (error) {
      await writer.abort(error);
    }
  };
  c.executionCtx.waitUntil(write());
  return new Response(readable, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="subscribers.csv"',
      "Cache-Control": "no-store",
    },
  });
});

adminSubscriberRoutes.post("/import", async (c) => {
  const options = parseImportOptions(new URL(c.req.url).searchParams);
  if (!options.ok) return problem(c, 400, say(CATALOGUES.en, options.reason));
  if (!/^text\/csv\b/i.test(c.req.header("content-type") ?? "")) return problem(c, 415, "send the file as Content-Type: text/csv with a header row");
  if (Number(c.req.header("content-length") ?? 0) > MAX_IMPORT_BYTES) return problem(c, 413, `at most ${MAX_IMPORT_BYTES} bytes of CSV per request; split the file`);
  const text = await c.req.text();
  if (text.length > MAX_IMPORT_BYTES) return problem(c, 413, `at most ${MAX_IMPORT_BYTES} bytes of CSV per request; split the file`);
  const now = Date.now();
  const outcome = await importSubscribers(c.env.DB, text, options.value, now, await siteContent(c.env));
  if (!outcome.ok) return problem(c, outcome.status, say(CATALOGUES.en, outcome.reason));
  if (options.value.consent === "confirm") c.executionCtx.waitUntil(mailImportConfirmations(c.env, outcome.created, now));
  return c.json(reportJson(outcome.report));
});

adminSubscriberRoutes.get("/:id", async (c) => {
  const subscriber = await findById(c.env.DB, c.req.param("id"));
  if (!subscriber) return problem(c, 404, "no subscriber with that id");
  return c.json(record(subscriber));
});

adminSubscriberRoutes.delete("/:id", async (c) => {
  const deleted = await deleteSubscriber(c.env.DB, c.req.param("id"));
  if (!deleted) return problem(c, 404, "no subscriber with that id");
  return c.json({ deleted: true, id: deleted.id, email: deleted.email });
});
