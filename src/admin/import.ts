/**
 * Subscriber import from CSV (`POST /admin/subscribers/import`, and the console's import
 * page). A header row names the columns, case-insensitive: `email` or `email address`
 * (required), `topics`, `tags` (names or slugs, `|` or `,` between them), `cadence`,
 * `timezone`, `hour`, `weekday` (optional; other columns are ignored). A bad row is
 * reported with its line and never stops the rest.
 *
 * `consent=confirmed`: the publisher attests earlier opt-in, rows are imported active.
 * `consent=confirm` (default): rows are pending and each gets a confirmation mail.
 * Existing addresses are skipped unless `update`; then pending/active ones get the row's
 * preferences (only the columns given). Unsubscribed and suppressed (bounced, complained)
 * addresses are never revived.
 */
import type { Env } from "../env.js";
import { CATALOGUES, say, type Reason } from "../i18n/index.js";
import { parseCsv } from "../lib/csv.js";
import type { Parsed } from "../lib/parsed.js";
import { normaliseEmail } from "../subscribers/address.js";
import { queueSubscriptionMail } from "../subscribers/subscription-mail.js";
import { DEFAULT_PREFERENCES, parsePreferences, type TermLookup, type Fields } from "../subscribers/preferences.js";
import { findByMailboxes, insertImported, updateImported, type ImportedRow, type Subscriber } from "../subscribers/store.js";

export const MAX_IMPORT_ROWS = 50_000;
/** Bytes of CSV per request: 50,000 generous rows. */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

export type Consent = "confirmed" | "confirm";

export interface ImportOptions {
  consent: Consent;
  update: boolean;
}

export interface ImportReport {
  imported: number;
  updated: number;
  skipped: number;
  /** Each refused row: its line and why (said in the console's language, English in JSON). */
  errors: { line: number; reason: Reason }[];
}

/** The bearer API's answer: reasons in English, as documented (`{ line, reason }`). */
export function reportJson(report: ImportReport) {
  return { ...report, errors: report.errors.map((e) => ({ line: e.line, reason: say(CATALOGUES.en, e.reason) })) };
}

export type ImportOutcome = { ok: true; report: ImportReport; created: Subscriber[] } | { ok: false; status: 400 | 413; reason: Reason };

const COLUMNS: Record<string, keyof Fields | "email"> = {
  email: "email",
  "email address": "email",
  topics: "topics",
  tags: "tags",
  cadence: "cadence",
  timezone: "timezone",
  hour: "hour",
  weekday: "weekday",
};
const LISTS = new Set(["topics", "tags"]);

/** `?consent=&update=` → options, or the reason they are wrong. */
export function parseImportOptions(params: URLSearchParams): Parsed<ImportOptions, object, Reason> {
  const consent = params.get("consent") ?? "confirm";
  if (consent !== "confirmed" && consent !== "confirm") return { ok: false, reason: { key: "admin.importConsent", values: { value: consent } } };
  const update = params.get("update") ?? "0";
  if (!["0", "1", "true", "false", ""].includes(update)) return { ok: false, reason: { key: "admin.importUpdateFlag", values: { value: update } } };
  return { ok: true, value: { consent, update: update === "1" || update === "true" } };
}

interface ParsedRow {
  line: number;
  mailbox: string;
  email: string;
  fields: Fields;
  prefs: ImportedRow["prefs"];
}

