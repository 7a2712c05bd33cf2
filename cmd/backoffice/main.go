// Command backoffice runs the Backoffice service desk.
//
//	backoffice serve [--no-demo]        serve HTTP (applies migrations; demo data on an empty database)
//	backoffice migrate up|down|status   apply, roll back one step, or list migrations
//	backoffice seed [--password P]      load demo data into an empty database
//	backoffice user create --email E --password P --name N --role provider_admin|provider_agent
//	backoffice user set-password --email E --password P
//	backoffice version                  print the version
//
// Configuration comes from the environment; see README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // time zones work on machines without zoneinfo, and with CGO_ENABLED=0
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

const usage = `Usage: backoffice <command> [arguments]

Commands:
  serve [--no-demo]                 serve HTTP on BACKOFFICE_ADDR; applies pending migrations and,
                                    on an empty database, loads demo data and prints the logins
  migrate up|down|status            apply pending migrations, roll back the last one, or list them
  seed [--password P]               load demo data into an empty database
  user create --email E --password P --name N --role provider_admin|provider_agent [--organization O]
                                    create a provider user (and the provider organization if none exists)
  user set-password --email E --password P
                                    give any user a new password (ends their sessions and API tokens)
  version                           print the version

Configuration is read from the environment: BACKOFFICE_ADDR, DATABASE_URL, BASE_URL,
BACKOFFICE_SECRET, SMTP_URL, MAIL_FROM, LOG_LEVEL (see README.md).
`

// run executes one command and returns the exit code: 0 success, 1 failure,
// 2 bad usage or configuration.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, args[1:], getenv, stdout, stderr)
	case "seed":
		return cmdSeed(ctx, args[1:], getenv, stdout, stderr)
	case "user":
		return cmdUser(ctx, args[1:], getenv, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "backoffice", version)
		return 0
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "backoffice: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
