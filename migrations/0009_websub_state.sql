-- The last WebSub run that left nothing to do (issue 9): the version of what the feeds are
-- made from — content hash, the settings that show in a feed, the hub, the first visible
-- article. A run with the same version renders no feed: every fingerprint would be the
-- same, and every one is already published. One row.
CREATE TABLE websub_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  settled_version TEXT NOT NULL
);

-- Scopes (`site`, `topics/{slug}`, `tags/{slug}`) already compared for a version: a run
-- compares only a few (each reads the store), so the rest wait for the next runs.
CREATE TABLE websub_scopes (
  scope TEXT PRIMARY KEY,
  compared_version TEXT NOT NULL
) WITHOUT ROWID;
