/** Reads a form or JSON request body into plain fields (or a catalogue Reason why not). */
import type { Context } from "hono";
import type { Reason } from "../i18n/index.js";
import type { Parsed } from "../lib/parsed.js";
import type { Fields } from "./preferences.js";

export type BodyKind = "json" | "form" | "empty";
export type Input = Parsed<{ kind: BodyKind; fields: Fields }, { status: 400 | 415 }, Reason>;

export function isJsonBody(req: Request): boolean {
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(req.headers.get("content-type") ?? "");
}

export async function readInput(c: Context): Promise<Input> {
  const type = c.req.header("content-type") ?? "";
  if (isJsonBody(c.req.raw)) {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return { ok: false, status: 400, reason: { key: "reasons.badJson" } };
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) return { ok: false, status: 400, reason: { key: "reasons.jsonObject" } };
    return { ok: true, value: { kind: "json", fields: body as Fields } };
  }
  if (/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
    let body: Record<string, unknown>;
    try {
      body = await c.req.parseBody({ all: true });
    } catch {
      return { ok: false, status: 400, reason: { key: "reasons.badForm" } };
    }
    const fields: Fields = {};
    for (const [name, value] of Object.entries(body)) {
      const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
      fields[name] = values.length === 1 ? values[0] : values;
    }
    return { ok: true, value: { kind: "form", fields } };
  }
  if (type === "" && (await c.req.text()) === "") return { ok: true, value: { kind: "empty", fields: {} } };
  return { ok: false, status: 415, reason: { key: "reasons.mediaType" } };
}
