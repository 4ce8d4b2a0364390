-- mail_outbox_insert: records the intent to send one report email, before
-- pir connects to the SMTP server (state 'sending'). Parameters: $1
-- message_id, $2 quarter, $3 created_at, $4 sender, $5 recipients (a JSON
-- array of strings), $6 subject, $7 smtp_server, $8 attachments (a JSON
-- array of strings), $9 pdf_sha256 (NULL when no PDF), $10 report ('' for
-- the report on every case, else the [[report]] name).
INSERT INTO store.mail_outbox (message_id, quarter, created_at, state, sender, recipients, subject, smtp_server, attachments, pdf_sha256, report)
VALUES ($1, $2, $3, 'sending', $4, CAST($5::JSON AS VARCHAR[]), $6, $7, CAST($8::JSON AS VARCHAR[]), $9, $10);
