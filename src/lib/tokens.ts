/**
 * Signed, purpose-bound tokens for the links in mail (`/confirm/{token}`, …).
 *
 * Token = base64url(subscriberId) "." expiry (base 36 ms, or "0" for none) "." base64url(mac)
 * where mac = HMAC-SHA256(secret, "tidings/v1\n" purpose "\n" subscriberId "\n" expiry).
 * The purpose is only inside the MAC, so a confirm token cannot unsubscribe and the
 * reverse. crypto.subtle.verify compares in constant time. Every part is URL-safe, and
 * every part must be in its one canonical spelling (no padding, no unused bits set), so a
 * token has exactly one string. Rotation: verify with several secrets (the current one
 * first), sign with the current one only.
 */
/**
 * `admin-session`: the /admin console's session cookie (subject: a fingerprint of ADMIN_TOKEN).
 * `digest-copy`: one mail's web copy, /digests/{token} (subject: run id "/" subscriber id).
 * `feed`: a personal feed's URL (subject: subscriber id ":" feed-token version), read-only.
 */
export type TokenPurpose = "confirm" | "preferences" | "unsubscribe" | "admin-session" | "digest-copy" | "feed";

/** Confirmation links (and so unconfirmed sign-ups) live this long. */
export const CONFIRM_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keys.set(secret, key);
  }
  return key;
}

export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes base64 or base64url; null when malformed. */
export function decodeBase64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return null;
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (b64.length % 4 === 1) return null;
  try {
    const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

function message(purpose: TokenPurpose, subscriberId: string, expiry: string): Uint8Array {
  return encoder.encode(`tidings/v1\n${purpose}\n${subscriberId}\n${expiry}`);
}

/**
 * Signs a link token. Confirm tokens expire after 30 days unless `expiresAt` (epoch ms)
 * says otherwise; preferences and unsubscribe tokens never expire unless given one.
 */
export async function signToken(secret: string, subscriberId: string, purpose: TokenPurpose, expiresAt?: number): Promise<string> {
  if (!secret) throw new Error("signToken: empty secret");
  const expiry = expiresAt ?? (purpose === "confirm" ? Date.now() + CONFIRM_TOKEN_TTL_MS : undefined);
  const expiryText = expiry === undefined ? "0" : Math.max(1, Math.floor(expiry)).toString(36);
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), message(purpose, subscriberId, expiryText));
  return `${base64url(encoder.encode(subscriberId))}.${expiryText}.${base64url(new Uint8Array(mac))}`;
}

/**
 * The subscriber id a token was signed for, or null (malformed, forged, wrong purpose,
 * expired). `secrets`: the current secret, optionally followed by former ones still
 * accepted for verification (rotation).
 */
export async function verifyToken(secrets: string | readonly string[], token: string, purpose: TokenPurpose, now: number = Date.now()): Promise<string | null> {
  const keys = (typeof secrets === "string" ? [secrets] : secrets).filter((s) => s);
  if (keys.length === 0 || typeof token !== "string" || token.length > 512) return null;
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [idPart, expiryText, macPart] = parts as [string, string, string];
  if (!/^[0-9a-z]{1,12}$/.test(expiryText) || (expiryText !== "0" && expiryText.startsWith("0"))) return null;
  const idBytes = decodeBase64(idPart);
  const mac = decodeBase64(macPart);
  if (!idBytes || !mac || mac.length !== 32 || idBytes.length === 0) return null;
  // Only the canonical encodings are accepted, so one id has exactly one token per expiry.
  if (base64url(idBytes) !== idPart || base64url(mac) !== macPart) return null;
  let subscriberId: string;
  try {
    subscriberId = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(idBytes);
  } catch {
    return null;
  }
  if (expiryText !== "0" && parseInt(expiryText, 36) <= now) return null;
  const signed = message(purpose, subscriberId, expiryText);
  for (const secret of keys) {
    if (await crypto.subtle.verify("HMAC", await hmacKey(secret), mac, signed)) return subscriberId;
  }
  return null;
}

/**
 * A keyed digest (HMAC-SHA256, base64url, first `bytes` bytes) for values that must be
 * comparable but never reversible, e.g. the feed audience's daily client ids and the
 * console's CSRF token. `message` should start with its own purpose.
 */
export async function keyedDigest(secret: string, message: string, bytes = 16): Promise<string> {
  if (!secret) throw new Error("keyedDigest: empty secret");
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(message));
  return base64url(new Uint8Array(mac).slice(0, bytes));
}
