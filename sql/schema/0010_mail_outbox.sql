-- The outbox of report emails: `pir run` records its intent to send (the
-- message's Message-ID, recipients, subject and attached PDF) and commits it
-- BEFORE it connects to the SMTP server, then marks the row when it knows
-- the outcome. A row still in state 'sending' means the run stopped (a
-- crash, a kill, a full disk, a connection lost after the whole message was
-- transmitted) between recording the intent and recording the outcome: the
-- email may have been delivered. `pir run --no-resend` never sends a
-- quarter with such a row again until an operator says what happened
-- (`pir run --mark-sent ID` or `--mark-unsent ID`, docs/operations.md).
-- store.mail_log keeps the delivered emails; a 'sent' row here has its
-- twin there, written in the same transaction.

-- One row per message pir tried (or may have tried) to send.
CREATE TABLE store.mail_outbox (
    message_id  VARCHAR     NOT NULL PRIMARY KEY, -- Message-ID header, without angle brackets
    quarter     VARCHAR     NOT NULL,             -- report quarter, e.g. 2024-Q1
    created_at  TIMESTAMPTZ NOT NULL,             -- when pir recorded the intent, before connecting
    state       VARCHAR     NOT NULL CHECK (state IN ('sending', 'sent', 'not_sent')),
    settled_at  TIMESTAMPTZ,                      -- when the state left 'sending'
    outcome     VARCHAR,                          -- why: the server's acceptance or refusal, or the operator's decision
    sender      VARCHAR     NOT NULL,             -- From address
    recipients  VARCHAR[]   NOT NULL,             -- To and Cc addresses
    subject     VARCHAR     NOT NULL,
    smtp_server VARCHAR     NOT NULL,             -- host:port
    attachments VARCHAR[]   NOT NULL,             -- attached file names
    pdf_sha256  VARCHAR                           -- sha256 of the attached PDF
);

-- mail_outbox(message_id, quarter, created_at, state, settled_at, outcome,
-- sender, recipients, subject, smtp_server, attachments, pdf_sha256): every
-- report email pir run tried to send, newest first. state: 'sending' (the
-- outcome is unknown: possibly delivered), 'sent' (the server accepted it,
-- or an operator confirmed it arrived), 'not_sent' (the server refused it or
-- could not be reached, or an operator confirmed it did not arrive).
CREATE VIEW mail_outbox AS
SELECT message_id, quarter, created_at, state, settled_at, outcome, sender, recipients, subject,
       smtp_server, attachments, pdf_sha256
FROM store.mail_outbox
ORDER BY created_at DESC, message_id;
