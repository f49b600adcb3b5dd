-- Durable mail (issue 8): every mail sent on behalf of a request (confirmation, "already
-- subscribed", notices) is written here first and delivered by the DIGEST_QUEUE consumer
-- (src/email/transactional.ts owns this table). The request never waits on the provider;
-- retries reuse the row's idempotency key and its stored bytes, so a provider outage
-- delays mail and never loses or doubles it.
CREATE TABLE mail_outbox (
  id TEXT PRIMARY KEY,                       -- random; the Idempotency-Key is `tidings-mail/{id}`
  subscriber_id TEXT REFERENCES subscribers (id) ON DELETE CASCADE, -- status re-checked before every attempt
  kind TEXT NOT NULL,                        -- what the mail is ('confirm', 'manage', …), for logs and admins
  send_while TEXT NOT NULL DEFAULT '[]',     -- JSON: subscriber statuses in which it may still go out
  message TEXT NOT NULL,                     -- JSON EmailMessage, rendered once at enqueue time
  status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'sent', 'dropped', 'failed', 'expired')),
  attempts INTEGER NOT NULL DEFAULT 0,
  first_attempt_at INTEGER,                  -- first call to the provider: Resend's 24 h key window starts here
  provider_id TEXT,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX mail_outbox_by_status ON mail_outbox (status, updated_at);
CREATE INDEX mail_outbox_by_subscriber ON mail_outbox (subscriber_id);

-- Digest batches: when a batch was first handed to the provider (the start of Resend's
-- 24 h idempotency window for its key). Set once by the first claim, never changed.
ALTER TABLE digest_deliveries ADD COLUMN attempted_at INTEGER;
