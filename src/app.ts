import { readConfig } from "./config.js";
import { Hono } from "hono";
import { digestAdminRoutes, digestDevRoutes } from "./digest/admin.js";
import { digestWebRoutes } from "./digest/web.js";
import type { AppEnv } from "./env.js";
import { hugoFeedRoutes } from "./feeds/hugo.js";
import { personalFeedRoutes } from "./feeds/personal.js";
import { feedRoutes } from "./feeds/routes.js";
import { problem } from "./lib/http.js";
import { passToOrigin } from "./origin.js";
import { pageRoutes } from "./pages/routes.js";
import { consoleRoutes } from "./admin/console.js";
import { adminSubscriberRoutes } from "./admin/subscribers.js";
import { outboxRoutes } from "./email/outbox-routes.js";
import { subscriberRoutes } from "./subscribers/routes.js";
import { webhookRoutes } from "./subscribers/webhooks.js";
import { pageSecurity } from "./lib/page-security.js";
import { INLINE_SCRIPTS } from "../templates/inline-scripts.js";

export const app = new Hono<AppEnv>();

// CSP, nosniff and no framing on every HTML response (the origin's own excepted).
app.use(pageSecurity(INLINE_SCRIPTS));

app.route("/", feedRoutes);
app.route("/", personalFeedRoutes);
app.route("/", hugoFeedRoutes);
app.route("/", pageRoutes);
app.route("/admin/digests", digestAdminRoutes);
app.route("/", subscriberRoutes);
app.route("/", digestWebRoutes);
app.route("/", webhookRoutes);
app.route("/admin/subscribers", adminSubscriberRoutes);
app.route("/", consoleRoutes);
app.route("/dev/outbox/digests", digestDevRoutes);
app.route("/dev/outbox", outboxRoutes);

/** Every path Tidings does not answer: the fronted site's (ORIGIN_URL), else a 404. */
app.notFound((c) => {
  const origin = readConfig(c.env).originUrl;
  return origin ? passToOrigin(c, origin) : problem(c, 404, `no page at ${new URL(c.req.url).pathname}`);
});
app.onError((error, c) => {
  console.error("unhandled error", error instanceof Error ? error.stack : error);
  return problem(c, 500, "internal error");
});
