package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/riverqueue/river"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/app/clock"
	"backoffice/app/config"
	"backoffice/app/db"
	"backoffice/app/demo"
	"backoffice/app/event"
	"backoffice/app/i18n"
	"backoffice/app/notify"
	"backoffice/app/org"
	"backoffice/app/web"
	"backoffice/rbac"
)

// env is what every command starts from: configuration, logger, database.
type env struct {
	cfg    config.Config
	log    *slog.Logger
	db     *bun.DB
	clock  clock.Clock
	stdout io.Writer
	stderr io.Writer
}

func setup(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) (*env, int) {
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "backoffice:", err)
		return nil, 2
	}
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler = slog.NewTextHandler(stderr, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(stderr, opts)
	}
	log := slog.New(h)
	bdb, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		fmt.Fprintln(stderr, "backoffice: database:", err)
		return nil, 1
	}
	return &env{cfg: cfg, log: log, db: bdb, clock: clock.System{}, stdout: stdout, stderr: stderr}, 0
}

func newHasher() *auth.Hasher {
	return auth.NewHasher(auth.DefaultParams, max(2, runtime.NumCPU()))
}

func cmdServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	noDemo := fs.Bool("no-demo", false, "do not load demo data into an empty database")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	e, code := setup(ctx, getenv, stdout, stderr)
	if e == nil {
		return code
	}
	defer e.db.Close()
	e.log.Info("starting", "version", version, "config", e.cfg.String())

	applied, err := db.Migrate(ctx, e.db)
	if err != nil {
		e.log.Error("migrations failed", "err", err)
		return 1
	}
	if len(applied) > 0 {
		e.log.Info("migrations applied", "migrations", strings.Join(applied, ", "))
	}
	hasher := newHasher()
	if !*noDemo {
		empty, err := org.NewStore(e.db, e.clock).Empty(ctx)
		if err != nil {
			e.log.Error("check database", "err", err)
			return 1
		}
		if empty {
			logins, err := demo.Seed(ctx, e.db, e.clock, hasher, getenv("BACKOFFICE_DEMO_PASSWORD"))
			if err != nil {
				e.log.Error("load demo data", "err", err)
				return 1
			}
			if err := keepDemoPassword(e.cfg.DataDir, logins[0].Password); err != nil {
				e.log.Warn("keep the demo password for later starts", "err", err)
			}
			printLogins(stdout, "Demo data loaded. Sign in at "+e.cfg.BaseURL+"/login with one of these accounts:", logins)
		} else if err := reprintLogins(ctx, e, hasher, getenv("BACKOFFICE_DEMO_PASSWORD")); err != nil {
			e.log.Warn("list the demo accounts", "err", err)
		}
	}

	enforcer, err := rbac.New(ctx, e.db)
	if err != nil {
		e.log.Error("load permissions", "err", err)
		return 1
	}
	bundle, err := i18n.New()
	if err != nil {
		e.log.Error("load translations", "err", err)
		return 1
	}
	sessions := auth.NewSessionStore(e.db, e.clock, e.cfg.SessionIdle, e.cfg.SessionMax)
	authSvc := auth.NewService(e.db, e.clock, hasher, sessions)
	var worker *notify.Worker
	qc := event.QueueConfig{Log: e.log}
	if e.cfg.SendsMail() {
		mailer, err := notify.NewSMTPMailer(e.cfg.SMTPURL)
		if err != nil {
			e.log.Error("configure SMTP", "err", err)
			return 1
		}
		worker = &notify.Worker{DB: e.db, Mailer: mailer, From: e.cfg.MailFrom, Clock: e.clock, Log: e.log}
		qc.Workers = river.NewWorkers()
		worker.AddTo(qc.Workers)
	}
	// Without SMTP the queue only inserts: the jobs wait, like the messages
	// in the Mailbox page, for an instance that can send.
	queue, err := event.NewQueue(e.db, qc)
	if err != nil {
		e.log.Error("build the job queue", "err", err)
		return 1
	}
	srv, err := web.New(web.Deps{Config: e.cfg, DB: e.db, Log: e.log, Clock: e.clock, Enforcer: enforcer,
		I18n: bundle, Auth: authSvc, Mail: worker, Queue: queue, Version: version})
	if err != nil {
		e.log.Error("build web server", "err", err)
		return 1
	}

	ln, err := net.Listen("tcp", e.cfg.Addr)
	if err != nil {
		e.log.Error("listen", "addr", e.cfg.Addr, "err", err)
		return 1
	}
	if e.cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", e.cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			e.log.Error("listen for metrics", "addr", e.cfg.MetricsAddr, "err", err)
			return 1
		}
		go func() {
			if err := srv.ServeMetrics(mln); err != nil {
				e.log.Error("metrics listener stopped", "err", err)
			}
		}()
		fmt.Fprintf(stdout, "Metrics are served without a token at http://%s/metrics.\n", mln.Addr())
	}
	bgCtx, stopBg := context.WithCancel(context.Background())
	defer stopBg()
	if worker != nil {
		worker.Metrics = notify.NewMetrics(srv.Metrics().Registry)
		// Messages queued without a job (before the queue took over, or by
		// an instance without one) get theirs: nothing queued is lost.
		if _, err := worker.Adopt(ctx, queue); err != nil {
			e.log.Error("queue pending mail", "err", err)
			return 1
		}
		if err := queue.Start(bgCtx); err != nil {
			e.log.Error("start the job queue", "err", err)
			return 1
		}
		defer func() {
			qctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := queue.Stop(qctx); err != nil {
				e.log.Warn("stop the job queue", "err", err)
			}
		}()
	} else {
		fmt.Fprintln(stdout, "No SMTP_URL set: email is not sent but kept in the Mailbox page (/mailbox) for provider administrators.")
	}
	go enforcer.ReloadEvery(bgCtx, 30*time.Second, func(err error) { e.log.Warn("reload permissions", "err", err) })
	go every(bgCtx, 10*time.Minute, func() {
		cctx, cancel := context.WithTimeout(bgCtx, time.Minute)
		defer cancel()
		if err := authSvc.Cleanup(cctx); err != nil {
			e.log.Warn("clean up sessions", "err", err)
		}
	})

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "Backoffice %s is running at %s (listening on %s). Press Ctrl+C to stop.\n", version, e.cfg.BaseURL, ln.Addr())

	select {
	case err := <-served:
		if err != nil {
			e.log.Error("server stopped", "err", err)
			return 1
		}
		return 0
	case <-ctx.Done():
	}
	e.log.Info("shutting down: finishing in-flight requests")
	stopBg()
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		e.log.Error("shutdown", "err", err)
		return 1
	}
	<-served
	e.log.Info("stopped")
	return 0
}

