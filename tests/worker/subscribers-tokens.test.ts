/** Tokens, address normalisation and the D1 rate limiter. */
import { readConfig } from "../../src/config.js";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hitRateLimit } from "../../src/lib/ratelimit.js";
import { CONFIRM_TOKEN_TTL_MS, signToken, verifyToken } from "../../src/lib/tokens.js";
import { normaliseEmail } from "../../src/subscribers/address.js";
import { subscriberLinks, verifyLink } from "../../src/subscribers/links.js";

const SECRET = "unit-secret";
const ID = "2f1c7a52-5d0b-4f0e-9a57-8d3f7b1c2e4a";

describe("tokens", () => {
  it("round-trips, URL-safe, bound to purpose and secret", async () => {
    for (const purpose of ["confirm", "preferences", "unsubscribe", "feed"] as const) {
      const token = await signToken(SECRET, ID, purpose);
      expect(token).toMatch(/^[A-Za-z0-9_-]+\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
      expect(encodeURIComponent(token)).toBe(token);
      expect(await verifyToken(SECRET, token, purpose)).toBe(ID);
      for (const other of ["confirm", "preferences", "unsubscribe", "feed"] as const) {
        if (other !== purpose) expect(await verifyToken(SECRET, token, other)).toBeNull();
      }
      expect(await verifyToken("other", token, purpose)).toBeNull();
    }
  });

  it("confirm tokens expire after 30 days; preferences and unsubscribe tokens do not", async () => {
    const now = Date.now();
    const confirm = await signToken(SECRET, ID, "confirm");
    expect(await verifyToken(SECRET, confirm, "confirm", now + CONFIRM_TOKEN_TTL_MS - 60_000)).toBe(ID);
    expect(await verifyToken(SECRET, confirm, "confirm", now + CONFIRM_TOKEN_TTL_MS + 60_000)).toBeNull();
    const unsub = await signToken(SECRET, ID, "unsubscribe");
    expect(await verifyToken(SECRET, unsub, "unsubscribe", now + 10 * 365 * 24 * 3600_000)).toBe(ID);
    const short = await signToken(SECRET, ID, "preferences", now + 1000);
    expect(await verifyToken(SECRET, short, "preferences", now + 2000)).toBeNull();
  });

  it("rejects tampering: another id, another expiry, padding tricks, garbage", async () => {
    const token = await signToken(SECRET, ID, "unsubscribe");
    const [idPart, exp, mac] = token.split(".") as [string, string, string];
    const otherId = btoa("3f1c7a52-5d0b-4f0e-9a57-8d3f7b1c2e4a").replace(/=+$/, "");
    for (const t of [`${otherId}.${exp}.${mac}`, `${idPart}.zzz.${mac}`, `${idPart}=.${exp}.${mac}`, `${idPart}.${exp}.${mac}A`, `${idPart}.${exp}`, "", "...", "é.0.x", `${idPart}.${exp}.${mac}.x`]) {
      expect(await verifyToken(SECRET, t, "unsubscribe"), t).toBeNull();
    }
  });
});

describe("tokens: one string per token, and rotation", () => {
  it("accepts only the canonical base64url of the MAC (a changed last character or a trailing = fails)", async () => {
    const token = await signToken(SECRET, ID, "unsubscribe");
    const [idPart, exp, mac] = token.split(".") as [string, string, string];
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(mac.at(-1)!);
    // 32 bytes in 43 characters: the last one carries 2 unused bits, so 3 other characters decode to the same MAC.
    const sameBytes = [1, 2, 3].map((d) => alphabet[(last & ~3) | ((last + d) & 3)]!);
    for (const t of [...sameBytes.map((c) => `${idPart}.${exp}.${mac.slice(0, -1)}${c}`), `${idPart}.${exp}.${mac}=`, `${idPart}.${exp}.${mac.replace(/-/g, "+").replace(/_/g, "/")}`]) {
      if (t === token) continue;
      expect(await verifyToken(SECRET, t, "unsubscribe"), t).toBeNull();
    }
    expect(await verifyToken(SECRET, token, "unsubscribe")).toBe(ID);
  });

  it("verifies with any listed secret (TOKEN_SECRET_PREVIOUS), signs with TOKEN_SECRET only", async () => {
    const old = await signToken("old-secret", ID, "preferences");
    expect(await verifyToken(["new-secret", "old-secret"], old, "preferences")).toBe(ID);
    expect(await verifyToken(["new-secret"], old, "preferences")).toBeNull();
    const rotated = { ...env, TOKEN_SECRET: "new-secret", TOKEN_SECRET_PREVIOUS: "old-secret" };
    expect(await verifyLink(readConfig(rotated).links, old, "preferences")).toBe(ID);
    expect(await verifyLink(readConfig({ ...rotated, TOKEN_SECRET_PREVIOUS: undefined }).links, old, "preferences")).toBeNull();
    const { preferencesUrl } = await subscriberLinks(readConfig(rotated).links, ID);
    const fresh = preferencesUrl.split("/").at(-1)!;
    expect(await verifyToken("new-secret", fresh, "preferences")).toBe(ID);
    expect(await verifyToken("old-secret", fresh, "preferences")).toBeNull();
  });
});

describe("normaliseEmail", () => {
  it("trims and lower-cases the domain only; IDN to punycode", () => {
    expect(normaliseEmail("  Ada.Lovelace@Example.COM\t")).toEqual({ ok: true, email: "Ada.Lovelace@example.com" });
    expect(normaliseEmail("o'brien+tag@sub.example.co.uk")).toEqual({ ok: true, email: "o'brien+tag@sub.example.co.uk" });
    expect(normaliseEmail("user@Bücher.example")).toEqual({ ok: true, email: "user@xn--bcher-kva.example" });
  });

  it("refuses anything that is not a plain address", () => {
    for (const bad of ["", " ", "a", "@example.com", "a@", "a@b", "a@.com", "a@-x.com", "a..b@example.com", ".a@example.com", '"a b"@example.com', "a@example.com\nBcc: x@example.com", "a@exam ple.com", "a@example.com>", "a@127.0.0.1", "a@example.c0m", "ä@example.com", "a@example.com/x"]) {
      expect(normaliseEmail(bad).ok, JSON.stringify(bad)).toBe(false);
    }
    expect(normaliseEmail(42).ok).toBe(false);
  });
});

describe("rate limiter", () => {
  it("allows `limit` hits per window opened by the first hit, then resets", async () => {
    const rule = { limit: 2, windowMs: 1000 };
    const t = 1_000_000;
    const key = `unit-${Math.random()}`;
    expect((await hitRateLimit(env.DB, key, rule, t)).allowed).toBe(true);
    expect((await hitRateLimit(env.DB, key, rule, t + 10)).allowed).toBe(true);
    const third = await hitRateLimit(env.DB, key, rule, t + 500);
    expect(third).toEqual({ allowed: false, retryAfter: 1 });
    expect((await hitRateLimit(env.DB, key, rule, t + 999)).allowed).toBe(false);
    expect((await hitRateLimit(env.DB, key, rule, t + 1000)).allowed).toBe(true);
  });

  it("with limit 1 it is an exact cooldown", async () => {
    const rule = { limit: 1, windowMs: 600_000 };
    const key = `cool-${Math.random()}`;
    expect((await hitRateLimit(env.DB, key, rule, 0)).allowed).toBe(true);
    expect((await hitRateLimit(env.DB, key, rule, 599_999)).allowed).toBe(false);
    expect((await hitRateLimit(env.DB, key, rule, 600_000)).allowed).toBe(true);
  });
});
