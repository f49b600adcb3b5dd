-- Digests (issue 4). Every time is epoch milliseconds.

-- When the system first saw each article as published: new-item detection by identity.
-- first_seen_at = 0 marks the archive recorded by the very first sync (never mailed).
CREATE TABLE articles_seen (
  article_id TEXT PRIMARY KEY,               -- Article.id (the permalink)
  first_seen_at INTEGER NOT NULL,
  published_at INTEGER NOT NULL              -- the article's own date, for reference
) WITHOUT ROWID;
CREATE INDEX articles_seen_by_first_seen ON articles_seen (first_seen_at);

-- One run per cadence and period (cron: `daily:2026-01-05T09Z`), or one per manual trigger.
CREATE TABLE digest_runs (
  id TEXT PRIMARY KEY,
  cadence TEXT NOT NULL CHECK (cadence IN ('daily', 'weekly')),
  trigger TEXT NOT NULL CHECK (trigger IN ('cron', 'manual')),
  slot INTEGER NOT NULL,                     -- the hour the run is for
  window_end INTEGER NOT NULL,               -- items first seen at or before this belong to the run
  targets TEXT NOT NULL,                     -- JSON: which (timezone, hour, weekday) are due
  items TEXT NOT NULL,                       -- JSON: article snapshots frozen at plan time
  status TEXT NOT NULL DEFAULT 'planning' CHECK (status IN ('planning', 'planned')),
  cursor TEXT,                               -- JSON keyset cursor { t: target index, id }
  next_batch INTEGER NOT NULL DEFAULT 0,     -- batches written to digest_deliveries
  enqueued_batches INTEGER NOT NULL DEFAULT 0, -- batches handed to DIGEST_QUEUE
  lease_until INTEGER NOT NULL DEFAULT 0,    -- one planner at a time
  planned INTEGER NOT NULL DEFAULT 0,
  stats TEXT NOT NULL DEFAULT '{}',          -- JSON: cron time, subrequests, pages
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  planned_at INTEGER
);
CREATE INDEX digest_runs_by_status ON digest_runs (status, created_at);
CREATE INDEX digest_runs_by_created ON digest_runs (created_at);

-- One row per subscriber and run: a subscriber can never get two copies of one run.
-- Windows never overlap (subscribers.digest_through moves forward in the same
-- transaction that writes the row), so no article reaches a subscriber twice.
CREATE TABLE digest_deliveries (
  run_id TEXT NOT NULL REFERENCES digest_runs (id) ON DELETE CASCADE,
  subscriber_id TEXT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  batch_no INTEGER NOT NULL,
  email TEXT NOT NULL,
  items TEXT NOT NULL,                       -- JSON: indices into digest_runs.items
  status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped')),
  provider_id TEXT,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, subscriber_id)
) WITHOUT ROWID;
CREATE INDEX digest_deliveries_by_batch ON digest_deliveries (run_id, batch_no, status);
CREATE INDEX digest_deliveries_by_status ON digest_deliveries (run_id, status);
CREATE INDEX digest_deliveries_by_subscriber ON digest_deliveries (subscriber_id);

-- Watermark: articles first seen up to here were considered for this subscriber.
ALTER TABLE subscribers ADD COLUMN digest_through INTEGER;
CREATE INDEX subscribers_digest_due ON subscribers (status, cadence, timezone, send_hour, id);
