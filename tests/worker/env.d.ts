import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../../src/env.js";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
    /** Types `exports` from "cloudflare:workers" (the Worker's own default export). */
    interface GlobalProps {
      mainModule: typeof import("../../src/index.js");
    }
  }
}
export {};
