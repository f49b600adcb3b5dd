-- Subscribers' choices (issue 11): mail as articles appear, quiet hours, pause.
-- SQLite cannot change a CHECK constraint, and rebuilding `subscribers` or `digest_runs`
-- in D1 would cascade-delete digest_deliveries (DROP TABLE runs ON DELETE CASCADE even
-- under PRAGMA defer_foreign_keys; tried). So the `instant` cadence is a flag of its own:
-- a subscriber or run with instant = 1 has cadence 'instant' (its cadence column then
-- holds 'daily' and means nothing). src/subscribers/store.ts and src/digest/runs.ts map it.
ALTER TABLE subscribers ADD COLUMN instant INTEGER NOT NULL DEFAULT 0 CHECK (instant IN (0, 1));
-- Quiet hours (local, 0–23, both or neither): instant mail waits until they end.
ALTER TABLE subscribers ADD COLUMN quiet_start INTEGER CHECK (quiet_start BETWEEN 0 AND 23);
ALTER TABLE subscribers ADD COLUMN quiet_end INTEGER CHECK (quiet_end BETWEEN 0 AND 23);
-- 'YYYY-MM-DD': no mail while the subscriber's local date is before it; NULL = not paused.
ALTER TABLE subscribers ADD COLUMN paused_until TEXT;
ALTER TABLE digest_runs ADD COLUMN instant INTEGER NOT NULL DEFAULT 0 CHECK (instant IN (0, 1));
-- The recipient's time zone when the run was planned: dates in the mail (frozen for retries).
ALTER TABLE digest_deliveries ADD COLUMN timezone TEXT;
DROP INDEX subscribers_digest_due;
CREATE INDEX subscribers_digest_due ON subscribers (status, instant, cadence, timezone, send_hour, id);
