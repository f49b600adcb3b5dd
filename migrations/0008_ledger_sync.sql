-- What the last ledger sync compared (issue 9): the content version (the build's content
-- hash) and the time it synced up to. A sync of the same version adds only the articles
-- that became visible since; a new version (a deploy) is compared in full, once. Written
-- in the same batch as the rows it vouches for. One row.
CREATE TABLE ledger_sync (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  content_hash TEXT NOT NULL,
  synced_until INTEGER NOT NULL
);
