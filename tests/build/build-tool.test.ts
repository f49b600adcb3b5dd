/**
 * The compiled build tool (scripts/build-tool.mjs): bundled once into .cache/ under the
 * hash of its sources, reused while they are unchanged, compiled again when one changes.
 */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { ensureTool } from "../../scripts/build-tool.mjs";

function fixture(): string {
  const root = mkdtempSync(join(tmpdir(), "tidings-tool-"));
  mkdirSync(join(root, "lib"));
  writeFileSync(join(root, "main.ts"), `import { word } from "./lib/word.js";\nexport const said: string = word();\n`);
  writeFileSync(join(root, "lib/word.ts"), `export function word(): string { return "one"; }\n`);
  return root;
}

describe("build tool cache", () => {
  it("is keyed by every source's bytes: reused while unchanged, recompiled when an imported file changes", async () => {
    const root = fixture();
    const toolDir = join(root, ".cache/tool");
    const entries = { main: "main.ts" };

    const first = await ensureTool({ root, toolDir, entries });
    expect(first.compiled).toBe(true);
    expect(((await import(pathToFileURL(join(first.dir, "main.mjs")).href)) as { said: string }).said).toBe("one");

    const again = await ensureTool({ root, toolDir, entries });
    expect(again).toEqual({ ...first, compiled: false });

    writeFileSync(join(root, "lib/word.ts"), `export function word(): string { return "two"; }\n`);
    const changed = await ensureTool({ root, toolDir, entries });
    expect(changed.compiled).toBe(true);
    expect(changed.key).not.toBe(first.key);
    expect(((await import(pathToFileURL(join(changed.dir, "main.mjs")).href)) as { said: string }).said).toBe("two");
    // Only the current bundle is kept.
    expect(readdirSync(toolDir).sort()).toEqual([changed.key, "current.json"].sort());

    // Back to the first bytes: the first key again.
    writeFileSync(join(root, "lib/word.ts"), `export function word(): string { return "one"; }\n`);
    expect((await ensureTool({ root, toolDir, entries })).key).toBe(first.key);
  }, 30_000);

  it("bundles the npm packages it imports, and compiles again when an installed package changes", async () => {
    const root = fixture();
    mkdirSync(join(root, "node_modules/greeting"), { recursive: true });
    writeFileSync(join(root, "node_modules/greeting/package.json"), JSON.stringify({ name: "greeting", type: "module", exports: "./index.js" }));
    writeFileSync(join(root, "node_modules/greeting/index.js"), `export const greeting = "hello";\n`);
    writeFileSync(join(root, "greet.ts"), `import { greeting } from "greeting";\nexport const said: string = greeting;\n`);
    const toolDir = join(root, ".cache/tool");
    const entries = { greet: "greet.ts" };

    const first = await ensureTool({ root, toolDir, entries });
    // In the bundle, not imported at run time: no package is resolved when the build starts.
    expect(readFileSync(join(first.dir, "greet.mjs"), "utf8")).not.toMatch(/from\s*["']greeting["']/);
    expect(((await import(pathToFileURL(join(first.dir, "greet.mjs")).href)) as { said: string }).said).toBe("hello");

    // `npm install` brought another version: the bundle is made again from it.
    writeFileSync(join(root, "node_modules/greeting/index.js"), `export const greeting = "bonjour";\n`);
    const updated = await ensureTool({ root, toolDir, entries });
    expect(updated.compiled).toBe(true);
    expect(updated.key).not.toBe(first.key);
    expect(((await import(pathToFileURL(join(updated.dir, "greet.mjs")).href)) as { said: string }).said).toBe("bonjour");
  }, 30_000);

  it("is what wrangler's [build] runs on every dev save and deploy: `npm run build`'s command, without npm's start", () => {
    const wrangler = parse(readFileSync("wrangler.toml", "utf8")) as { build: { command: string } };
    const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(wrangler.build.command).toBe(scripts["build"]);
    expect(wrangler.build.command).toMatch(/^node /);
  });
});
