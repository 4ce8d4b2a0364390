-- mail_log_last: the latest email sent for a quarter's report; one row or
-- none: message_id, sent_at, sender, recipients (as a JSON array), subject,
-- smtp_server, report (NULL: recorded before pir kept the report, which
-- counts for every report of the quarter). Parameters: $1 quarter, $2
-- report ('' for the report on every case, else the [[report]] name).
SELECT message_id, sent_at, sender, to_json(recipients)::VARCHAR, subject, smtp_server, report
FROM store.mail_log
WHERE quarter = $1 AND (report = $2 OR report IS NULL)
ORDER BY sent_at DESC, message_id
LIMIT 1;
