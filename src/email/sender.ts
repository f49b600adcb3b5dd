/**
 * One interface for sending mail. `createSender(env)` picks Resend when RESEND_API_KEY
 * is set, else the dev outbox (D1 table `dev_outbox`, readable at /dev/outbox).
 */

export interface EmailMessage {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
}
export type SendError = { name: string; message: string; statusCode: number | null };
export type SendOutcome = { ok: true; id: string } | { ok: false; error: SendError };
export type BatchOutcome = { ok: true; results: Array<{ id: string } | { error: string }> } | { ok: false; error: SendError };
export interface EmailSender {
  send(message: EmailMessage, options?: { idempotencyKey?: string }): Promise<SendOutcome>;
  /** ≤100 messages, Resend batch API in permissive validation mode: results[i] belongs to messages[i]. */
  sendBatch(messages: EmailMessage[], options: { idempotencyKey: string }): Promise<BatchOutcome>;
}

export const MAX_BATCH = 100;

/** Resend keeps an idempotency key 24 h from its first use. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;
/** Never call the provider with a key closer than this to the end of its window. */
export const IDEMPOTENCY_MARGIN_MS = 3_600_000;

/**
 * The last moment a key first used at `firstAttemptAt` may be sent with: past it, Resend
 * may have forgotten the key and a send could duplicate mail it accepted unheard.
 */
export function sendDeadline(firstAttemptAt: number): number {
  return firstAttemptAt + IDEMPOTENCY_WINDOW_MS - IDEMPOTENCY_MARGIN_MS;
}

/** A 409 for a key already used with another payload: an earlier attempt under that key was accepted. */
export function acceptedEarlier(error: SendError): boolean {
  return error.statusCode === 409 && error.name === "invalid_idempotent_request";
}

/**
 * Retry (same key, later) or give up? 429, 5xx, no answer at all and a concurrent request
 * with the same idempotency key are retried; quota errors and other 4xx are not.
 */
export function isRetryable(error: SendError): boolean {
  if (/quota/i.test(error.name)) return false;
  if (error.statusCode === null || error.statusCode === 429 || error.statusCode >= 500) return true;
  return error.statusCode === 409 && error.name === "concurrent_idempotent_requests";
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const LINE_BREAK = /[\r\n\u0000]/;

/**
 * Why a message cannot be sent, or null. Line breaks in any header-bound field are
 * refused here, for every sender, so no input can inject a mail header.
 */
export function messageProblem(message: EmailMessage): string | null {
  for (const field of ["from", "to", "subject"] as const) {
    const value = message[field];
    if (typeof value !== "string" || value.trim() === "") return `${field} is required`;
    if (LINE_BREAK.test(value)) return `${field} must not contain line breaks`;
  }
  if (!message.to.includes("@")) return "to must be an email address";
  if (typeof message.html !== "string" || typeof message.text !== "string") return "html and text parts are required";
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!HEADER_NAME.test(name)) return `header name ${JSON.stringify(name)} is not valid`;
    if (typeof value !== "string" || LINE_BREAK.test(value)) return `header ${name} must be one line`;
  }
  return null;
}

export function validationError(message: string): SendError {
  return { name: "validation_error", message, statusCode: 422 };
}

export function batchTooLarge(count: number): SendError | null {
  if (count === 0) return validationError("a batch needs at least one message");
  if (count > MAX_BATCH) return validationError(`a batch holds at most ${MAX_BATCH} messages, got ${count}`);
  return null;
}
