-- The browser tests' deployment (global-setup.ts): a digest ledger that was started before
-- the sample articles existed — its baseline marker (src/digest/ledger.ts) and no article —
-- so every sample article is new at the first digest run, and a subscriber confirmed in a
-- test gets a real digest (tests/browser/digests.test.ts).
INSERT INTO articles_seen (article_id, first_seen_at, published_at) VALUES ('#baseline', 0, 0);
