/**
 * Which sender this Worker uses: Resend when `RESEND_API_KEY` is set, else the dev
 * outbox in D1. The adapters import the port (sender.ts); only this module knows both.
 */
import type { Env } from "../env.js";
import { createOutboxSender } from "./outbox.js";
import { createResendSender } from "./resend.js";
import type { EmailSender } from "./sender.js";

export function createSender(env: Env): EmailSender {
  if (env.RESEND_API_KEY) return createResendSender({ apiKey: env.RESEND_API_KEY, baseUrl: env.RESEND_BASE_URL });
  return createOutboxSender(env.DB);
}
