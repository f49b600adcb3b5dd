/**
 * The one place where an email address is validated and normalised: trimmed, the domain
 * lower-cased (and IDNs turned to punycode), the local part kept as typed. Only plain
 * dot-atom addresses are accepted — no quoted local parts, comments, display names,
 * IP literals or control characters — so an address can never inject a mail header.
 * A refusal is a catalogue `Reason` (src/i18n `reasons`), said in the site's language.
 */
import type { Reason } from "../i18n/index.js";

export type EmailCheck = { ok: true; email: string } | { ok: false; reason: Reason };

const MAX_ADDRESS = 254;
const MAX_LOCAL = 64;
const DOMAIN: Reason = { key: "reasons.domain" };

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function normaliseEmail(input: unknown): EmailCheck {
  if (typeof input !== "string") return { ok: false, reason: { key: "reasons.emailRequired" } };
  const email = input.trim();
  if (email === "") return { ok: false, reason: { key: "reasons.emailRequired" } };
  if (email.length > MAX_ADDRESS) return { ok: false, reason: { key: "reasons.emailTooLong", values: { max: MAX_ADDRESS } } };
  if (/[\s\u0000-\u001f\u007f]/.test(email)) return { ok: false, reason: { key: "reasons.emailSpaces" } };
  const at = email.lastIndexOf("@");
  if (at <= 0 || at === email.length - 1) return { ok: false, reason: { key: "reasons.emailShape" } };
  const local = email.slice(0, at);
  const rawDomain = email.slice(at + 1);
  if (local.length > MAX_LOCAL) return { ok: false, reason: { key: "reasons.localTooLong", values: { max: MAX_LOCAL } } };
  if (!LOCAL.test(local)) return { ok: false, reason: { key: "reasons.localCharacters" } };
  let domain: string;
  try {
    if (/[/?#@:\\[\]%]/.test(rawDomain)) throw new Error("bad domain");
    domain = new URL(`http://${rawDomain}`).hostname;
  } catch {
    return { ok: false, reason: DOMAIN };
  }
  const labels = domain.split(".");
  if (domain.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !/^(?:[a-z]{2,63}|xn--[a-z0-9-]+)$/.test(labels.at(-1)!)) {
    return { ok: false, reason: DOMAIN };
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
