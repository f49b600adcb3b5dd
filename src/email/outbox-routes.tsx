/** /dev/outbox: the dev outbox for people (HTML) and scripts (JSON), development only. */
import { Hono } from "hono";
import { OutboxListPage, OutboxMessagePage } from "../../templates/pages/outbox.js";
import { pageSite as site } from "../config.js";
import type { AppEnv } from "../env.js";
import { htmlDocument } from "../lib/html.js";
import { developmentOnly, problem, wantsJson } from "../lib/http.js";
import { getOutboxMessage, listOutbox } from "./outbox.js";

export const outboxRoutes = new Hono<AppEnv>();

const MAX_LIMIT = 1000;

outboxRoutes.use("*", developmentOnly);

outboxRoutes.get("/", async (c) => {
  const limitText = c.req.query("limit") ?? "100";
  const limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) return problem(c, 400, `limit must be a whole number from 1 to ${MAX_LIMIT}`);
  const to = c.req.query("to") || undefined;
  const messages = await listOutbox(c.env.DB, { limit, to });
  if (wantsJson(c.req.raw)) return c.json(messages.map(({ id, to, subject, html, text, headers, sentAt }) => ({ id, to, subject, html, text, headers, sentAt })));
  return c.html(htmlDocument(<OutboxListPage site={site(c.env)} messages={messages} ranDigests={c.req.query("digests") === "1"} />));
});

outboxRoutes.get("/:id", async (c) => {
  const message = await getOutboxMessage(c.env.DB, c.req.param("id"));
  if (!message) return problem(c, 404, "no such message in the dev outbox");
  if (wantsJson(c.req.raw)) return c.json(message);
  return c.html(htmlDocument(<OutboxMessagePage site={site(c.env)} message={message} />));
});
