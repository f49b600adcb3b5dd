-- The site-wide digest of each run (issue 11, /digests): the items a subscriber who chose
-- no topics and no tags was mailed in it, as indices into digest_runs.items. Written by the
-- planner with that subscriber's delivery; NULL = no such recipient, the run is not listed.
ALTER TABLE digest_runs ADD COLUMN public_items TEXT;
-- /digests pages through listed runs of one cadence, newest first.
CREATE INDEX digest_runs_public ON digest_runs (instant, cadence, slot, id) WHERE public_items IS NOT NULL;
