/** Deploy preflight: refuses placeholder and unsafe settings, naming each; lists the secrets. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { checkDeployConfig, preflightReport } from "../../scripts/preflight.js";

const READY = `
name = "tidings"
[vars]
SITE_URL = "https://news.acme.cn"
PUBLIC_URL = "https://news.acme.cn"
ENVIRONMENT = "production"
EMAIL_FROM = "Acme News <digest@news.acme.cn>"
RESEND_BASE_URL = "https://api.resend.com"
WEBSUB_HUB = ""
ORIGIN_URL = "https://acme-site.pages.dev"
[[d1_databases]]
binding = "DB"
database_name = "tidings"
database_id = "3f1e2d4c-5b6a-4789-8123-456789abcdef"
`;

function check(toml: string): string[] {
  return checkDeployConfig(parse(toml) as Parameters<typeof checkDeployConfig>[0]);
}
const withVar = (name: string, value: string) => READY.replace(new RegExp(`^${name} = .*$`, "m"), `${name} = ${JSON.stringify(value)}`);

describe("checkDeployConfig", () => {
  it("accepts a real configuration", () => {
    expect(check(READY)).toEqual([]);
  });

  it("refuses the committed wrangler.toml, naming every placeholder", () => {
    const problems = check(readFileSync("wrangler.toml", "utf8"));
    expect(problems.find((p) => p.startsWith("d1_databases.DB.database_id:"))).toMatch(/placeholder.*wrangler d1 create/);
    expect(problems.find((p) => p.startsWith("vars.SITE_URL:"))).toMatch(/example\.com/);
    expect(problems.find((p) => p.startsWith("vars.PUBLIC_URL:"))).toMatch(/example\.workers\.dev/);
    expect(problems.find((p) => p.startsWith("vars.EMAIL_FROM:"))).toMatch(/example\.com/);
  });

  it.each([
    ["PUBLIC_URL", "http://news.acme.cn", /vars\.PUBLIC_URL: must be an https:\/\/ URL/],
    ["PUBLIC_URL", "not a url", /vars\.PUBLIC_URL: must be an https:\/\/ URL/],
    ["PUBLIC_URL", "https://tidings.example.workers.dev", /vars\.PUBLIC_URL: .*example\.workers\.dev/],
    ["SITE_URL", "https://www.example.org", /vars\.SITE_URL: .*example\.org/],
    ["EMAIL_FROM", "digest", /vars\.EMAIL_FROM: "digest" has no valid domain/],
    ["EMAIL_FROM", "Acme <digest@localhost>", /vars\.EMAIL_FROM: "digest@localhost" has no valid domain/],
    ["EMAIL_FROM", "Acme <digest@>", /vars\.EMAIL_FROM: /],
    ["EMAIL_FROM", "", /vars\.EMAIL_FROM: must be an address/],
    ["ENVIRONMENT", "development", /vars\.ENVIRONMENT: must be "production"/],
    ["ORIGIN_URL", "ftp://site", /vars\.ORIGIN_URL: must be an http\(s\) URL/],
    ["WEBSUB_HUB", "http://hub.acme.cn", /vars\.WEBSUB_HUB: must be an https URL/],
  ])("%s = %j is refused", (name, value, reason) => {
    const problems = check(withVar(name, value));
    expect(problems.some((p) => reason.test(p)), problems.join("\n")).toBe(true);
  });

  it("accepts a bare sender address and an empty optional URL", () => {
    expect(check(withVar("EMAIL_FROM", "digest@news.acme.cn"))).toEqual([]);
    expect(check(withVar("ORIGIN_URL", ""))).toEqual([]);
  });

  it("refuses a missing D1 database and an example route", () => {
    const noDb = READY.slice(0, READY.indexOf("[[d1_databases]]"));
    expect(check(noDb)).toContain('d1_databases: no database with binding = "DB"');
    const routed = READY.replace("[vars]", 'routes = [{ pattern = "news.example.com/*", zone_name = "example.com" }]\n[vars]');
    expect(check(routed)).toContain('routes: "news.example.com/*" is an example host; route your own domain');
  });

  it("the report lists every secret to set", () => {
    const report = preflightReport("wrangler.toml", parse(READY) as Parameters<typeof preflightReport>[1]);
    expect(report.ok).toBe(true);
    for (const name of ["TOKEN_SECRET", "ADMIN_TOKEN", "RESEND_API_KEY", "RESEND_WEBHOOK_SECRET"]) expect(report.text).toContain(name);
    expect(report.text).toContain("npx wrangler secret put NAME");
  });
});

describe("npm run preflight (the CLI)", () => {
  const run = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "scripts/preflight.ts", ...args], { encoding: "utf8" });

  it("exits 1 on the committed placeholders, naming each, and lists the secrets", () => {
    const result = run([]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("wrangler.toml: d1_databases.DB.database_id:");
    expect(result.stderr).toContain("wrangler.toml: vars.PUBLIC_URL:");
    expect(result.stderr).toContain("RESEND_WEBHOOK_SECRET");
  }, 60_000);

  it("exits 0 on a ready configuration", () => {
    const dir = mkdtempSync(join(tmpdir(), "tidings-preflight-"));
    writeFileSync(join(dir, "wrangler.toml"), READY);
    const result = run(["--config", join(dir, "wrangler.toml")]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("looks ready to deploy");
  }, 60_000);

  it("npm run deploy runs the preflight first", () => {
    const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.preflight).toContain("scripts/preflight.ts");
    expect(scripts.deploy).toMatch(/^npm run preflight && /);
  });
});
