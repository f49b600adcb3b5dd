/**
 * Bearer-token guard for everything under /admin/ (a console session may also read: GET). No ADMIN_TOKEN configured → the
 * admin API does not exist (404). The token is compared in constant time
 * (src/lib/secret-compare.ts).
 */
import type { MiddlewareHandler } from "hono";
import { readConfig } from "../config.js";
import type { AppEnv } from "../env.js";
import { problem } from "../lib/http.js";
import { secretMatches } from "../lib/secret-compare.js";
import { validSession } from "./session.js";

export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const expected = readConfig(c.env).adminToken;
  if (!expected) return problem(c, 404, "the admin API is disabled (ADMIN_TOKEN is not set)");
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
  // A console session (SameSite=Strict cookie) may read, never change: GET and HEAD only.
  const readBySession = !header && (c.req.method === "GET" || c.req.method === "HEAD") && (await validSession(c)) !== null;
  if (!readBySession && (!match || !(await secretMatches(match[1]!, expected)))) {
    return problem(c, 401, "a valid `Authorization: Bearer <ADMIN_TOKEN>` header is required", { "WWW-Authenticate": 'Bearer realm="admin"' });
  }
  c.header("Cache-Control", "no-store");
  await next();
};
