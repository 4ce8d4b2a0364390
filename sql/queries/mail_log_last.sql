-- mail_log_last: the latest report email sent for a quarter; one row or
-- none: message_id, sent_at, sender, recipients (as a JSON array), subject,
-- smtp_server. Parameter: $1 quarter.
SELECT message_id, sent_at, sender, to_json(recipients)::VARCHAR, subject, smtp_server
FROM store.mail_log
WHERE quarter = $1
ORDER BY sent_at DESC, message_id
LIMIT 1;
