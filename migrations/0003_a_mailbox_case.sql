-- One subscriber per mailbox whatever its letter case (issue 8). Addresses are ASCII
-- (src/subscribers/email.ts), so lower(email) is the mailbox (mailboxKey()).
--
-- Existing case duplicates are merged first. The survivor of each mailbox is the row with
-- the most protective status (complained > bounced > unsubscribed > active > pending),
-- then the most recently updated (the latest preferences its owner chose). It takes the
-- newest digest watermark of the group, so nothing mailed to any spelling is mailed again,
-- and the deliveries of the others where it has none for that run.
CREATE TABLE mailbox_merge AS
  WITH ranked AS (
    SELECT id, lower(email) AS mailbox,
      ROW_NUMBER() OVER (
        PARTITION BY lower(email)
        ORDER BY CASE status WHEN 'complained' THEN 0 WHEN 'bounced' THEN 1 WHEN 'unsubscribed' THEN 2 WHEN 'active' THEN 3 ELSE 4 END,
          updated_at DESC, created_at, id
      ) AS rank
    FROM subscribers
  )
  SELECT loser.id AS loser, survivor.id AS survivor
  FROM ranked loser JOIN ranked survivor ON survivor.mailbox = loser.mailbox AND survivor.rank = 1
  WHERE loser.rank > 1;

UPDATE subscribers
SET digest_through = (SELECT MAX(s.digest_through) FROM subscribers s WHERE lower(s.email) = lower(subscribers.email))
WHERE id IN (SELECT survivor FROM mailbox_merge);

UPDATE OR IGNORE digest_deliveries
SET subscriber_id = (SELECT survivor FROM mailbox_merge WHERE loser = digest_deliveries.subscriber_id)
WHERE subscriber_id IN (SELECT loser FROM mailbox_merge);

DELETE FROM digest_deliveries WHERE subscriber_id IN (SELECT loser FROM mailbox_merge);
DELETE FROM subscribers WHERE id IN (SELECT loser FROM mailbox_merge);
DROP TABLE mailbox_merge;

CREATE UNIQUE INDEX subscribers_by_mailbox ON subscribers (lower(email));
