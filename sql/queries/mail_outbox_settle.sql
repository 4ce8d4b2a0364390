-- mail_outbox_settle: records the outcome of a message still in state
-- 'sending'; changes one row or none (unknown, or already settled).
-- Parameters: $1 message_id, $2 state ('sent' or 'not_sent'), $3 settled_at,
-- $4 outcome (the server's answer or the operator's decision).
UPDATE store.mail_outbox
SET state = $2, settled_at = $3, outcome = $4
WHERE message_id = $1 AND state = 'sending';
