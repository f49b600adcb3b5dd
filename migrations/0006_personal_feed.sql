-- Personal feeds (issue 11): /me/{token}/… is signed over the subscriber id and this
-- version (src/subscribers/links.ts). Issuing a new feed address adds one, so every
-- address signed for an older version stops working.
ALTER TABLE subscribers ADD COLUMN feed_token_version INTEGER NOT NULL DEFAULT 1 CHECK (feed_token_version >= 1);
