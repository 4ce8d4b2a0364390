package main

import (
	"crypto/x509"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/pirhq/pir/mail"
)

// passwordEnv is read for the SMTP password; there is deliberately no
// --smtp-password flag (a command line is visible to every local user).
const passwordEnv = "PIR_SMTP_PASSWORD"

// smtpFlags are the SMTP settings shared by `pir mail` and `pir run`. A
// flag (or its PIR_SMTP_* variable) overrides the config's [email] value.
func smtpFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "smtp-host", Usage: "SMTP server `HOST`", EnvVars: []string{"PIR_SMTP_HOST"}},
		&cli.IntFlag{Name: "smtp-port", Usage: "SMTP `PORT`", DefaultText: "587; 465 with --smtp-tls implicit; 25 with none", EnvVars: []string{"PIR_SMTP_PORT"}},
		&cli.StringFlag{Name: "smtp-tls", Usage: "TLS `MODE`: mandatory (STARTTLS, default), implicit, opportunistic or none (loopback only)", EnvVars: []string{"PIR_SMTP_TLS"}},
		&cli.StringFlag{Name: "smtp-username", Usage: "SMTP AUTH `USER` (PLAIN or LOGIN); the password comes from $" + passwordEnv + " or --smtp-password-file", EnvVars: []string{"PIR_SMTP_USERNAME"}},
		&cli.StringFlag{Name: "smtp-password-file", Usage: "read the SMTP password from `FILE` (mode 600)", EnvVars: []string{"PIR_SMTP_PASSWORD_FILE"}},
		&cli.BoolFlag{Name: "smtp-insecure", Usage: "allow --smtp-tls none to a host that is not loopback, and AUTH without TLS", EnvVars: []string{"PIR_SMTP_INSECURE"}},
		&cli.StringFlag{Name: "smtp-ca-file", Usage: "verify the server with the CA certificates in `FILE` (PEM) instead of the system roots", EnvVars: []string{"PIR_SMTP_CA_FILE"}},
		&cli.StringFlag{Name: "from", Usage: "sender `ADDRESS`, e.g. \"pir <pir@example.org>\"", EnvVars: []string{"PIR_SMTP_FROM"}},
	}
}

// smtpServer resolves the SMTP settings: flags and PIR_SMTP_* variables
// first, then the config's [email] table (cfg may be nil), then defaults.
func smtpServer(c *cli.Context, e *env, cfg *Config) (mail.Server, error) {
	var ec EmailConfig
	if cfg != nil {
		ec = cfg.Email
	}
	pick := func(flag, fromCfg string) string {
		if c.IsSet(flag) {
			return c.String(flag)
		}
		return fromCfg
	}
	srv := mail.Server{
		Host:     pick("smtp-host", ec.Host),
		Port:     ec.Port,
		Username: pick("smtp-username", ec.Username),
		Auth:     ec.Auth,
		Insecure: ec.Insecure || c.Bool("smtp-insecure"),
		Log:      e.log,
	}
	if c.IsSet("smtp-port") {
		srv.Port = c.Int("smtp-port")
	}
	mode, err := mail.ParseTLSMode(pick("smtp-tls", ec.TLS))
	if err != nil {
		return srv, usagef("--smtp-tls mandatory", "%v", err)
	}
	srv.TLS = mode
	srv.SendTimeout, err = smtpDuration(ec.Timeout, 30*time.Second)
	if err != nil {
		return srv, err
	}
	srv.ConnectTimeout, err = smtpDuration(ec.ConnectTimeout, 15*time.Second)
	if err != nil {
		return srv, err
	}
	srv.Backoff, err = smtpDuration(ec.Backoff, 2*time.Second)
	if err != nil {
		return srv, err
	}
	srv.Retries = 3
	if ec.Retries != nil {
		srv.Retries = *ec.Retries
		if srv.Retries == 0 {
			srv.Retries = -1 // mail: negative means no retry
		}
	}
	caFile := c.String("smtp-ca-file")
	if caFile == "" && cfg != nil {
		caFile = cfg.resolve(ec.CAFile)
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return srv, fmt.Errorf("smtp CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return srv, fmt.Errorf("smtp CA file %s: no PEM certificate in it", caFile)
		}
		srv.RootCAs = pool
	}
	if srv.Username != "" {
		pw, err := smtpPassword(c, cfg)
		if err != nil {
			return srv, err
		}
		srv.Password = mail.Secret(pw)
	}
	if err := srv.Validate(); err != nil {
		return srv, usagef("pir mail --help", "%v", err)
	}
	return srv, nil
}

// smtpPassword finds the password: $PIR_SMTP_PASSWORD, --smtp-password-file,
// the variable named by email.password_env, then email.password_file.
// Files must not be readable by group or others.
func smtpPassword(c *cli.Context, cfg *Config) (string, error) {
	if pw, ok := os.LookupEnv(passwordEnv); ok && pw != "" {
		return pw, nil
	}
	file := c.String("smtp-password-file")
	if file == "" && cfg != nil {
		if name := cfg.Email.PasswordEnv; name != "" {
			pw, ok := os.LookupEnv(name)
			if !ok || pw == "" {
				return "", fmt.Errorf("smtp password: email.password_env names $%s, which is not set", name)
			}
			return pw, nil
		}
		file = cfg.resolve(cfg.Email.PasswordFile)
	}
	if file == "" {
		return "", usagef(passwordEnv+"=… pir mail …", "smtp: a username is set but no password: set $%s, --smtp-password-file, or email.password_env / email.password_file", passwordEnv)
	}
	if err := checkSecretFile(file); err != nil {
		return "", fmt.Errorf("smtp password file: %w", err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("smtp password file: %w", err)
	}
	pw := strings.TrimRight(string(b), "\r\n")
	if pw == "" {
		return "", fmt.Errorf("smtp password file %s is empty", file)
	}
	return pw, nil
}

func smtpDuration(s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: %w", s, err)
	}
	return d, nil
}
