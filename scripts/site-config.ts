import { readFileSync } from "node:fs";
import { parse } from "smol-toml";

/** The `[vars]` of wrangler.toml, with process.env taking precedence. */
export function siteVar(name: string, configPath = "wrangler.toml"): string | undefined {
  if (process.env[name]) return process.env[name];
  const config = parse(readFileSync(configPath, "utf8")) as { vars?: Record<string, unknown> };
  const value = config.vars?.[name];
  return typeof value === "string" ? value : undefined;
}
