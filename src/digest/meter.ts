/**
 * Counts the subrequests a task makes (D1 queries and batches, Queue sends), so the cron
 * handler can report its cost and stay inside the per-invocation limits.
 */
export interface Meter {
  d1: number;
  queue: number;
}

export function newMeter(): Meter {
  return { d1: 0, queue: 0 };
}

export function subrequests(meter: Meter): number {
  return meter.d1 + meter.queue;
}

const RUNNERS = new Set(["first", "all", "run", "raw"]);
const raws = new WeakMap<object, D1PreparedStatement>();

function meteredStatement(raw: D1PreparedStatement, meter: Meter): D1PreparedStatement {
  const proxy = new Proxy(raw, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      if (prop === "bind") return (...args: unknown[]) => meteredStatement(value.apply(target, args) as D1PreparedStatement, meter);
      if (typeof prop === "string" && RUNNERS.has(prop)) meter.d1++;
      return value.bind(target);
    },
  });
  raws.set(proxy, raw);
  return proxy;
}

/** D1 whose calls are counted; statements it prepares still work in its batch(). */
export function meteredDb(db: D1Database, meter: Meter): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (query: string) => meteredStatement(target.prepare(query), meter);
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          meter.d1++;
          return target.batch(statements.map((s) => raws.get(s) ?? s));
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export function meteredQueue<T>(queue: Queue<T>, meter: Meter): Queue<T> {
  return {
    send: (body, options) => {
      meter.queue++;
      return queue.send(body, options);
    },
    sendBatch: (messages, options) => {
      meter.queue++;
      return queue.sendBatch(messages, options);
    },
  } as Queue<T>;
}
