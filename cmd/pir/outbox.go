package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	pirsql "github.com/pirhq/pir/sql"
)

// The outbox of `pir run` (store.mail_outbox, sql/mail_outbox.go): the
// intent to send is committed before the SMTP session, and settled once
// the outcome is known. A message left in state 'sending' may have been
// delivered; `pir run --no-resend` never sends its quarter again until an
// operator records what happened with --mark-sent or --mark-unsent.

// possiblySentError stops a --no-resend run whose quarter has an email in
// the outbox that may have been delivered.
type possiblySentError struct {
	mails  []pirsql.OutboxMail
	config string // the run's --config, for the commands to copy
	loc    *time.Location
}

func (e *possiblySentError) Error() string {
	m := e.mails[len(e.mails)-1] // the newest
	more := ""
	if n := len(e.mails) - 1; n > 0 {
		more = fmt.Sprintf(" (and %d earlier one(s): see the mail_outbox view)", n)
	}
	cmd := "pir run --config " + shellWord(e.config)
	return fmt.Sprintf("the email %s for %s%s (to %s, attempted %s)%s may have been delivered: "+
		"a run stopped after recording its intent to send it and before recording the SMTP server's answer. "+
		"Not sending again (--no-resend). Look for Message-ID %s in the SMTP server's log or a recipient's mailbox, then record what you found: "+
		"`%s --mark-sent %s` if it arrived, or `%s --mark-unsent %s` if it did not (the next run sends a new one)",
		m.MessageID, m.Quarter, reportLabel(m.Report), strings.Join(m.Recipients, ", "), m.CreatedAt.In(e.loc).Format(time.RFC3339), more,
		m.MessageID, cmd, m.MessageID, cmd, m.MessageID)
}

// reportLabel names a client's report in a message (" (report acme)");
// empty for the report on every case.
func reportLabel(report string) string {
	if report == "" {
		return ""
	}
	return " (report " + report + ")"
}

// markOutbox settles a message left in state 'sending' as an operator
// found it: delivered (it goes into mail_log, sent at the time of the
// intent) or not delivered. It sends nothing.
func (r *quarterRun) markOutbox(ctx context.Context, db *pirsql.DB, id string, delivered bool) error {
	// As copied from a Message-ID header or a server log, too.
	id = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(id), "<"), ">")
	ms, err := db.Outbox(ctx, pirsql.OutboxFilter{MessageID: id})
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		return fmt.Errorf("mark %s: no such message in the outbox (see the mail_outbox view)", id)
	}
	m := ms[0]
	if m.State != pirsql.OutboxSending {
		return fmt.Errorf("mark %s: the outbox already has it as %s (%s); nothing changed", id, m.State, m.Outcome)
	}
	o := pirsql.MailOutcome{MessageID: id, SettledAt: r.e.now(), SentAt: m.CreatedAt}
	flag := "--mark-unsent"
	if delivered {
		o.State, o.Outcome = pirsql.OutboxSent, "delivered, as an operator confirmed (pir run --mark-sent)"
		flag = "--mark-sent"
	} else {
		o.State, o.Outcome = pirsql.OutboxNotSent, "not delivered, as an operator confirmed (pir run --mark-unsent)"
	}
	if err := db.SettleMail(context.WithoutCancel(ctx), o); err != nil {
		if errors.Is(err, pirsql.ErrNotSending) {
			return fmt.Errorf("mark %s: %w", id, err)
		}
		return err
	}
	r.marked = &markedMail{mail: m, state: o.State}
	r.e.log.Info("outbox message recorded", "message_id", id, "quarter", m.Quarter, "state", o.State, "by", flag)
	return nil
}

// markedMail is what --mark-sent or --mark-unsent recorded, for --summary.
type markedMail struct {
	mail  pirsql.OutboxMail
	state string
}

// shellWord quotes s for a POSIX shell when it needs it, so a command in a
// message can be copied as it is.
func shellWord(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	if !strings.ContainsAny(s, "'\n\r") {
		return "'" + s + "'"
	}
	return strconv.Quote(s)
}

var plainWord = regexp.MustCompile(`^[A-Za-z0-9_./:@%+=,-]+$`)
