-- mail_outbox_select: outbox messages, oldest first; one row per message:
-- message_id, quarter, created_at, state, outcome (NULL while 'sending'),
-- sender, recipients (as a JSON array), subject, smtp_server, attachments
-- (as a JSON array), pdf_sha256 (NULL without a PDF), report ('' for the
-- report on every case, a [[report]] name, NULL when recorded before pir
-- kept it). Parameters: $1 message_id or NULL for any, $2 quarter or NULL
-- for any, $3 state or NULL for any.
SELECT message_id, quarter, created_at, state, outcome, sender, to_json(recipients)::VARCHAR, subject,
       smtp_server, to_json(attachments)::VARCHAR, pdf_sha256, report
FROM store.mail_outbox
WHERE ($1::VARCHAR IS NULL OR message_id = $1)
  AND ($2::VARCHAR IS NULL OR quarter = $2)
  AND ($3::VARCHAR IS NULL OR state = $3)
ORDER BY created_at, message_id;
