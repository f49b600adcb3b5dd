/**
 * The /admin console's session: signing in with ADMIN_TOKEN sets a cookie holding a token
 * signed by src/lib/tokens.ts for the purpose `admin-session`, with an expiry, whose
 * subject is a fingerprint of the ADMIN_TOKEN (changing the token signs every session
 * out). Cookie: HttpOnly, Secure, SameSite=Strict, Path=/admin. Every console form carries
 * a CSRF token derived from the session (keyed digest), checked with the Origin check.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv, Env } from "../env.js";
import { problem } from "../lib/http.js";
import { secretMatches } from "../lib/secret-compare.js";
import { keyedDigest, signToken, verifyToken } from "../lib/tokens.js";
import { readConfig, signingSecret } from "../config.js";

export const SESSION_COOKIE = "tidings_admin";
export const SESSION_TTL_MS = 12 * 3_600_000;

async function subject(env: Env): Promise<string> {
  return `admin:${await keyedDigest(readConfig(env).adminToken ?? "", "tidings/admin-session-subject", 12)}`;
}

export async function createSession(env: Env, now: number): Promise<string> {
  return signToken(signingSecret(readConfig(env).links), await subject(env), "admin-session", now + SESSION_TTL_MS);
}

export function sessionCookie(token: string, maxAgeSeconds = SESSION_TTL_MS / 1000): string {
  return `${SESSION_COOKIE}=${token}; Path=/admin; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`;
}

export const clearedSessionCookie = (): string => sessionCookie("", 0);

/** The session token of the request when it is valid now, else null. */
export async function validSession(c: Context, now = Date.now()): Promise<string | null> {
  const env = c.env as Env;
  if (!readConfig(env).adminToken) return null;
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  const who = await verifyToken(signingSecret(readConfig(env).links), token, "admin-session", now);
  return who !== null && who === (await subject(env)) ? token : null;
}

export function csrfFor(env: Env, session: string): Promise<string> {
  return keyedDigest(signingSecret(readConfig(env).links), `tidings/admin-csrf\n${session}`);
}

/** The ADMIN_TOKEN typed into the sign-in form, compared in constant time. */
export function tokenIsRight(env: Env, given: string): Promise<boolean> {
  return secretMatches(given, readConfig(env).adminToken ?? "");
}

function sameOrigin(c: Context): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site) return site === "same-origin";
  const origin = c.req.header("origin");
  return origin === new URL(c.req.url).origin;
}

export type ConsoleVars = { Variables: { session: string; csrf: string } };

/**
 * Console pages: a valid session, else the sign-in page (GET) or 403 (POST). POSTs also
 * need the form's `csrf` field to match the session and to come from this origin.
 */
export const requireSession: MiddlewareHandler<AppEnv & ConsoleVars> = async (c, next) => {
  if (!readConfig(c.env).adminToken) return problem(c, 404, "the admin console is disabled (ADMIN_TOKEN is not set)");
  const session = await validSession(c);
  if (!session) {
    if (c.req.method === "GET" || c.req.method === "HEAD") return c.redirect("/admin", 303);
    return problem(c, 403, "sign in first: the session is missing or expired");
  }
  const csrf = await csrfFor(c.env, session);
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    if (!sameOrigin(c)) return problem(c, 403, "form posts must come from this site (Origin / Sec-Fetch-Site)");
    const form = await c.req.parseBody();
    if (typeof form.csrf !== "string" || !(await secretMatches(form.csrf, csrf))) return problem(c, 403, "the form's CSRF token is missing or wrong; reload the page");
  }
  c.set("session", session);
  c.set("csrf", csrf);
  c.header("Cache-Control", "no-store");
  await next();
};

export { sameOrigin };
