/**
 * The Worker's settings, read from `env` into typed values once per isolate (and again
 * only when a value changes, e.g. the development origin): the site as feeds, pages and
 * mail name it, link signing, and mail. Code below the entry points takes these values,
 * never `Env`; `readConfig` is the one place that knows the setting names' meaning.
 */
import type { Env } from "./env.js";
import { messagesFor, type Messages } from "./i18n/index.js";

/** Used only when ENVIRONMENT=development and no TOKEN_SECRET is set, so `npm run dev` works as cloned. */
const DEVELOPMENT_SECRET = "tidings-development-only-token-secret";

export interface SiteConfig {
  /** The site's own origin (SITE_URL): article links. */
  url: string;
  title: string;
  description: string;
  /** SITE_LANGUAGE as configured (the catalogue falls back to `en`). */
  language: string;
  author: string;
  /** Where this Worker answers (PUBLIC_URL): feed, page and mail links. */
  publicUrl: string;
  /** WEBSUB_HUB, advertised in every current feed document; null when unset. */
  websubHub: string | null;
}

/** Signed links (src/lib/tokens.ts): sign with `secret`, verify with any of `accepted` (rotation: current first). */
export interface LinkConfig {
  publicUrl: string;
  /** Null outside development when TOKEN_SECRET is missing: signing then fails with ConfigError. */
  secret: string | null;
  accepted: readonly string[];
}

export interface MailConfig {
  /** EMAIL_FROM. */
  from: string;
  /** Resend when RESEND_API_KEY is set; otherwise mail goes to the dev outbox. */
  resend: { apiKey: string; baseUrl: string } | null;
  /** RESEND_WEBHOOK_SECRET (`whsec_…`): null means the webhook endpoint answers 503. */
  webhookSecret: string | null;
}

/** The site as pages and mails name it: title, language (src/i18n) and its messages. */
export interface PageSite {
  title: string;
  /** The catalogue language SITE_LANGUAGE resolves to (`en` when unknown). */
  lang: string;
  t: Messages;
}

export interface Config {
  site: SiteConfig;
  /** The site's title and message catalogue, picked once. */
  page: PageSite;
  /**
   * The settings that shape rendered feeds and pages, as one string: per-isolate caches
   * and every ETag are keyed by it (not by the identity of `env`, which the runtime does
   * not promise to keep), so changing any of them changes the validators with the bytes.
   */
  renderKey: string;
  links: LinkConfig;
  mail: MailConfig;
  /** ADMIN_TOKEN: null means the admin API and console do not exist (404). */
  adminToken: string | null;
  /** ORIGIN_URL as set (src/origin.ts checks it): null means Tidings answers every path itself. */
  originUrl: string | null;
  development: boolean;
}

/** A setting is missing where it is needed (answered 503 in requests, retried on the queue). */
export class ConfigError extends Error {}

/** The settings readConfig reads: a change to any of them gives a new Config. */
const READ = ["SITE_URL", "SITE_TITLE", "SITE_DESCRIPTION", "SITE_LANGUAGE", "SITE_AUTHOR", "PUBLIC_URL", "WEBSUB_HUB", "ENVIRONMENT", "EMAIL_FROM", "RESEND_BASE_URL", "RESEND_API_KEY", "RESEND_WEBHOOK_SECRET", "TOKEN_SECRET", "TOKEN_SECRET_PREVIOUS", "ADMIN_TOKEN", "ORIGIN_URL"] as const;
type Read = Pick<Env, (typeof READ)[number]>;

function keyOf(env: Read): string {
  return READ.map((name) => env[name] ?? "").join("\u0000");
}

let last: { key: string; config: Config } | undefined;

export function readConfig(env: Read): Config {
  const key = keyOf(env);
  if (last?.key === key) return last.config;
  const development = env.ENVIRONMENT === "development";
  const secret = env.TOKEN_SECRET || (development ? DEVELOPMENT_SECRET : null);
  const site = siteConfig(env);
  const config: Config = {
    site,
    page: pageOf(site),
    renderKey: renderKey(site),
    links: { publicUrl: env.PUBLIC_URL, secret, accepted: [secret, env.TOKEN_SECRET_PREVIOUS].filter((s): s is string => !!s) },
    mail: {
      from: env.EMAIL_FROM,
      resend: env.RESEND_API_KEY ? { apiKey: env.RESEND_API_KEY, baseUrl: env.RESEND_BASE_URL } : null,
      webhookSecret: env.RESEND_WEBHOOK_SECRET || null,
    },
    adminToken: env.ADMIN_TOKEN || null,
    originUrl: env.ORIGIN_URL || null,
    development,
  };
  last = { key, config };
  return config;
}

/** The site's settings as feeds, pages and mail use them. */
export function siteConfig(env: Pick<Env, "SITE_URL" | "SITE_TITLE" | "SITE_DESCRIPTION" | "SITE_LANGUAGE" | "SITE_AUTHOR" | "PUBLIC_URL" | "WEBSUB_HUB">): SiteConfig {
  const hub = env.WEBSUB_HUB?.trim();
  return {
    url: env.SITE_URL,
    title: env.SITE_TITLE,
    description: env.SITE_DESCRIPTION,
    language: env.SITE_LANGUAGE,
    author: env.SITE_AUTHOR,
    publicUrl: env.PUBLIC_URL,
    websubHub: hub ? hub : null,
  };
}

/** The site as pages and mails name it (`readConfig(env).page`). */
export function pageSite(env: Read): PageSite {
  return readConfig(env).page;
}

function pageOf(site: SiteConfig): PageSite {
  const t = messagesFor(site.language);
  return { title: site.title, lang: t.lang, t };
}

/** See `Config.renderKey`. */
export function renderKey(site: SiteConfig): string {
  return [site.publicUrl, site.url, site.title, site.description, site.language, site.author, site.websubHub ?? ""].join("|");
}

/** The secret links are signed with; throws ConfigError when TOKEN_SECRET is missing outside development. */
export function signingSecret(links: LinkConfig): string {
  if (links.secret) return links.secret;
  throw new ConfigError("TOKEN_SECRET is not configured");
}
