import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    test: {
      // Quiet by default: what the code under test logs is shown only for failing tests
      // (`npx vitest run --silent=false` shows it all).
      silent: "passed-only" as const,
      projects: [
        {
          // The content build and other Node-side scripts.
          // Generous timeouts: these spawn the CLI and run on shared machines; speed is the
          // benchmark's business, never a test's.
          test: { name: "build", include: ["tests/build/**/*.test.ts"], environment: "node", testTimeout: 60_000 },
        },
        {
          // Everything the Worker does, inside workerd with real D1 and Queues.
          plugins: [
            cloudflareTest({
              main: "./src/index.ts",
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ENVIRONMENT: "development",
                  PUBLIC_URL: "http://localhost:8787",
                  TOKEN_SECRET: "test-token-secret-0123456789abcdef",
                  ADMIN_TOKEN: "test-admin-token",
                  RESEND_WEBHOOK_SECRET: "whsec_dGVzdC13ZWJob29rLXNlY3JldC0xMjM0NTY=",
                },
              },
            }),
          ],
          test: { name: "worker", include: ["tests/worker/**/*.test.ts"], setupFiles: ["tests/worker/setup.ts"], testTimeout: 60_000 },
        },
        {
          // Real chromium (playwright-core) against `wrangler dev` started by global-setup.
          test: {
            name: "browser",
            include: ["tests/browser/**/*.test.ts"],
            environment: "node",
            globalSetup: ["tests/browser/global-setup.ts"],
            testTimeout: 120_000,
            hookTimeout: 180_000,
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
