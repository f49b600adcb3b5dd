/** Reads a form or JSON request body into plain fields. */
import type { Context } from "hono";
import type { Fields } from "./preferences.js";

export type BodyKind = "json" | "form" | "empty";
export type Input = { ok: true; kind: BodyKind; fields: Fields } | { ok: false; status: 400 | 415; reason: string };

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
      return { ok: false, status: 400, reason: "body is not valid JSON" };
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) return { ok: false, status: 400, reason: "JSON body must be an object" };
    return { ok: true, kind: "json", fields: body as Fields };
  }
  if (/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
    let body: Record<string, unknown>;
    try {
      body = await c.req.parseBody({ all: true });
    } catch {
      return { ok: false, status: 400, reason: "form body could not be read" };
    }
    const fields: Fields = {};
    for (const [name, value] of Object.entries(body)) {
      const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
      fields[name] = values.length === 1 ? values[0] : values;
    }
    return { ok: true, kind: "form", fields };
  }
  if (type === "" && (await c.req.text()) === "") return { ok: true, kind: "empty", fields: {} };
  return { ok: false, status: 415, reason: "send application/x-www-form-urlencoded, multipart/form-data or application/json" };
}
