/** POST /admin/subscribers/import: CSV rules, consent, update, suppression, errors per line, 50,000 rows. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index.js";
import { BASE, mailTo as mailToRaw, normalised, row as rowRaw, uniqueEmail } from "./subscribers-helpers.js";

// Addresses are stored normalised (domain lower-cased).
const row = (email: string) => rowRaw(normalised(email));
const mailTo = (email: string) => mailToRaw(normalised(email));

type Report = { imported: number; updated: number; skipped: number; errors: { line: number; reason: string }[] };

async function importCsv(csv: string, query = "", headers: Record<string, string> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}/admin/subscribers/import${query}`, {
      method: "POST",
      body: csv,
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "text/csv; charset=utf-8", ...headers },
    }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

async function report(csv: string, query = ""): Promise<Report> {
  const res = await importCsv(csv, query);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Report;
}

describe("POST /admin/subscribers/import", () => {
  it("needs the bearer token", async () => {
    const res = await importCsv("email\na@b.co\n", "", { Authorization: "Bearer nope" });
    expect(res.status).toBe(401);
  });

  it("imports confirmed consent as active, matching columns by name in any case and order", async () => {
    const [a, b] = [uniqueEmail("imp-a"), uniqueEmail("imp-b")];
    const csv = [
      "Name,Email Address,TAGS,Topics,cadence,timezone,hour,weekday",
      `Ann,${a},"Scale AI|openai","数据与开源生态, Open Source",weekly,Asia/Shanghai,7,5`,
      `Bo,${b},,,,,,`,
    ].join("\r\n");
    expect(await report(csv, "?consent=confirmed")).toEqual({ imported: 2, updated: 0, skipped: 0, errors: [] });
    const first = await row(a);
    expect(first).toMatchObject({ status: "active", cadence: "weekly", timezone: "Asia/Shanghai", send_hour: 7, send_weekday: 5 });
    expect(JSON.parse(first!.tags as string)).toEqual(["openai", "scale-ai"]);
    expect(JSON.parse(first!.topics as string)).toEqual(["open-source", "数据与开源生态"]);
    expect(first!.confirmed_at).toBeGreaterThan(0);
    expect(await row(b)).toMatchObject({ status: "active", cadence: "daily", timezone: "UTC", send_hour: 8, topics: "[]", tags: "[]" });
    expect(await mailTo(a)).toHaveLength(0); // consent attested: no confirmation mail
  });

  it("by default (consent=confirm) creates pending subscribers and mails each a confirmation", async () => {
    const a = uniqueEmail("imp-pending");
    expect(await report(`email\n${a}\n`)).toEqual({ imported: 1, updated: 0, skipped: 0, errors: [] });
    expect(await row(a)).toMatchObject({ status: "pending", confirmed_at: null });
    const mails = await mailTo(a);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.html).toContain("/confirm/");
  });

  it("normalises addresses: a mailbox already known in another letter case is the same subscriber", async () => {
    const a = uniqueEmail("imp-case");
    await report(`email\n${a}\n`, "?consent=confirmed");
    const upper = a.replace(/^[^@]+/, (local) => local.toUpperCase()).replace(/@.*/, (d) => d.toUpperCase());
    expect(await report(`email\n  ${upper}  \n`, "?consent=confirmed")).toEqual({ imported: 0, updated: 0, skipped: 1, errors: [] });
  });

  it("reports every bad row with its line and a reason, and imports the rest", async () => {
    const good = [uniqueEmail("imp-ok1"), uniqueEmail("imp-ok2")];
    const csv = [
      "email,tags,cadence,hour,timezone",
      `${good[0]!},,,,`,
      "not-an-address,,,,",
      `${uniqueEmail("imp-x")},no-such-tag,,,`,
      `${uniqueEmail("imp-y")},,hourly,,`,
      `"${uniqueEmail("imp-z")}",,,25,`,
      `${uniqueEmail("imp-w")},,,,Mars/Olympus`,
      `${good[1]!},,,,`,
      `${good[0]!.toUpperCase()},,,,`,
      ",,,,",
    ].join("\n");
    const r = await report(csv, "?consent=confirmed");
    expect(r.imported).toBe(2);
    expect(r.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 9, 10]);
    expect(r.errors[0]!.reason).toMatch(/^email: /);
    expect(r.errors[1]!.reason).toMatch(/unknown tag: no-such-tag/);
    expect(r.errors[2]!.reason).toMatch(/cadence/);
    expect(r.errors[3]!.reason).toMatch(/hour/);
    expect(r.errors[4]!.reason).toMatch(/timezone/);
    expect(r.errors[5]!.reason).toMatch(/duplicate of line 2/);
    expect(r.errors[6]!.reason).toMatch(/email is required/);
  });

  it("leaves existing addresses alone unless ?update=1, which changes only the columns given", async () => {
    const a = uniqueEmail("imp-upd");
    await report(`email,tags,hour\n${a},Meta,6\n`, "?consent=confirmed");
    expect(await report(`email,tags\n${a},OpenAI\n`, "?consent=confirmed")).toMatchObject({ imported: 0, updated: 0, skipped: 1 });
    expect(JSON.parse((await row(a))!.tags as string)).toEqual(["meta"]);
    expect(await report(`email,tags\n${a},OpenAI\n`, "?consent=confirmed&update=1")).toMatchObject({ imported: 0, updated: 1, skipped: 0 });
    const after = await row(a);
    expect(JSON.parse(after!.tags as string)).toEqual(["openai"]);
    expect(after!.send_hour).toBe(6);
  });

  it("with consent=confirmed and update=1 a pending address becomes active", async () => {
    const a = uniqueEmail("imp-pend-act");
    await report(`email\n${a}\n`);
    expect(await report(`email\n${a}\n`, "?consent=confirmed&update=1")).toMatchObject({ updated: 1 });
    expect(await row(a)).toMatchObject({ status: "active" });
  });

  it("never revives a suppressed or unsubscribed address, even with update", async () => {
    const [bounced, complained, gone] = [uniqueEmail("imp-b"), uniqueEmail("imp-c"), uniqueEmail("imp-u")];
    await report(`email\n${bounced}\n${complained}\n${gone}\n`, "?consent=confirmed");
    await env.DB.prepare("UPDATE subscribers SET status = 'bounced' WHERE email = ?1").bind(normalised(bounced)).run();
    await env.DB.prepare("UPDATE subscribers SET status = 'complained' WHERE email = ?1").bind(normalised(complained)).run();
    await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE email = ?1").bind(normalised(gone)).run();
    expect(await report(`email,hour\n${bounced},3\n${complained},3\n${gone},3\n`, "?consent=confirmed&update=1")).toEqual({ imported: 0, updated: 0, skipped: 3, errors: [] });
    expect(await row(bounced)).toMatchObject({ status: "bounced", send_hour: 8 });
    expect(await row(complained)).toMatchObject({ status: "complained" });
    expect(await row(gone)).toMatchObject({ status: "unsubscribed" });
    expect(await mailTo(gone)).toHaveLength(0);
  });

  it.each([
    ["a missing email column", "name,tags\nAnn,x\n", "", 400, /needs an "email" \(or "email address"\) column/],
    ["an empty file", "", "", 400, /empty/],
    ["an unclosed quote", 'email\n"a@b.co\n', "", 400, /line 2: a quoted field is never closed/],
    ["a bad consent", "email\na@b.co\n", "?consent=yes", 400, /consent must be confirmed or confirm/],
    ["a bad update flag", "email\na@b.co\n", "?update=maybe", 400, /update must be 1 or 0/],
  ])("refuses %s with a 4xx and a reason", async (_name, csv, query, status, reason) => {
    const res = await importCsv(csv, query);
    expect(res.status).toBe(status);
    expect(await res.text()).toMatch(reason);
  });

  it("refuses a body that is not text/csv", async () => {
    const res = await importCsv("email\na@b.co\n", "", { "Content-Type": "application/json" });
    expect(res.status).toBe(415);
  });

  it("imports 50,000 rows in one request and refuses 50,001", async () => {
    const lines = ["email,tags"];
    for (let i = 0; i < 50_000; i++) lines.push(`bulk-${i}@bulk.example.org,${i % 2 ? "Meta" : ""}`);
    const r = await report(lines.join("\n") + "\n", "?consent=confirmed");
    expect(r).toEqual({ imported: 50_000, updated: 0, skipped: 0, errors: [] });
    const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM subscribers WHERE email LIKE 'bulk-%@bulk.example.org'").first<{ n: number }>())!;
    expect(n).toBe(50_000);
    lines.push("one-too-many@bulk.example.org,");
    const res = await importCsv(lines.join("\n"), "?consent=confirmed");
    expect(res.status).toBe(413);
    expect(await res.text()).toMatch(/at most 50000 rows/);
  }, 120_000);
});
