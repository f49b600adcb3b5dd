import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("/subscribe?topics=…&tags=… preselects those terms (the directory's 'email me this topic' links)", async () => {
  const res = await exports.default.fetch("http://localhost:8787/subscribe?topics=open-source&tags=Scale%20AI&tags=nope");
  expect(res.status).toBe(200);
  const html = await res.text();
  const checked = [...html.matchAll(/<input type="checkbox" name="(topics|tags)" value="([^"]+)" checked/g)].map((m) => `${m[1]}:${m[2]}`);
  expect(checked.sort()).toEqual(["tags:scale-ai", "topics:open-source"]);
});

it("/subscribe without a query preselects nothing", async () => {
  const html = await (await exports.default.fetch("http://localhost:8787/subscribe")).text();
  expect(html).not.toMatch(/type="checkbox"[^>]* checked/);
});
