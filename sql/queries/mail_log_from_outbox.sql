-- mail_log_from_outbox: records a settled 'sent' outbox message as
-- delivered, in the transaction that settled it. Parameters: $1 message_id,
-- $2 sent_at (when the server accepted it; for a message an operator
-- confirmed, when pir recorded the intent).
INSERT INTO store.mail_log (quarter, message_id, sent_at, sender, recipients, subject, smtp_server, attachments, pdf_sha256, report)
SELECT quarter, message_id, $2, sender, recipients, subject, smtp_server, attachments, pdf_sha256, report
FROM store.mail_outbox
WHERE message_id = $1 AND state = 'sent';
