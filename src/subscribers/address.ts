/**
 * The one place where an email address is validated and normalised: trimmed, the domain
 * lower-cased (and IDNs turned to punycode), the local part kept as typed. Only plain
 * dot-atom addresses are accepted — no quoted local parts, comments, display names,
 * IP literals or control characters — so an address can never inject a mail header.
 */
export type EmailCheck = { ok: true; email: string } | { ok: false; reason: string };

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function normaliseEmail(input: unknown): EmailCheck {
  if (typeof input !== "string") return { ok: false, reason: "email is required" };
  const email = input.trim();
  if (email === "") return { ok: false, reason: "email is required" };
  if (email.length > 254) return { ok: false, reason: "email address is too long (at most 254 characters)" };
  if (/[\s\u0000-\u001f\u007f]/.test(email)) return { ok: false, reason: "email address must not contain spaces or control characters" };
  const at = email.lastIndexOf("@");
  if (at <= 0 || at === email.length - 1) return { ok: false, reason: "email address must look like name@example.com" };
  const local = email.slice(0, at);
  const rawDomain = email.slice(at + 1);
  if (local.length > 64) return { ok: false, reason: "the part before @ is too long (at most 64 characters)" };
  if (!LOCAL.test(local)) return { ok: false, reason: "the part before @ has characters that are not allowed" };
  let domain: string;
  try {
    if (/[/?#@:\\[\]%]/.test(rawDomain)) throw new Error("bad domain");
    domain = new URL(`http://${rawDomain}`).hostname;
  } catch {
    return { ok: false, reason: "the domain after @ is not valid" };
  }
  const labels = domain.split(".");
  if (domain.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !/^(?:[a-z]{2,63}|xn--[a-z0-9-]+)$/.test(labels.at(-1)!)) {
    return { ok: false, reason: "the domain after @ is not valid" };
  }
  return { ok: true, email: `${local}@${domain}` };
}

/** The bare address of a From header (`Tidings <digest@example.com>` → `digest@example.com`). */
export function senderAddress(from: string): string {
  return (/<([^<>]+)>/.exec(from)?.[1] ?? from).trim();
}

/**
 * The mailbox an address names, for comparing and for uniqueness: the whole address
 * lower-cased. Local parts are case-sensitive in theory (RFC 5321) but not at any
 * provider in practice, and `Victim@` and `victim@` must never be two subscribers.
 * Addresses that passed normaliseEmail() are ASCII, so this equals SQLite's lower(), which
 * the unique index `subscribers_by_mailbox` (migrations/0003_a_mailbox_case.sql) uses.
 */
export function mailboxKey(email: string): string {
  return email.toLowerCase();
}
