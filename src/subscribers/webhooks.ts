/**
 * POST /webhooks/resend: Resend events, Svix-signed. Hard bounces, complaints and
 * suppressions stop mail to the address; soft bounces do not. Each svix-id is handled
 * once: a redelivery (same id, new timestamp) gets 200 and changes nothing, the exact
 * same signed request again is a replay and gets 401.
 */
import { readConfig } from "../config.js";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../env.js";
import { problem } from "../lib/http.js";
import { normaliseEmail } from "./address.js";
import { suppress } from "./store.js";
import { svixKey, verifySvix } from "./svix.js";
import { claimEvent, forgetEvent } from "./webhook-events.js";

export const webhookRoutes = new Hono<AppEnv>();

interface ResendEvent {
  type?: unknown;
  data?: { to?: unknown; bounce?: { type?: unknown } };
}

/** What an event means for the recipients, or null when it changes nothing. */
export function suppressionFor(event: ResendEvent): "bounced" | "complained" | null {
  switch (event.type) {
    case "email.bounced": {
      // Resend sends email.bounced for permanent bounces; a bounce typed otherwise
      // (Transient, Undetermined) is a soft one and leaves the subscriber alone.
      const kind = event.data?.bounce?.type;
      return kind === undefined || (typeof kind === "string" && kind.toLowerCase() === "permanent") ? "bounced" : null;
    }
    case "email.complained":
      return "complained";
    case "email.suppressed":
      return "bounced";
    default:
      return null;
  }
}

function recipients(event: ResendEvent): string[] {
  const to = event.data?.to;
  const list = Array.isArray(to) ? to : typeof to === "string" ? [to] : [];
  return list.flatMap((value) => {
    // Accept `Name <addr>` too.
    const raw = typeof value === "string" ? (/<([^<>]+)>\s*$/.exec(value)?.[1] ?? value) : value;
    const checked = normaliseEmail(raw);
    return checked.ok ? [checked.email] : [];
  });
}

webhookRoutes.post("/webhooks/resend", bodyLimit({ maxSize: 256 * 1024, onError: (c) => problem(c, 413, "webhook body too large") }), async (c) => {
  const secret = readConfig(c.env).mail.webhookSecret;
  if (!secret) return problem(c, 503, "RESEND_WEBHOOK_SECRET is not configured");
  let key: CryptoKey;
  try {
    key = await svixKey(secret);
  } catch {
    return problem(c, 503, "RESEND_WEBHOOK_SECRET is not a valid whsec_ secret");
  }
  const body = await c.req.text();
  const check = await verifySvix(key, c.req.raw.headers, body, Math.floor(Date.now() / 1000));
  if (!check.ok) return problem(c, 401, check.reason);
  let event: ResendEvent;
  try {
    event = JSON.parse(body) as ResendEvent;
  } catch {
    return problem(c, 400, "body is not valid JSON");
  }
  if (event === null || typeof event !== "object" || typeof event.type !== "string") return problem(c, 400, "body is not a Resend event");

  const db = c.env.DB;
  const now = Date.now();
  const claim = await claimEvent(db, { id: check.id, timestamp: check.timestamp, type: event.type }, now);
  if (claim === "replayed") return problem(c, 401, "replayed delivery");
  if (claim === "duplicate") return c.json({ ok: true, duplicate: true });
  const status = suppressionFor(event);
  let suppressed = 0;
  if (status) {
    try {
      for (const email of recipients(event)) suppressed += await suppress(db, email, status, event.type, now);
    } catch (error) {
      // Let Resend redeliver: forget the claim.
      await forgetEvent(db, check.id);
      throw error;
    }
  }
  return c.json({ ok: true, type: event.type, suppressed });
});
