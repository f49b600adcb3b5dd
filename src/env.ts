import type { DigestMessage } from "./digest/messages.js";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- augments the generated global Cloudflare.Env
  namespace Cloudflare {
    /** Secrets (`wrangler secret put`; in development `.dev.vars`): the config cannot list them. */
    interface Env {
      RESEND_API_KEY?: string;
      RESEND_WEBHOOK_SECRET?: string;
      TOKEN_SECRET?: string;
      /** Optional: the former TOKEN_SECRET, accepted for verifying links only (rotation). */
      TOKEN_SECRET_PREVIOUS?: string;
      ADMIN_TOKEN?: string;
    }
  }
}

/**
 * What the Worker is given: the bindings and vars of `wrangler.toml`, generated into
 * `Cloudflare.Env` by `wrangler types` (worker-configuration.d.ts; `npm run types`
 * regenerates it, `npm run typecheck` fails when it is stale), the secrets above, and the
 * queue's message type, which the config cannot say.
 */
export interface Env extends Omit<Cloudflare.Env, "DIGEST_QUEUE"> {
  /** Digest batches, planning steps and transactional mail: one queue, one message union. */
  DIGEST_QUEUE: Queue<DigestMessage>;
}

export type AppEnv = { Bindings: Env };
