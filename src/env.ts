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
  RESEND_API_KEY?: string;
  RESEND_WEBHOOK_SECRET?: string;
  TOKEN_SECRET?: string;
  ADMIN_TOKEN?: string;
  DB: D1Database;
  DIGEST_QUEUE: Queue<unknown>;
}

export type AppEnv = { Bindings: Env };
