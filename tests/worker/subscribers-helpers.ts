/** Helpers for the subscriber, email, webhook and admin tests (workerd + real D1). */
import { env, exports } from "cloudflare:workers";

export const BASE = "http://localhost:8787";
let ipCounter = 0;
/** A fresh client IP per call, so tests do not share the per-IP limiter. */
export const freshIp = () => `198.51.100.${(ipCounter = (ipCounter % 250) + 1)}-${Math.random().toString(36).slice(2, 8)}`;

export function formBody(fields: Record<string, string | string[]>): URLSearchParams {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return body;
}

/** A same-origin browser form post. */
export function postForm(path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(BASE + path, {
    method: "POST",
    body: formBody(fields),
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, "Sec-Fetch-Site": "same-origin", "CF-Connecting-IP": freshIp(), ...headers },
  });
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(BASE + path, {
    method: "POST",
    body: JSON.stringify(body),
    redirect: "manual",
    headers: { "Content-Type": "application/json", Accept: "application/json", "CF-Connecting-IP": freshIp(), ...headers },
  });
}

export function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(BASE + path, { redirect: "manual", headers });
}

export interface Captured {
  id: string;
  to_addr: string;
  from_addr: string;
  subject: string;
  html: string;
  text: string;
  headers: string;
}

/**
 * Waits until the queue consumer (run by Miniflare from DIGEST_QUEUE, as in production)
 * has settled every transactional mail written so far.
 */
export async function settleMail(timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM mail_outbox WHERE status = 'queued'").first<{ n: number }>();
    if (row!.n === 0) return;
    if (Date.now() > deadline) throw new Error(`${row!.n} queued mail(s) not delivered in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Mail the dev outbox holds for an address, oldest first (after the queue has delivered what is pending). */
export async function mailTo(email: string): Promise<Captured[]> {
  await settleMail();
  const { results } = await env.DB.prepare("SELECT * FROM dev_outbox WHERE to_addr = ?1 ORDER BY seq").bind(email).all<Captured>();
  return results;
}

/** The path of the first link of a kind (`confirm`, `preferences`, `unsubscribe`) in a text. */
export function linkPath(text: string, kind: "confirm" | "preferences" | "unsubscribe"): string {
  const m = new RegExp(`${BASE.replace(/[.:/]/g, "\\$&")}(/${kind}/[A-Za-z0-9._-]+)`).exec(text);
  if (!m) throw new Error(`no ${kind} link in: ${text}`);
  return m[1]!;
}

export async function row(email: string) {
  return env.DB.prepare("SELECT * FROM subscribers WHERE email = ?1").bind(email).first<Record<string, unknown>>();
}

let counter = 0;
export const uniqueEmail = (tag = "user") => `${tag}.${Date.now().toString(36)}${(counter++).toString(36)}@Example.COM`;
export const normalised = (email: string) => email.replace(/@(.*)$/, (_, d: string) => "@" + d.toLowerCase());

/** Subscribes and confirms; returns the address as stored and its links. */
export async function activeSubscriber(fields: Record<string, string | string[]> = {}) {
  const email = uniqueEmail();
  const res = await postForm("/subscribe", { email, ...fields });
  if (res.status !== 200) throw new Error(`subscribe answered ${res.status}`);
  const stored = normalised(email);
  const [mail] = await mailTo(stored);
  const confirm = await postForm(linkPath(mail!.text, "confirm"), {});
  if (confirm.status !== 200) throw new Error(`confirm answered ${confirm.status}`);
  return { email: stored, preferences: linkPath(mail!.text, "preferences"), text: mail!.text };
}
