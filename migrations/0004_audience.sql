-- Feed audience (issue 10), written only by src/audience/store.ts. Days are UTC dates
-- (YYYY-MM-DD); `path` is the canonical feed path (/rss.xml, /tags/scale-ai/atom.xml).

-- The subscriber count an aggregator reports in its User-Agent: the latest per day.
CREATE TABLE feed_aggregators (
  day TEXT NOT NULL,
  path TEXT NOT NULL,
  aggregator TEXT NOT NULL,                  -- Feedly, Inoreader, NewsBlur, …
  subscribers INTEGER NOT NULL,
  seen_at INTEGER NOT NULL,                  -- epoch ms of the report kept
  PRIMARY KEY (day, path, aggregator)
) WITHOUT ROWID;

-- Distinct other clients per day: a keyed hash of (day, /64 or IPv4 address, User-Agent).
-- No raw address is ever stored; the key is derived from TOKEN_SECRET and the day.
CREATE TABLE feed_clients (
  day TEXT NOT NULL,
  path TEXT NOT NULL,
  client TEXT NOT NULL,
  PRIMARY KEY (day, path, client)
) WITHOUT ROWID;
