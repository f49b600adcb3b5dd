/**
 * A body file read through the assets binding borrows the isolate's scratch buffer (BYOB)
 * instead of making a buffer of its own, which would be garbage once its bytes are in the
 * content arena (src/content/index.ts `lendBody`).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { siteContent } from "../../src/content/index.js";
import { decodeBody } from "../../src/content/format.js";
import { cacheUsage, scratchBuffers } from "../../src/lib/cache.js";

describe("body file reads", () => {
  it("read into the scratch buffer, which is given back; the bodies are the file's", async () => {
    const content = await siteContent(env);
    const spare = scratchBuffers.take(1);
    scratchBuffers.give(spare);
    const positions = Array.from({ length: content.size }, (_, i) => i);
    const bodies = await content.bodies(positions);
    // Handed to the stream and back: the spare's memory now belongs to another ArrayBuffer object.
    expect(spare.detached).toBe(true);
    expect(cacheUsage().find((c) => c.name === "scratch")!.size).toBeGreaterThan(0);
    const file = new Uint8Array(await (await env.ASSETS.fetch("https://assets.invalid/__content/b/0.bin")).arrayBuffer());
    const count = new DataView(file.buffer).getUint32(0, true);
    expect(bodies.toReversed().slice(0, count)).toEqual(Array.from({ length: count }, (_, slot) => decodeBody(file, slot)));
  });
});
