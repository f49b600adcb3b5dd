-- WebSub (issue 5): what each feed URL looked like when its hub was last told about it.
-- A feed is published again only when its fingerprint (SHA-256 of its bytes) or the hub
-- changes; a failed ping leaves the old fingerprint, so the next run retries it.
CREATE TABLE websub_publications (
  feed_url TEXT PRIMARY KEY,
  hub TEXT NOT NULL,
  -- Fingerprint of the content the hub was last successfully told about (NULL: never).
  published_fingerprint TEXT,
  published_at INTEGER,
  -- A run that is pinging this feed holds it until then (epoch ms), so overlapping runs
  -- never ping the same change twice.
  claimed_until INTEGER,
  failures INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  last_attempt_at INTEGER
);
