import type { DigestMessage } from "./digest/messages.js";
import { messagesFor, type Messages } from "./i18n/index.js";

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

/** The site as pages and mails name it: title, language (src/i18n) and its messages. */
export interface PageSite {
  title: string;
  /** The catalogue language SITE_LANGUAGE resolves to (`en` when unknown). */
  lang: string;
  t: Messages;
}

export function pageSite(env: Env): PageSite {
  const t = messagesFor(env.SITE_LANGUAGE);
  return { title: env.SITE_TITLE, lang: t.lang, t };
}
