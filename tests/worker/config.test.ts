import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ConfigError, readConfig, signingSecret } from "../../src/config.js";

describe("readConfig", () => {
  it("reads the settings once: the same values give the same object, a changed one a new object", () => {
    const first = readConfig(env);
    expect(readConfig({ ...env })).toBe(first);
    const moved = readConfig({ ...env, PUBLIC_URL: "http://localhost:8790" });
    expect(moved).not.toBe(first);
    expect(moved.site.publicUrl).toBe("http://localhost:8790");
    expect(moved.links.publicUrl).toBe("http://localhost:8790");
  });

  it("types what the settings mean: site, mail (Resend only with a key), link signing with rotation", () => {
    const config = readConfig({ ...env, RESEND_API_KEY: "re_x", RESEND_BASE_URL: "http://127.0.0.1:9999", TOKEN_SECRET: "now", TOKEN_SECRET_PREVIOUS: "before" });
    expect(config.site).toEqual({ url: env.SITE_URL, title: env.SITE_TITLE, description: env.SITE_DESCRIPTION, language: env.SITE_LANGUAGE, author: env.SITE_AUTHOR, publicUrl: env.PUBLIC_URL, websubHub: null });
    expect(config.mail).toEqual({ from: env.EMAIL_FROM, resend: { apiKey: "re_x", baseUrl: "http://127.0.0.1:9999" }, webhookSecret: env.RESEND_WEBHOOK_SECRET || null });
    expect(config.links.accepted).toEqual(["now", "before"]);
    expect(readConfig({ ...env, RESEND_API_KEY: "" }).mail.resend).toBeNull();
  });

  it("reads WEBSUB_HUB trimmed (blank is none), and every setting in feed bytes changes the render key", () => {
    expect(readConfig({ ...env, WEBSUB_HUB: "  https://hub.example.com/ " }).site.websubHub).toBe("https://hub.example.com/");
    expect(readConfig({ ...env, WEBSUB_HUB: "   " }).site.websubHub).toBeNull();
    const base = readConfig(env).renderKey;
    for (const name of ["SITE_URL", "SITE_TITLE", "SITE_DESCRIPTION", "SITE_LANGUAGE", "SITE_AUTHOR", "PUBLIC_URL", "WEBSUB_HUB"] as const) {
      expect(readConfig({ ...env, [name]: "https://changed.example.com/x" }).renderKey, name).not.toBe(base);
    }
    expect(readConfig({ ...env, EMAIL_FROM: "other@example.com" }).renderKey, "mail settings are not in feed bytes").toBe(base);
  });

  it("reads the admin token, the origin and the webhook secret, blank as none", () => {
    const set = readConfig({ ...env, ADMIN_TOKEN: "adm", ORIGIN_URL: "https://origin.example.com", RESEND_WEBHOOK_SECRET: "whsec_x" });
    expect([set.adminToken, set.originUrl, set.mail.webhookSecret]).toEqual(["adm", "https://origin.example.com", "whsec_x"]);
    const unset = readConfig({ ...env, ADMIN_TOKEN: "", ORIGIN_URL: "", RESEND_WEBHOOK_SECRET: "" });
    expect([unset.adminToken, unset.originUrl, unset.mail.webhookSecret]).toEqual([null, null, null]);
  });

  it("picks the page catalogue once: SITE_LANGUAGE resolved, unknown is English", () => {
    expect(readConfig({ ...env, SITE_LANGUAGE: "zh-Hant" }).page.lang).toBe("zh-TW");
    expect(readConfig({ ...env, SITE_LANGUAGE: "xx" }).page.lang).toBe("en");
    expect(readConfig({ ...env, SITE_TITLE: "T" }).page.title).toBe("T");
  });

  it("signs with a development-only secret in development, and refuses to sign in production without TOKEN_SECRET", () => {
    const dev = readConfig({ ...env, ENVIRONMENT: "development", TOKEN_SECRET: "" });
    expect(signingSecret(dev.links)).toMatch(/development/);
    const prod = readConfig({ ...env, ENVIRONMENT: "production", TOKEN_SECRET: "" });
    expect(prod.links.accepted).toEqual([]);
    expect(() => signingSecret(prod.links)).toThrow(ConfigError);
  });
});
