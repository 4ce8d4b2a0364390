-- 0004: the record of report emails that `pir run` delivered, so a re-run
-- with --no-resend does not email leadership the same quarter twice, and an
-- auditor can see what went out when. Written only by `pir run`, after the
-- SMTP server accepted the message; dry runs are not recorded.

-- One row per delivered message.
CREATE TABLE store.mail_log (
    quarter     VARCHAR     NOT NULL, -- report quarter, e.g. 2024-Q1
    message_id  VARCHAR     NOT NULL, -- Message-ID header, without angle brackets
    sent_at     TIMESTAMPTZ NOT NULL, -- when the server accepted it
    sender      VARCHAR     NOT NULL, -- From address
    recipients  VARCHAR[]   NOT NULL, -- To and Cc addresses
    subject     VARCHAR     NOT NULL,
    smtp_server VARCHAR     NOT NULL, -- host:port
    attachments VARCHAR[]   NOT NULL, -- attached file names
    pdf_sha256  VARCHAR               -- sha256 of the attached PDF
);

-- mail_log(quarter, message_id, sent_at, sender, recipients, subject,
-- smtp_server, attachments, pdf_sha256): every report email sent, newest
-- first.
CREATE VIEW mail_log AS
SELECT quarter, message_id, sent_at, sender, recipients, subject, smtp_server, attachments, pdf_sha256
FROM store.mail_log
ORDER BY sent_at DESC, message_id;
