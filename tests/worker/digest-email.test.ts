/** The digest email itself, and the admin preview. */
import { readConfig } from "../../src/config.js";
import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { composeDigest } from "../../src/digest/compose.js";
import { snapshot } from "../../src/digest/items.js";
import { renderDigest } from "../../src/digest/render.js";
import { verifyToken } from "../../src/lib/tokens.js";
import { addSubscriber, article, HOUR, resetDigestTables, T0 } from "./digest-support.js";

const items = [
  snapshot(article("zh", T0 - HOUR, { title: "Meta 投资 Scale AI：数据标注的新格局 <script>", summary: "人工智能数据供应链「重新洗牌」。", date: "2025-06-27T10:30:00+08:00", image: { url: "https://news.example.com/images/default%20(1).png", type: "image/png" } }), T0),
  snapshot(article("en", T0 - 2 * HOUR, { title: "Open weights & governance" }), T0),
];

describe("digest email", () => {
  it("names the count and the lead title, lists every item with date, summary, image and absolute link", () => {
    const mail = renderDigest({ siteTitle: "Tidings 科技快讯", siteUrl: "https://news.example.com", lang: "zh-CN", cadence: "daily", items, preferencesUrl: "https://w.example/p/t", unsubscribeUrl: "https://w.example/u/t" });
    expect(mail.subject).toBe("【Tidings 科技快讯】2 篇新文章：Meta 投资 Scale AI：数据标注的新格局 <script>");
    expect(mail.html).toContain("Meta 投资 Scale AI：数据标注的新格局 &lt;script&gt;");
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain('href="https://news.example.com/posts/zh/"');
    expect(mail.html).toContain('src="https://news.example.com/images/default%20(1).png"');
    expect(mail.html).toContain('alt="Meta 投资 Scale AI');
    expect(mail.html).toContain("2025年6月27日");
    expect(mail.html).toContain("人工智能数据供应链「重新洗牌」。");
    expect(mail.html).toMatch(/prefers-color-scheme: dark/);
    expect(mail.html).toContain('href="https://w.example/u/t"');
    expect(mail.text).toContain("1. Meta 投资 Scale AI：数据标注的新格局 <script>\n   2025年6月27日\n   人工智能数据供应链「重新洗牌」。\n   https://news.example.com/posts/zh/");
    expect(mail.text).toContain("2. Open weights & governance");
    expect(mail.text).toContain("退订: https://w.example/u/t");
  });

  it("speaks English for an English site and counts one article in the singular", () => {
    const mail = renderDigest({ siteTitle: "Tidings", siteUrl: "https://s.example", lang: "en", cadence: "weekly", items: items.slice(1), preferencesUrl: "p", unsubscribeUrl: "u" });
    expect(mail.subject).toBe("[Tidings] 1 new article: Open weights & governance");
    expect(mail.text).toContain("This week's new articles");
  });

  it("is rendered byte for byte the same every time", () => {
    const input = { siteTitle: "T", siteUrl: "https://s.example", lang: "zh-CN", cadence: "daily" as const, items, preferencesUrl: "p", unsubscribeUrl: "u" };
    expect(renderDigest(input)).toEqual(renderDigest(input));
  });

  it("carries per-recipient signed links and RFC 8058 one-click headers", async () => {
    const message = await composeDigest(readConfig(env), "daily", { subscriberId: "sub-1", email: "a@example.com", items });
    expect(message.to).toBe("a@example.com");
    expect(message.headers!["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const url = /^<(.+)>$/.exec(message.headers!["List-Unsubscribe"]!)![1]!;
    expect(url.startsWith(`${env.PUBLIC_URL}/unsubscribe/`)).toBe(true);
    expect(await verifyToken(env.TOKEN_SECRET!, url.split("/").pop()!, "unsubscribe")).toBe("sub-1");
    const prefs = /href="([^"]+\/preferences\/[^"]+)"/.exec(message.html)![1]!;
    expect(await verifyToken(env.TOKEN_SECRET!, prefs.split("/").pop()!, "preferences")).toBe("sub-1");
    expect(message.text).toContain(url);
  });
});

describe("admin preview", () => {
  const auth = { authorization: "Bearer test-admin-token" };
  beforeEach(resetDigestTables);

  it("needs the admin token", async () => {
    expect((await exports.default.fetch("http://localhost/admin/digests/preview?cadence=daily")).status).toBe(401);
  });

  it("renders a subscriber's digest without sending it", async () => {
    await addSubscriber({ id: "p1" });
    const res = await exports.default.fetch("http://localhost/admin/digests/preview?email=p1@example.com", { headers: { ...auth, accept: "application/json" } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { to: string; subject: string; headers: Record<string, string>; sample: boolean };
    expect(body.to).toBe("p1@example.com");
    expect(body.sample).toBe(true); // an empty ledger: nothing would be sent, so a sample is shown
    expect(body.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM dev_outbox").first<{ n: number }>())!.n).toBe(0);
  });

  it("renders by cadence and topics as HTML, and 404s an unknown email", async () => {
    const res = await exports.default.fetch("http://localhost/admin/digests/preview?cadence=weekly&topics=open-source", { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(await res.text()).toContain("<table");
    expect((await exports.default.fetch("http://localhost/admin/digests/preview?email=nobody@example.com", { headers: auth })).status).toBe(404);
    expect((await exports.default.fetch("http://localhost/admin/digests/preview?cadence=hourly", { headers: auth })).status).toBe(400);
  });

  it("runs a digest now on request", async () => {
    await addSubscriber({ id: "p1" });
    const res = await exports.default.fetch("http://localhost/admin/digests/run", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ cadence: "daily" }) });
    expect(res.status).toBe(202);
    const { runs } = (await res.json()) as { runs: Array<{ runId: string }> };
    expect(runs[0]!.runId).toMatch(/^manual:daily:/);
    // First run on an empty ledger: the archive is recorded, nothing planned.
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM digest_deliveries").first<{ n: number }>())!.n).toBe(0);
  });
});