/** CSV text → valid rows and per-line errors, or why the whole file is refused. */
function readRows(text: string, terms: TermLookup): { ok: true; rows: ParsedRow[]; errors: ImportReport["errors"] } | { ok: false; status: 400 | 413; reason: Reason } {
  const csv = parseCsv(text, MAX_IMPORT_ROWS + 1);
  if (!csv.ok) {
    if (csv.reason.key === "admin.csvTooMany") return { ok: false, status: 413, reason: { key: "admin.importTooManyRows", values: { max: MAX_IMPORT_ROWS } } };
    return { ok: false, status: 400, reason: { key: "admin.importLine", values: { line: csv.line, reason: csv.reason } } };
  }
  const [header, ...records] = csv.records;
  if (!header) return { ok: false, status: 400, reason: { key: "admin.importEmpty" } };
  const columns = header.cells.map((name) => COLUMNS[name.trim().toLowerCase()]);
  if (!columns.includes("email")) {
    return { ok: false, status: 400, reason: { key: "admin.importNoEmail", values: { columns: header.cells.map((c) => c.trim()).join(", ").slice(0, 200) } } };
  }
  const rows: ParsedRow[] = [];
  const errors: ImportReport["errors"] = [];
  const seen = new Map<string, number>();
  for (const record of records) {
    const fields: Fields = {};
    let rawEmail = "";
    columns.forEach((column, i) => {
      const value = (record.cells[i] ?? "").trim();
      if (!column || value === "") return;
      if (column === "email") rawEmail = value;
      else fields[column] = LISTS.has(column) ? value.split(/[|,]/).map((v) => v.trim()).filter(Boolean) : value;
    });
    const email = normaliseEmail(rawEmail);
    if (!email.ok) {
      errors.push({ line: record.line, reason: { key: "admin.importEmail", values: { reason: email.reason } } });
      continue;
    }
    const prefs = parsePreferences(fields, DEFAULT_PREFERENCES, false, terms);
    if (!prefs.ok) {
      errors.push({ line: record.line, reason: prefs.reason });
      continue;
    }
    const mailbox = email.email.toLowerCase();
    const first = seen.get(mailbox);
    if (first !== undefined) {
      errors.push({ line: record.line, reason: { key: "admin.importDuplicate", values: { line: first, email: email.email } } });
      continue;
    }
    seen.set(mailbox, record.line);
    rows.push({ line: record.line, mailbox, email: email.email, fields, prefs: prefs.value });
  }
  return { ok: true, rows, errors };
}

/** Imports CSV text: validates every row, then writes in D1 batches. */
/** `terms`: the content's terms (`siteContent(env)`), which topics and tags must name. */
export async function importSubscribers(db: D1Database, text: string, options: ImportOptions, now: number, terms: TermLookup): Promise<ImportOutcome> {
  const read = readRows(text, terms);
  if (!read.ok) return read;
  const existing = new Map((await findByMailboxes(db, read.rows.map((r) => r.mailbox))).map((s) => [s.email.toLowerCase(), s]));
  const fresh: ImportedRow[] = [];
  const changes: (ImportedRow & { id: string })[] = [];
  let skipped = 0;
  for (const row of read.rows) {
    const known = existing.get(row.mailbox);
    if (!known) {
      fresh.push({ email: row.email, prefs: row.prefs });
    } else if (options.update && (known.status === "pending" || known.status === "active")) {
      const prefs = parsePreferences(row.fields, known, false, terms);
      if (prefs.ok) changes.push({ id: known.id, email: known.email, prefs: prefs.value });
      else read.errors.push({ line: row.line, reason: prefs.reason });
    } else {
      skipped++;
    }
  }
  const created = await insertImported(db, fresh, options.consent === "confirmed" ? "active" : "pending", now);
  const updated = await updateImported(db, changes, options.consent === "confirmed", now);
  skipped += fresh.length - created.length + (changes.length - updated);
  read.errors.sort((a, b) => a.line - b.line);
  return { ok: true, report: { imported: created.length, updated, skipped, errors: read.errors }, created };
}

/**
 * Confirmation mail for every subscriber an import created pending, through the durable
 * queued path (src/email/transactional.ts): stored, queued, retried, sent only while the
 * subscriber is still pending.
 */
export async function mailImportConfirmations(env: Env, created: readonly Subscriber[], now: number): Promise<void> {
  for (const subscriber of created) {
    if (subscriber.status !== "pending") continue;
    await queueSubscriptionMail(env, subscriber, "confirm", now);
  }
}
