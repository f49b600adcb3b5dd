/**
 * The Resend implementation of EmailSender, through the official `resend` SDK. The SDK
 * (with postal-mime and standardwebhooks, which it pulls in: ~200 KB of the bundle) is
 * loaded on the first send, not when an isolate starts: most isolates serve feeds and
 * never send mail (README, "Module evaluation").
 */
import type { Resend } from "resend";
import { trimBase } from "../lib/urls.js";
import { batchTooLarge, messageProblem, validationError, type BatchOutcome, type EmailMessage, type EmailSender, type SendError } from "./sender.js";

export const DEFAULT_RESEND_BASE_URL = "https://api.resend.com";

function toApi(message: EmailMessage) {
  return {
    from: message.from,
    to: [message.to],
    subject: message.subject,
    html: message.html,
    text: message.text,
    ...(message.headers && Object.keys(message.headers).length > 0 ? { headers: message.headers } : {}),
  };
}

/** The SDK answers `{ data, error }`; its error may be any JSON the API sent. */
function toSendError(error: unknown): SendError {
  const e = (error ?? {}) as { name?: unknown; message?: unknown; statusCode?: unknown };
  return {
    name: typeof e.name === "string" ? e.name : "application_error",
    message: typeof e.message === "string" ? e.message : "unknown error from the mail API",
    statusCode: typeof e.statusCode === "number" ? e.statusCode : null,
  };
}

function thrown(error: unknown): SendError {
  return { name: "application_error", message: error instanceof Error ? error.message : String(error), statusCode: null };
}

export function createResendSender(options: { apiKey: string; baseUrl?: string }): EmailSender {
  // The SDK only reads a base URL from process.env, so it is passed explicitly: a fake
  // API on 127.0.0.1 can stand in (RESEND_BASE_URL).
  let client: Promise<Resend> | undefined;
  const sdk = () =>
    (client ??= import("resend").then(
      ({ Resend }) => new Resend(options.apiKey, { baseUrl: trimBase(options.baseUrl || DEFAULT_RESEND_BASE_URL) }),
      (error: unknown) => {
        client = undefined; // not remembered: the next send tries again
        throw error;
      },
    ));
  return {
    async send(message, sendOptions) {
      const problem = messageProblem(message);
      if (problem) return { ok: false, error: validationError(problem) };
      try {
        const key = sendOptions?.idempotencyKey;
        const resend = await sdk();
        const { data, error } = await resend.emails.send(toApi(message), key ? { idempotencyKey: key } : {});
        if (error || !data) return { ok: false, error: toSendError(error) };
        return { ok: true, id: data.id };
      } catch (error) {
        return { ok: false, error: thrown(error) };
      }
    },
    async sendBatch(messages, sendOptions): Promise<BatchOutcome> {
      const size = batchTooLarge(messages.length);
      if (size) return { ok: false, error: size };
      // Messages this side refuses never reach the API; the others keep their order.
      const problems = messages.map(messageProblem);
      const valid = messages.filter((_, i) => problems[i] === null);
      let ids: Array<{ id: string } | { error: string }> = [];
      if (valid.length > 0) {
        try {
          const resend = await sdk();
          const { data, error } = await resend.batch.send(valid.map(toApi), {
            idempotencyKey: sendOptions.idempotencyKey,
            batchValidation: "permissive",
          });
          if (error || !data) return { ok: false, error: toSendError(error) };
          const failed = new Map((data.errors ?? []).map((e) => [e.index, e.message]));
          const sent = [...(data.data ?? [])];
          ids = valid.map((_, i) => (failed.has(i) ? { error: failed.get(i)! } : sent.length > 0 ? { id: sent.shift()!.id } : { error: "no id returned" }));
        } catch (error) {
          return { ok: false, error: thrown(error) };
        }
      }
      return { ok: true, results: messages.map((_, i) => (problems[i] === null ? ids.shift()! : { error: problems[i]! })) };
    },
  };
}