func every(ctx context.Context, d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// printLogins prints the demo accounts under title.
func printLogins(w io.Writer, title string, logins []demo.Login) {
	fmt.Fprintln(w, "")
	fmt.Fprintln(w, title)
	fmt.Fprintln(w, "")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  EMAIL\tPASSWORD\tROLE\tORGANIZATION\tAREA\tLANGUAGE")
	for _, l := range logins {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", l.Email, l.Password, l.Role, l.Org, l.Area, l.Language)
	}
	tw.Flush()
	fmt.Fprintln(w, "")
}

// demoPasswordFile keeps the demo password under the data folder, so that a
// later start can print the sign-in accounts again.
const demoPasswordFile = "demo-password"

func keepDemoPassword(dataDir, password string) error {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dataDir, demoPasswordFile), []byte(password+"\n"), 0o600)
}

// reprintLogins prints, at a start on a database that already holds data,
// the demo accounts that still have the demo password (BACKOFFICE_DEMO_PASSWORD
// or the one kept at the first start), or says that they no longer do.
func reprintLogins(ctx context.Context, e *env, hasher *auth.Hasher, password string) error {
	if password == "" {
		b, err := os.ReadFile(filepath.Join(e.cfg.DataDir, demoPasswordFile))
		if errors.Is(err, os.ErrNotExist) {
			return nil // not a database the demo was loaded into here
		}
		if err != nil {
			return err
		}
		password = strings.TrimSpace(string(b))
	}
	logins, found, err := demo.Logins(ctx, e.db, e.clock, hasher, password)
	if err != nil || found == 0 {
		return err
	}
	if len(logins) == 0 {
		fmt.Fprintln(e.stdout, "\nThe demo accounts no longer have the demo password. To give one a new password:")
		fmt.Fprintln(e.stdout, "  backoffice user set-password --email "+demo.Emails[0]+" --password NEW-PASSWORD")
		fmt.Fprintln(e.stdout, "")
		return nil
	}
	title := "Demo accounts with the demo password. Sign in at " + e.cfg.BaseURL + "/login:"
	if len(logins) < found {
		title = fmt.Sprintf("Demo accounts still with the demo password (%d of %d; the others were changed). Sign in at %s/login:",
			len(logins), found, e.cfg.BaseURL)
	}
	printLogins(e.stdout, title, logins)
	return nil
}

