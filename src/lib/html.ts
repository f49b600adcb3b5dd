/** Renders a hono/jsx tree to a full HTML document response body. */
import type { Child } from "hono/jsx";

export function htmlDocument(node: Child): string {
  return "<!doctype html>" + String(node);
}
