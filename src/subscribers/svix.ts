/**
 * Svix webhook signatures, as Resend sends them: HMAC-SHA256 over
 * `${svix-id}.${svix-timestamp}.${body}` with the base64 key of a `whsec_…` secret;
 * `svix-signature` holds space-separated `v1,<base64>` candidates.
 */
import { decodeBase64 } from "../lib/tokens.js";

export const TOLERANCE_SECONDS = 5 * 60;

export type SvixCheck = { ok: true; id: string; timestamp: number } | { ok: false; reason: string };

const encoder = new TextEncoder();

export async function svixKey(secret: string): Promise<CryptoKey> {
  const bytes = decodeBase64(secret.startsWith("whsec_") ? secret.slice(6) : secret);
  if (!bytes || bytes.length === 0) throw new Error("webhook secret is not valid base64");
  return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

export async function verifySvix(key: CryptoKey, headers: Headers, body: string, nowSeconds: number): Promise<SvixCheck> {
  const id = headers.get("svix-id");
  const timestampText = headers.get("svix-timestamp");
  const signatures = headers.get("svix-signature");
  if (!id || !timestampText || !signatures) return { ok: false, reason: "missing svix-id, svix-timestamp or svix-signature header" };
  if (id.length > 200) return { ok: false, reason: "svix-id is too long" };
  if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: "svix-timestamp is not a Unix time" };
  const timestamp = Number(timestampText);
  if (Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) return { ok: false, reason: "svix-timestamp is outside the 5-minute tolerance" };
  const signed = encoder.encode(`${id}.${timestampText}.${body}`);
  for (const candidate of signatures.split(" ").slice(0, 10)) {
    const [version, value] = candidate.split(",", 2);
    if (version !== "v1" || !value) continue;
    const mac = decodeBase64(value);
    if (mac && mac.length === 32 && (await crypto.subtle.verify("HMAC", key, mac, signed))) return { ok: true, id, timestamp };
  }
  return { ok: false, reason: "no valid signature" };
}

/** Signs like Svix does (tests, and tools that fake Resend). */
export async function signSvix(key: CryptoKey, id: string, timestamp: number, body: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${id}.${timestamp}.${body}`));
  return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
}
