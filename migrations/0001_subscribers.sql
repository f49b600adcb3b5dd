-- Subscribers, double opt-in and the mail plumbing around them (issue 3).
-- Every time is epoch milliseconds. Other tables that reference a subscriber should
-- name the column `subscriber_id` (admin delete removes those rows too) and may use
-- `REFERENCES subscribers(id) ON DELETE CASCADE` (D1 enforces foreign keys).

CREATE TABLE subscribers (
  id TEXT PRIMARY KEY,                       -- crypto.randomUUID(): random, never in a link unsigned
  email TEXT NOT NULL UNIQUE,                -- normalised: trimmed, domain lower-cased (punycode)
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'active', 'unsubscribed', 'bounced', 'complained')),
  topics TEXT NOT NULL DEFAULT '[]',         -- JSON array of termSlug()s; empty = everything
  tags TEXT NOT NULL DEFAULT '[]',
  cadence TEXT NOT NULL DEFAULT 'daily' CHECK (cadence IN ('daily', 'weekly')),
  timezone TEXT NOT NULL DEFAULT 'UTC',      -- IANA name
  send_hour INTEGER NOT NULL DEFAULT 8 CHECK (send_hour BETWEEN 0 AND 23),
  send_weekday INTEGER NOT NULL DEFAULT 1 CHECK (send_weekday BETWEEN 0 AND 6), -- 0 = Sunday
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  confirmed_at INTEGER,
  unsubscribed_at INTEGER,
  suppressed_at INTEGER,
  suppression_reason TEXT                    -- webhook event type that suppressed the address
);
CREATE INDEX subscribers_by_status ON subscribers (status, created_at, id);
CREATE INDEX subscribers_by_created ON subscribers (created_at, id);

-- Resend (Svix) webhook deliveries already handled, for de-duplication and replay checks.
CREATE TABLE webhook_events (
  svix_id TEXT PRIMARY KEY,
  svix_timestamp INTEGER NOT NULL,           -- seconds, as signed
  type TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE INDEX webhook_events_by_received ON webhook_events (received_at);

-- Mail captured by the dev outbox sender (no RESEND_API_KEY).
CREATE TABLE dev_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  idempotency_key TEXT,
  position INTEGER NOT NULL DEFAULT 0,       -- index within a batch
  from_addr TEXT NOT NULL,
  to_addr TEXT NOT NULL,
  subject TEXT NOT NULL,
  html TEXT NOT NULL,
  text TEXT NOT NULL,
  headers TEXT NOT NULL DEFAULT '{}',
  sent_at INTEGER NOT NULL,
  UNIQUE (idempotency_key, position)
);
CREATE INDEX dev_outbox_by_to ON dev_outbox (to_addr, seq);

-- Fixed windows that open at the first hit: `count` hits allowed until `reset_at`.
CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  reset_at INTEGER NOT NULL,
  count INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX rate_limits_by_reset ON rate_limits (reset_at);
