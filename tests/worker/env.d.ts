import type { D1Migration } from "cloudflare:test";

// `env` from "cloudflare:workers" is the generated Cloudflare.Env (worker-configuration.d.ts,
// which also types `exports`); the tests' config adds the migrations binding.
declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
export {};
