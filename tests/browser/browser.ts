/**
 * Real-browser helpers: Debian's chromium driven by playwright-core, a fresh profile per
 * launch, screenshots under test-results/screenshots/ (CI artifacts).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject } from "vitest";

export const SCREENSHOTS = join(process.cwd(), "test-results", "screenshots");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Base URL of the `wrangler dev` that global-setup started. */
export function baseUrl(): string {
  return inject("baseUrl");
}

/** The same Worker with SITE_LANGUAGE=en. */
export function baseUrlEn(): string {
  return inject("baseUrlEn");
}

export interface Session {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launch(options: BrowserContextOptions = {}): Promise<Session> {
  const profile = mkdtempSync(join(tmpdir(), "tidings-chromium-"));
  // A fresh --user-data-dir per launch (playwright passes it from userDataDir).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1000, height: 800 },
    ...options,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // The pages' CSP must never block what they do: any violation fails the session.
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
  });
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      if (violations.length) throw new Error(`CSP violations:\n${violations.join("\n")}`);
    },
  };
}

/** Full-page PNG at test-results/screenshots/<name>.png; returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A session for a describe block: launched before its tests, closed (and its CSP violations reported) after. */
export function browserSession(options: BrowserContextOptions = {}): () => Session {
  let session: Session | undefined;
  beforeAll(async () => {
    session = await launch(options);
  });
  afterAll(async () => {
    await session?.close();
  });
  return () => session!;
}

export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  sentAt: string;
}

/**
 * The mail an address got (newest first) once there are at least `count`; waits for the
 * queue consumer, which delivers shortly after the request that queued the mail answered.
 */
export async function outbox(base: string, to: string, count = 1): Promise<OutboxMessage[]> {
  for (let tries = 0; ; tries++) {
    const res = await fetch(`${base}/dev/outbox?to=${encodeURIComponent(to)}`, { headers: { Accept: "application/json" } });
    expect(res.status).toBe(200);
    const messages = (await res.json()) as OutboxMessage[];
    if (messages.length >= count || tries >= 300) return messages;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
