import { messagesFor, type Messages } from "./i18n/index.js";

/** Bindings, vars and secrets (names fixed by DESIGN.md). */
export interface Env {
  SITE_URL: string;
  SITE_TITLE: string;
  SITE_DESCRIPTION: string;
  SITE_LANGUAGE: string;
  SITE_AUTHOR: string;
  PUBLIC_URL: string;
  ENVIRONMENT: string;
  EMAIL_FROM: string;
  RESEND_BASE_URL?: string;
  WEBSUB_HUB?: string;
  /** Optional: the fronted site's origin; every path Tidings does not answer goes there. */
  ORIGIN_URL?: string;
  RESEND_API_KEY?: string;
  RESEND_WEBHOOK_SECRET?: string;
  TOKEN_SECRET?: string;
  /** Optional: the former TOKEN_SECRET, accepted for verifying links only (rotation). */
  TOKEN_SECRET_PREVIOUS?: string;
  ADMIN_TOKEN?: string;
  DB: D1Database;
  DIGEST_QUEUE: Queue<unknown>;
  /** Workers Static Assets: the content store (src/content/), never served as-is. */
  ASSETS: Fetcher;
}

export type AppEnv = { Bindings: Env };

/** The settings that appear in rendered feeds and pages. */
export type RenderSettings = Pick<Env, "PUBLIC_URL" | "SITE_URL" | "SITE_TITLE" | "SITE_DESCRIPTION" | "SITE_LANGUAGE" | "SITE_AUTHOR" | "WEBSUB_HUB">;

/**
 * The settings that shape rendered output. Per-isolate caches and every ETag are keyed by
 * this string (not by the identity of the `env` object, which the runtime does not
 * promise to keep), so changing any of them changes the validators as well as the bytes.
 */
export function settingsKey(env: RenderSettings): string {
  return [env.PUBLIC_URL, env.SITE_URL, env.SITE_TITLE, env.SITE_DESCRIPTION, env.SITE_LANGUAGE, env.SITE_AUTHOR, env.WEBSUB_HUB ?? ""].join("|");
}

/** The site as pages and mails name it: title, language (src/i18n) and its messages. */
export interface PageSite {
  title: string;
  /** The catalogue language SITE_LANGUAGE resolves to (`en` when unknown). */
  lang: string;
  t: Messages;
}

export function pageSite(env: Env): PageSite {
  const t = messagesFor(env.SITE_LANGUAGE);
  return { title: env.SITE_TITLE, lang: t.lang, t };
}
