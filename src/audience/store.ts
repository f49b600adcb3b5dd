/** Feed audience in D1 (migrations/0004_audience.sql): the only module with its SQL. */

export interface AggregatorSighting {
  day: string;
  path: string;
  aggregator: string;
  subscribers: number;
  seenAt: number;
}

export interface ClientSighting {
  day: string;
  path: string;
  client: string;
}

export interface FeedAudience {
  path: string;
  subscribers: number;
  aggregators: Record<string, number>;
  clients: number;
}

export interface AudienceDay {
  day: string;
  path: string;
  subscribers: number;
  clients: number;
}

/** Rows per statement: each statement carries its rows as one JSON parameter. */
const CHUNK = 500;

function chunked<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

/** Writes a batch of sightings in one D1 batch (one round trip). */
export async function writeSightings(db: D1Database, aggregators: readonly AggregatorSighting[], clients: readonly ClientSighting[]): Promise<void> {
  const statements = [
    ...chunked(aggregators).map((rows) =>
      db
        .prepare(
          `INSERT INTO feed_aggregators (day, path, aggregator, subscribers, seen_at)
           SELECT json_extract(j.value, '$.day'), json_extract(j.value, '$.path'), json_extract(j.value, '$.aggregator'),
                  json_extract(j.value, '$.subscribers'), json_extract(j.value, '$.seenAt')
           FROM json_each(?1) AS j WHERE true
           ON CONFLICT (day, path, aggregator) DO UPDATE SET subscribers = excluded.subscribers, seen_at = excluded.seen_at
           WHERE excluded.seen_at >= feed_aggregators.seen_at`,
        )
        .bind(JSON.stringify(rows)),
    ),
    ...chunked(clients).map((rows) =>
      db
        .prepare(
          `INSERT OR IGNORE INTO feed_clients (day, path, client)
           SELECT json_extract(j.value, '$.day'), json_extract(j.value, '$.path'), json_extract(j.value, '$.client') FROM json_each(?1) AS j`,
        )
        .bind(JSON.stringify(rows)),
    ),
  ];
  if (statements.length) await db.batch(statements);
}

/**
 * Per feed: the latest count each aggregator reported (within the window), the distinct
 * clients of the feed's latest recorded day, and their sum as `subscribers`.
 */
export async function readAudience(db: D1Database, sinceDay: string): Promise<FeedAudience[]> {
  const [aggregators, clients] = await db.batch<{ path: string; aggregator?: string; subscribers?: number; clients?: number }>([
    db.prepare(
      `SELECT path, aggregator, subscribers FROM feed_aggregators a
       WHERE day >= ?1 AND day = (SELECT MAX(day) FROM feed_aggregators b WHERE b.path = a.path AND b.aggregator = a.aggregator AND b.day >= ?1)`,
    ).bind(sinceDay),
    db.prepare(
      `SELECT path, COUNT(*) AS clients FROM feed_clients c
       WHERE day = (SELECT MAX(day) FROM feed_clients d WHERE d.path = c.path AND d.day >= ?1) GROUP BY path`,
    ).bind(sinceDay),
  ]);
  const feeds = new Map<string, FeedAudience>();
  const feed = (path: string) => {
    let f = feeds.get(path);
    if (!f) feeds.set(path, (f = { path, subscribers: 0, aggregators: {}, clients: 0 }));
    return f;
  };
  for (const r of aggregators!.results) feed(r.path).aggregators[r.aggregator!] = r.subscribers!;
  for (const r of clients!.results) feed(r.path).clients = r.clients!;
  for (const f of feeds.values()) f.subscribers = f.clients + Object.values(f.aggregators).reduce((a, b) => a + b, 0);
  return [...feeds.values()].sort((a, b) => b.subscribers - a.subscribers || a.path.localeCompare(b.path));
}

/** Per feed and day since `sinceDay`: aggregator subscribers reported that day plus distinct clients. */
export async function readAudienceDays(db: D1Database, sinceDay: string): Promise<AudienceDay[]> {
  const { results } = await db
    .prepare(
      `SELECT day, path, SUM(subscribers) AS subscribers, SUM(clients) AS clients FROM (
         SELECT day, path, subscribers, 0 AS clients FROM feed_aggregators WHERE day >= ?1
         UNION ALL
         SELECT day, path, COUNT(*), COUNT(*) FROM feed_clients WHERE day >= ?1 GROUP BY day, path
       ) GROUP BY day, path ORDER BY path, day`,
    )
    .bind(sinceDay)
    .all<AudienceDay>();
  return results;
}

/** Drops days before `beforeDay` (the cron keeps a window). */
export async function pruneAudience(db: D1Database, beforeDay: string): Promise<void> {
  await db.batch([
    db.prepare("DELETE FROM feed_aggregators WHERE day < ?1").bind(beforeDay),
    db.prepare("DELETE FROM feed_clients WHERE day < ?1").bind(beforeDay),
  ]);
}
