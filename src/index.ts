import { app } from "./app.js";
import type { Env } from "./env.js";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