func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) != 1 || (args[0] != "up" && args[0] != "down" && args[0] != "status") {
		fmt.Fprintln(stderr, "usage: backoffice migrate up|down|status")
		return 2
	}
	e, code := setup(ctx, getenv, stdout, stderr)
	if e == nil {
		return code
	}
	defer e.db.Close()
	switch args[0] {
	case "up":
		names, err := db.Migrate(ctx, e.db)
		if err != nil {
			fmt.Fprintln(stderr, "backoffice: migrate up:", err)
			return 1
		}
		if len(names) == 0 {
			fmt.Fprintln(stdout, "Nothing to apply: the database is up to date.")
		}
		for _, n := range names {
			fmt.Fprintln(stdout, "applied", n)
		}
	case "down":
		name, err := db.RollbackOne(ctx, e.db)
		if err != nil {
			fmt.Fprintln(stderr, "backoffice: migrate down:", err)
			return 1
		}
		if name == "" {
			fmt.Fprintln(stdout, "Nothing to roll back: no migration is applied.")
		} else {
			fmt.Fprintln(stdout, "rolled back", name)
		}
	case "status":
		st, err := db.Status(ctx, e.db)
		if err != nil {
			fmt.Fprintln(stderr, "backoffice: migrate status:", err)
			return 1
		}
		for _, s := range st {
			state := "pending"
			if s.Applied {
				state = "applied"
			}
			fmt.Fprintf(stdout, "%-8s %s\n", state, s.Name)
		}
	}
	return 0
}

func cmdSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	password := fs.String("password", getenv("BACKOFFICE_DEMO_PASSWORD"), "password of every demo account (default: random)")
	scale := fs.Int("scale", 0, "also generate this many tickets (for measuring large data sets)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *scale < 0 || *scale > 10_000_000 {
		fmt.Fprintln(stderr, "backoffice: seed: --scale must be from 0 to 10000000")
		return 2
	}
	e, code := setup(ctx, getenv, stdout, stderr)
	if e == nil {
		return code
	}
	defer e.db.Close()
	if _, err := db.Migrate(ctx, e.db); err != nil {
		fmt.Fprintln(stderr, "backoffice: migrate:", err)
		return 1
	}
	logins, err := demo.Seed(ctx, e.db, e.clock, newHasher(), *password)
	switch {
	case err == nil:
		printLogins(stdout, "Demo data loaded. Sign in at "+e.cfg.BaseURL+"/login with one of these accounts:", logins)
	case errors.Is(err, demo.ErrNotEmpty) && *scale > 0:
		// Adding tickets to existing data.
	default:
		fmt.Fprintln(stderr, "backoffice: seed:", err)
		return 1
	}
	if *scale > 0 {
		start := time.Now()
		err := demo.Scale(ctx, e.db, e.clock, *scale, func(done int) {
			if done%100000 == 0 || done == *scale {
				fmt.Fprintf(stdout, "%d tickets generated\n", done)
			}
		})
		if err != nil {
			fmt.Fprintln(stderr, "backoffice: seed:", err)
			return 1
		}
		fmt.Fprintf(stdout, "Generated %d tickets in %s.\n", *scale, time.Since(start).Round(time.Second))
	}
	return 0
}

const userUsage = `usage: backoffice user create --email E --password P --name N --role provider_admin|provider_agent
       backoffice user set-password --email E --password P`

