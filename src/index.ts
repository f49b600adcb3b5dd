import { app } from "./app.js";
import { utcDay } from "./audience/recorder.js";
import { pruneAudience } from "./audience/store.js";
import { consumeDigestQueue } from "./digest/consumer.js";
import { consumeDeadLetters } from "./digest/dead-letter.js";
import { pruneDigestHistory } from "./digest/prune.js";
import { runScheduledDigests } from "./digest/scheduler.js";
import { readConfig } from "./config.js";
import { createSender } from "./email/create-sender.js";
import { sweepMailOutbox } from "./email/transactional.js";
import type { Env } from "./env.js";
import { withPublicUrl } from "./lib/urls.js";
import { purgeExpiredPending } from "./subscribers/maintenance.js";
import { publishWebSub } from "./websub/publish.js";

/** Name of the digest queue's dead letter queue (wrangler.toml). */
const DEAD_LETTER_QUEUE = "tidings-digest-dlq";
/** Days of feed audience kept (the console charts 30). */
const AUDIENCE_KEPT_DAYS = 35;

/** Runs independent scheduled tasks side by side; one failing does not stop the others. */
async function runTasks(tasks: Record<string, () => Promise<unknown>>): Promise<void> {
  await Promise.all(
    Object.entries(tasks).map(([name, task]) =>
      task().catch((error: unknown) => console.error(`scheduled task ${name} failed`, error instanceof Error ? error.stack : error)),
    ),
  );
}

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    return app.fetch(request, withPublicUrl(env, request.url), ctx);
  },

  /** Hourly cron (UTC). Add a task here; keep each one self-contained. */
  async scheduled(controller, configured, _ctx) {
    const env = withPublicUrl(configured);
    const now = controller.scheduledTime;
    await runTasks({
      digests: () => runScheduledDigests(env, now, { queue: env.DIGEST_QUEUE }),
      purgeExpiredPending: () => purgeExpiredPending(env, now),
      mailOutbox: () => sweepMailOutbox(env.DB, env.DIGEST_QUEUE, now),
      pruneDigestHistory: () => pruneDigestHistory(env, now),
      websub: () => publishWebSub(env, now),
      pruneAudience: () => pruneAudience(env.DB, utcDay(now - AUDIENCE_KEPT_DAYS * 86_400_000)),
    });
  },

  /** DIGEST_QUEUE and its dead letter queue: each message acked or retried, never a throw. */
  async queue(batch, configured, _ctx) {
    const env = withPublicUrl(configured);
    if (batch.queue === DEAD_LETTER_QUEUE) await consumeDeadLetters(batch, env);
    else await consumeDigestQueue(batch, env, { sender: createSender(readConfig(env).mail, env.DB) });
  },
} satisfies ExportedHandler<Env>;
