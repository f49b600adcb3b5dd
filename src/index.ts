import { app } from "./app.js";
import { consumeDigestQueue } from "./digest/consumer.js";
import type { DigestMessage } from "./digest/messages.js";
import { runScheduledDigests } from "./digest/scheduler.js";
import { createSender } from "./email/sender.js";
import type { Env } from "./env.js";
import { purgeExpiredPending } from "./subscribers/maintenance.js";
import { publishWebSub } from "./websub/publish.js";

/** Runs independent scheduled tasks side by side; one failing does not stop the others. */
async function runTasks(tasks: Record<string, () => Promise<unknown>>): Promise<void> {
  await Promise.all(
    Object.entries(tasks).map(([name, task]) =>
      task().catch((error: unknown) => console.error(`scheduled task ${name} failed`, error instanceof Error ? error.stack : error)),
    ),
  );
}

export default {
  fetch: app.fetch,

  /** Hourly cron (UTC). Add a task here; keep each one self-contained. */
  async scheduled(controller, env, _ctx) {
    const now = controller.scheduledTime;
    await runTasks({
      digests: () => runScheduledDigests(env, now, { queue: env.DIGEST_QUEUE as Queue<DigestMessage> }),
      purgeExpiredPending: () => purgeExpiredPending(env, now),
      websub: () => publishWebSub(env, now),
    });
  },

  /** DIGEST_QUEUE consumer: acks or retries each message, never throws. */
  async queue(batch, env, _ctx) {
    await consumeDigestQueue(batch, env, { sender: createSender(env) });
  },
} satisfies ExportedHandler<Env>;