func cmdUser(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "set-password" {
		return cmdSetPassword(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, userUsage)
		return 2
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "email address (required)")
	password := fs.String("password", "", "password, 8 to 128 characters (required)")
	name := fs.String("name", "", "full name (required)")
	role := fs.String("role", "", "provider_admin or provider_agent (required)")
	orgName := fs.String("organization", "Service provider", "name of the provider organization, if none exists yet")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	first, last, _ := strings.Cut(strings.TrimSpace(*name), " ")
	u := &org.User{Email: org.NormalizeEmail(*email), FirstName: first, LastName: strings.TrimSpace(last), Role: rbac.Role(*role)}

	v := &apperr.ValidationError{}
	org.CheckEmail(v, "--email", u.Email)
	org.CheckText(v, "--name", *name, true, 200)
	if !u.Role.IsStaff() {
		v.Add("--role", "must be provider_admin or provider_agent", nil)
	}
	if code := refuseFlags(stderr, v, *password, u.Email); code != 0 {
		return code
	}
	e, code := setupMigrated(ctx, getenv, stdout, stderr)
	if e == nil {
		return code
	}
	defer e.db.Close()
	hash, err := newHasher().Hash(ctx, *password)
	if err != nil {
		fmt.Fprintln(stderr, "backoffice:", err)
		return 1
	}
	u.PasswordHash = hash
	var providerName string
	err = e.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		store := org.NewStore(tx, e.clock)
		provider, err := store.FirstProvider(ctx)
		if errors.Is(err, apperr.ErrNotFound) {
			provider = &org.Organization{Name: strings.TrimSpace(*orgName)}
			err = store.CreateOrganization(ctx, provider, nil)
		}
		if err != nil {
			return err
		}
		providerName = provider.Name
		u.OrganizationID = provider.ID
		return store.CreateUser(ctx, u)
	})
	var conflict *apperr.Conflict
	if errors.As(err, &conflict) {
		fmt.Fprintf(stderr, "backoffice: --email: %s is already in use\n", u.Email)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "backoffice: create user:", err)
		return 1
	}
	fmt.Fprintf(stdout, "Created %s %s <%s> (user #%d) in %s.\n", u.Role, u.Name(), u.Email, u.ID, providerName)
	return 0
}

// refuseFlags adds the checks of --password for email to v and prints every
// problem of v, naming its flag; it returns the exit code (0: none).
func refuseFlags(stderr io.Writer, v *apperr.ValidationError, password, email string) int {
	if err := auth.CheckPassword("--password", password, email); err != nil {
		var ve *apperr.ValidationError
		if errors.As(err, &ve) {
			v.Fields = append(v.Fields, ve.Fields...)
		}
	}
	if len(v.Fields) == 0 {
		return 0
	}
	bundle, _ := i18n.New()
	t := bundle.Translator("en", nil)
	for _, f := range v.Fields {
		fmt.Fprintf(stderr, "backoffice: %s: %s\n", f.Field, t.T(f.Message, f.Data))
	}
	return 2
}

// setupMigrated opens the database with its migrations applied, for the
// user commands; a nil env comes with the exit code.
func setupMigrated(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) (*env, int) {
	e, code := setup(ctx, getenv, stdout, stderr)
	if e == nil {
		return nil, code
	}
	if _, err := db.Migrate(ctx, e.db); err != nil {
		e.db.Close()
		fmt.Fprintln(stderr, "backoffice: migrate:", err)
		return nil, 1
	}
	return e, 0
}

// cmdSetPassword gives any user a new password, for operators (a lost demo
// login, a locked-out administrator). Like a password change it ends the
// user's sessions and API tokens, and the audit log keeps it.
func cmdSetPassword(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("user set-password", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "email address of the user (required)")
	password := fs.String("password", "", "the new password, 8 to 128 characters (required)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	addr := org.NormalizeEmail(*email)
	v := &apperr.ValidationError{}
	org.CheckEmail(v, "--email", addr)
	if code := refuseFlags(stderr, v, *password, addr); code != 0 {
		return code
	}
	e, code := setupMigrated(ctx, getenv, stdout, stderr)
	if e == nil {
		return code
	}
	defer e.db.Close()
	authSvc := auth.NewService(e.db, e.clock, newHasher(), auth.NewSessionStore(e.db, e.clock, e.cfg.SessionIdle, e.cfg.SessionMax))
	res, err := authSvc.ResetPassword(ctx, addr, *password)
	if errors.Is(err, apperr.ErrNotFound) {
		fmt.Fprintf(stderr, "backoffice: --email: no user has the address %s\n", addr)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "backoffice: set password:", err)
		return 1
	}
	fmt.Fprintf(stdout, "New password set for %s; %d sessions and %d API tokens ended.\n", addr, res.Sessions, res.Tokens)
	return 0
}
