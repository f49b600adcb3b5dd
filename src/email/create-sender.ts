/**
 * Which sender this Worker uses: Resend when `RESEND_API_KEY` is set, else the dev
 * outbox in D1. The adapters import the port (sender.ts); only this module knows both.
 */
import type { MailConfig } from "../config.js";
import { createOutboxSender } from "./outbox.js";
import { createResendSender } from "./resend.js";
import type { EmailSender } from "./sender.js";

/** `db`: where the dev outbox keeps mail. */
export function createSender(mail: Pick<MailConfig, "resend">, db: D1Database): EmailSender {
  return mail.resend ? createResendSender(mail.resend) : createOutboxSender(db);
}
