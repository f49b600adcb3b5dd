/** wrangler.toml and the code agree on the digest queue's retry schedule (the dead letter margin depends on it). */
import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { MAX_RETRIES } from "../../src/digest/messages.js";

describe("digest queue configuration", () => {
  it("max_retries in wrangler.toml is the MAX_RETRIES the dead letter arithmetic assumes", () => {
    const config = parse(readFileSync("wrangler.toml", "utf8")) as { queues: { consumers: Array<{ queue: string; max_retries?: number }> } };
    const digest = config.queues.consumers.find((c) => c.queue === "tidings-digest");
    expect(digest?.max_retries).toBe(MAX_RETRIES);
  });
});
