/**
 * A fake Resend API on 127.0.0.1 for benchmarks and local runs: POST /emails and
 * /emails/batch with Resend's answers, idempotency keys (same key + same body → the first
 * answer again, nothing sent; different body → 409), and failure injection: a share of
 * calls answer 500 or 429 before doing anything, another share is accepted and then
 * answered 500 (the ambiguous case a retry must not turn into a duplicate).
 * Counts every accepted message per recipient, so duplicates and losses are measurable.
 *
 *   npx tsx scripts/fake-resend.ts --port 8788 --fail500 0.05 --fail429 0.05 --lose 0.02
 *   GET /__stats → { calls, accepted, recipients, duplicates, replays, failures… }
 */
import { createServer, type Server } from "node:http";
import { createHash } from "node:crypto";

export interface FakeResendOptions {
  port?: number;
  fail500?: number;
  fail429?: number;
  lose?: number;
  /** Deterministic failures: a small LCG seeded here. */
  seed?: number;
  /** Artificial latency per call, ms. */
  latencyMs?: number;
}

export interface FakeResendStats {
  calls: number;
  accepted: number;
  recipients: number;
  duplicates: number;
  replays: number;
  conflicts: number;
  injected500: number;
  injected429: number;
  lost: number;
  keys: number;
}

export interface FakeResend {
  url: string;
  stats(): FakeResendStats;
  received: Map<string, number>;
  close(): Promise<void>;
}

export async function startFakeResend(options: FakeResendOptions = {}): Promise<FakeResend> {
  let state = options.seed ?? 42;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const received = new Map<string, number>();
  const keys = new Map<string, { hash: string; status: number; body: string }>();
  const stats: FakeResendStats = { calls: 0, accepted: 0, recipients: 0, duplicates: 0, replays: 0, conflicts: 0, injected500: 0, injected429: 0, lost: 0, keys: 0 };
  let ids = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const reply = (status: number, body: unknown) => {
        const text = typeof body === "string" ? body : JSON.stringify(body);
        setTimeout(() => res.writeHead(status, { "content-type": "application/json" }).end(text), options.latencyMs ?? 0);
      };
      if (req.method === "GET" && req.url === "/__stats") return reply(200, { ...stats, keys: keys.size, recipients: received.size });
      if (req.method !== "POST" || !req.url?.startsWith("/emails")) return reply(404, { statusCode: 404, name: "not_found", message: "no such endpoint" });
      stats.calls++;
      if (!/^Bearer \S+/.test(req.headers.authorization ?? "")) return reply(401, { statusCode: 401, name: "missing_api_key", message: "Missing API key" });
      const roll = random();
      const p500 = options.fail500 ?? 0;
      const p429 = options.fail429 ?? 0;
      if (roll < p500) return (stats.injected500++, reply(500, { statusCode: 500, name: "internal_server_error", message: "injected failure" }));
      if (roll < p500 + p429) return (stats.injected429++, reply(429, { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" }));
      const raw = Buffer.concat(chunks).toString("utf8");
      const hash = createHash("sha256").update(raw).digest("hex");
      const key = req.headers["idempotency-key"];
      const previous = typeof key === "string" ? keys.get(key) : undefined;
      if (previous) {
        if (previous.hash !== hash) return (stats.conflicts++, reply(409, { statusCode: 409, name: "invalid_idempotent_request", message: "Same idempotency key used with a different request payload." }));
        stats.replays++;
        return reply(previous.status, previous.body);
      }
      let payload: unknown;
      try {
        payload = JSON.parse(raw);
      } catch {
        return reply(422, { statusCode: 422, name: "validation_error", message: "invalid JSON" });
      }
      const batch = req.url.startsWith("/emails/batch");
      const messages = (batch ? payload : [payload]) as Array<{ to?: string[] | string }>;
      const data = messages.map((m) => {
        for (const to of [m.to ?? []].flat()) {
          const n = (received.get(to) ?? 0) + 1;
          received.set(to, n);
          if (n > 1) stats.duplicates++;
        }
        stats.accepted++;
        return { id: `fake-${++ids}` };
      });
      const body = JSON.stringify(batch ? { data, errors: [] } : data[0]);
      if (typeof key === "string") keys.set(key, { hash, status: 200, body });
      if (random() < (options.lose ?? 0)) return (stats.lost++, reply(500, { statusCode: 500, name: "internal_server_error", message: "accepted, answer lost" }));
      reply(200, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ ...stats, keys: keys.size, recipients: received.size }),
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fake = await startFakeResend({ port: arg("port", 8788), fail500: arg("fail500", 0), fail429: arg("fail429", 0), lose: arg("lose", 0) });
  console.log(`fake Resend API on ${fake.url} (GET ${fake.url}/__stats)`);
}
