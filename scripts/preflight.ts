/**
 * Deploy preflight: `npm run preflight` (and first thing in `npm run deploy`). Reads
 * wrangler.toml and refuses, naming each problem, what would deploy a broken or a
 * placeholder site: the all-zero D1 id, `example.com` / `example.workers.dev` values, a
 * `PUBLIC_URL` that is not https, an `EMAIL_FROM` without a domain, a development
 * `ENVIRONMENT`. Then lists the secrets to set (wrangler cannot tell us which are set
 * without an account, so they are listed, not checked).
 *
 *   node --import tsx scripts/preflight.ts [--config path/to/wrangler.toml]
 */
import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { CATALOGUES, say } from "../src/i18n/index.js";
import { normaliseEmail } from "../src/subscribers/address.js";

export interface Secret {
  name: string;
  why: string;
}

/** The secrets a deployed Tidings reads (DESIGN.md), and what each does. */
export const SECRETS: readonly Secret[] = [
  { name: "TOKEN_SECRET", why: "signs every link in mail and the console session; `openssl rand -base64 32`" },
  { name: "ADMIN_TOKEN", why: "the admin API and the /admin console; unset = both disabled" },
  { name: "RESEND_API_KEY", why: "sends mail through Resend (re_…)" },
  { name: "RESEND_WEBHOOK_SECRET", why: "verifies Resend's webhook (whsec_…): bounces and complaints stop mail" },
];

const PLACEHOLDER_HOST = /\bexample\.(?:com|net|org|workers\.dev)\b/i;
const PLACEHOLDER_DB = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;

type Config = {
  vars?: Record<string, unknown>;
  d1_databases?: { binding?: string; database_id?: string }[];
  routes?: (string | { pattern?: string })[];
  route?: string | { pattern?: string };
};

function httpUrl(value: string, protocols: string[]): URL | null {
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) ? url : null;
  } catch {
    return null;
  }
}

/** The domain of `Name <local@domain>` or `local@domain`, if the address is valid. */
function senderProblem(value: string): string | null {
  const match = /^(?:[^<>]*<([^<>]+)>|([^<>\s]+))\s*$/.exec(value.trim());
  const address = match?.[1] ?? match?.[2];
  if (!address) return `must be an address, e.g. "Tidings <digest@news.your-domain.com>"; got "${value}"`;
  const checked = normaliseEmail(address);
  if (!checked.ok) return `"${address}" has no valid domain (${say(CATALOGUES.en, checked.reason)}); Resend sends only from a verified domain`;
  return null;
}

/** Every problem of a parsed wrangler.toml, each naming its setting. Empty = ready. */
export function checkDeployConfig(config: Config): string[] {
  const problems: string[] = [];
  const vars = config.vars ?? {};
  const text = (name: string) => (typeof vars[name] === "string" ? (vars[name] as string) : "");

  const databases = config.d1_databases ?? [];
  const db = databases.find((d) => d.binding === "DB");
  if (!db) problems.push('d1_databases: no database with binding = "DB"');
  else if (!db.database_id || PLACEHOLDER_DB.test(db.database_id)) {
    problems.push(`d1_databases.DB.database_id: "${db.database_id ?? ""}" is the placeholder; run \`npx wrangler d1 create tidings\` and put its database_id here`);
  }

  for (const [name, value] of Object.entries(vars)) {
    if (typeof value === "string" && PLACEHOLDER_HOST.test(value)) {
      problems.push(`vars.${name}: "${value}" is an example value (${PLACEHOLDER_HOST.exec(value)![0]}); put your own`);
    }
  }
  const routes = [...(config.routes ?? []), ...(config.route ? [config.route] : [])];
  for (const route of routes) {
    const pattern = typeof route === "string" ? route : (route.pattern ?? "");
    if (PLACEHOLDER_HOST.test(pattern)) problems.push(`routes: "${pattern}" is an example host; route your own domain`);
  }

  const publicUrl = text("PUBLIC_URL");
  if (!httpUrl(publicUrl, ["https:"])) problems.push(`vars.PUBLIC_URL: must be an https:// URL (links in mail and feed self links), got "${publicUrl}"`);
  const siteUrl = text("SITE_URL");
  if (!httpUrl(siteUrl, ["https:", "http:"])) problems.push(`vars.SITE_URL: must be the site's http(s) URL, got "${siteUrl}"`);
  const from = senderProblem(text("EMAIL_FROM"));
  if (from) problems.push(`vars.EMAIL_FROM: ${from}`);
  if (text("ENVIRONMENT") !== "production") {
    problems.push(`vars.ENVIRONMENT: must be "production" when deployed (development exposes the dev outbox), got "${text("ENVIRONMENT")}"`);
  }
  for (const name of ["ORIGIN_URL", "WEBSUB_HUB", "RESEND_BASE_URL"]) {
    const value = text(name);
    if (value && !httpUrl(value, name === "ORIGIN_URL" ? ["https:", "http:"] : ["https:"])) {
      problems.push(`vars.${name}: must be ${name === "ORIGIN_URL" ? "an http(s)" : "an https"} URL or empty, got "${value}"`);
    }
  }
  return problems;
}

/** What the CLI prints: the problems (if any), then the secrets to set. */
export function preflightReport(configPath: string, config: Config): { ok: boolean; text: string } {
  const problems = checkDeployConfig(config);
  const lines: string[] = [];
  if (problems.length) {
    lines.push(`preflight: ${configPath} is not ready to deploy, ${problems.length} problem(s):`);
    for (const p of problems) lines.push(`  ${configPath}: ${p}`);
  } else {
    lines.push(`preflight: ${configPath} looks ready to deploy.`);
  }
  lines.push("", "Secrets to set once per Worker (never in wrangler.toml), `npx wrangler secret put NAME`:");
  for (const s of SECRETS) lines.push(`  ${s.name.padEnd(22)} ${s.why}`);
  lines.push("", "Then: `npx wrangler d1 migrations apply DB --remote`.");
  return { ok: problems.length === 0, text: lines.join("\n") + "\n" };
}

function main(argv: string[]): number {
  const at = argv.indexOf("--config");
  const configPath = at >= 0 ? argv[at + 1] : "wrangler.toml";
  if (!configPath) {
    process.stderr.write("preflight: --config needs a path\n");
    return 2;
  }
  let config: Config;
  try {
    config = parse(readFileSync(configPath, "utf8")) as Config;
  } catch (error) {
    process.stderr.write(`preflight: ${configPath}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const report = preflightReport(configPath, config);
  (report.ok ? process.stdout : process.stderr).write(report.text);
  return report.ok ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
