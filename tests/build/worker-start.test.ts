/**
 * What an isolate pays when it starts: the Worker's modules build nothing at import time
 * that a request may never need (README, "Module evaluation"). Node stands in for workerd:
 * the same modules, loaded by vitest.
 */
import { afterEach, expect, it, vi } from "vitest";

/** Modules evaluated so far, of those watched below. */
const loaded = vi.hoisted(() => new Set<string>());
vi.mock("resend", async (importOriginal) => {
  loaded.add("resend");
  return await importOriginal();
});

afterEach(() => vi.restoreAllMocks());

it("loading the Worker builds no Intl.Collator; the feed directory's is built on its first comparison, once", async () => {
  let built = 0;
  class Counted extends Intl.Collator {
    constructor(...args: ConstructorParameters<typeof Intl.Collator>) {
      super(...args);
      built++;
    }
  }
  const original = Intl.Collator;
  Intl.Collator = Counted as typeof Intl.Collator;
  try {
    await import("../../src/index.js");
    expect(built).toBe(0);
    const { compareNames } = await import("../../src/pages/directory.js");
    expect(["b", "B2", "a10", "a9", "数据", "À"].sort(compareNames)).toEqual(["数据", "À", "a9", "a10", "b", "B2"]);
    expect(compareNames("x", "y")).toBeLessThan(0);
    expect(built).toBe(1);
  } finally {
    Intl.Collator = original;
  }
});

it("the Resend SDK is loaded on the first send, not when the Worker starts or a sender is made; both of two first sends go out", async () => {
  await import("../../src/index.js");
  const { createResendSender } = await import("../../src/email/resend.js");
  const sender = createResendSender({ apiKey: "re_test_key", baseUrl: "http://127.0.0.1:9999" });
  expect(loaded.has("resend")).toBe(false);
  const urls: string[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    urls.push(new Request(input as RequestInfo).url);
    return Response.json({ id: `em_${urls.length}` });
  });
  const message = { from: "Tidings <digest@news.example.com>", to: "reader@example.com", subject: "Hi", html: "<p>Hi</p>", text: "Hi" };
  const outcomes = await Promise.all([sender.send(message), sender.send({ ...message, to: "other@example.com" })]);
  expect(loaded.has("resend")).toBe(true);
  expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
  expect(urls).toEqual(["http://127.0.0.1:9999/emails", "http://127.0.0.1:9999/emails"]);
});
