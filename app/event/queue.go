package event

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/uptrace/bun"

	"backoffice/app/db"
)

// Queue is the job queue for work that leaves the process (mail now): a
// River client on the application's database. A job inserted through Insert
// inside a transaction (db.InTx) is part of it: invisible to the workers
// until the commit, gone with a rollback. River retries failed jobs with
// backoff and lets several instances work side by side (on PostgreSQL
// with SKIP LOCKED and leader election).
type Queue struct {
	client *river.Client[*sql.Tx]
	works  bool
}

// QueueConfig configures a Queue. Without Workers it only inserts jobs
// (another instance, or a later start, works them).
type QueueConfig struct {
	Workers      *river.Workers
	MaxWorkers   int           // concurrent jobs; default 4
	PollInterval time.Duration // how often to look for new jobs; default 1s
	Log          *slog.Logger
}

// NewQueue returns a queue on bdb (migrated by db.Migrate).
func NewQueue(bdb *bun.DB, cfg QueueConfig) (*Queue, error) {
	var driver riverdriver.Driver[*sql.Tx]
	if db.IsPostgres(bdb) {
		driver = riverdatabasesql.New(bdb.DB)
	} else {
		driver = riversqlite.New(bdb.DB)
	}
	rc := &river.Config{Logger: cfg.Log, FetchPollInterval: cfg.PollInterval}
	if cfg.PollInterval > 0 && cfg.PollInterval < river.FetchCooldownDefault {
		rc.FetchCooldown = cfg.PollInterval
	}
	if cfg.Workers != nil {
		n := cfg.MaxWorkers
		if n <= 0 {
			n = 4
		}
		rc.Workers = cfg.Workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: n}}
	}
	if rc.Logger == nil {
		rc.Logger = slog.New(slog.DiscardHandler)
	} else {
		rc.Logger = slog.New(warnings{rc.Logger.Handler()}) // River tells much at Info
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return &Queue{client: client, works: cfg.Workers != nil}, nil
}

// Insert queues a job, in the transaction of ctx when there is one.
func (q *Queue) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	var err error
	if tx, ok := db.SQLTx(ctx); ok {
		_, err = q.client.InsertTx(ctx, tx, args, opts)
	} else {
		_, err = q.client.Insert(ctx, args, opts)
	}
	if err != nil {
		return fmt.Errorf("queue %s job: %w", args.Kind(), err)
	}
	return nil
}

// Start works jobs until Stop (a queue without workers has nothing to do).
func (q *Queue) Start(ctx context.Context) error {
	if !q.works {
		return nil
	}
	return q.client.Start(ctx)
}

// Stop waits for running jobs to finish, at most until ctx ends.
func (q *Queue) Stop(ctx context.Context) error {
	if !q.works {
		return nil
	}
	return q.client.Stop(ctx)
}

// warnings passes on River's warnings and errors only.
type warnings struct{ slog.Handler }

func (w warnings) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && w.Handler.Enabled(ctx, l)
}

func (w warnings) WithAttrs(attrs []slog.Attr) slog.Handler {
	return warnings{w.Handler.WithAttrs(attrs)}
}

func (w warnings) WithGroup(name string) slog.Handler { return warnings{w.Handler.WithGroup(name)} }
