// Command cspm is the one entry point for people: it runs the demo, serves the emulators
// on their own, drives a running local Function Compute, and packages the functions.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// exitUsage is the exit code for a bad command line.
const exitUsage = 2

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"demo", "run the whole service on the embedded emulators and print each hop", runDemo},
		{"scan", "scan a cloudsim inventory file: scan --fixture FILE [--format json|csv|ocsf|table] [--policy ID | --items a,b] [--mutelist FILE]", runScan},
		{"catalog", "list the check items: catalog [--framework F] [--product P] [--policy ID] [--format json|table|csv]", runCatalog},
		{"baseline", "check a host: baseline --root DIR --format json|table", runBaseline},
		{"authorize", "onboard a tenant account (or --revoke it), as the authorize function does", runAuthorize},
		{"whitelist", "a tenant's whitelist: whitelist add|list|remove --tenant T --item ID [--instance I] --reason R [--expires DATE]", runWhitelist},
		{"verify", "re-check one item (or one instance): verify --tenant T --item ID [--instance I] | --fixture FILE", runVerify},
		{"findings", "a tenant's stored findings: findings --tenant T [--task ID [--diff]] [--format json|table]", runFindings},
		{"emulate", "serve an emulator on its own: emulate cloud | mns | tablestore | fc", runEmulate},
		{"sim", "make an account for the cloud emulator: sim gen --instances N --seed S", runSim},
		{"fc", "drive a running `cspm emulate fc`: fc fire TRIGGER | fc invoke FUNCTION", runFC},
		{"tables", "create the deployment's Tablestore tables: tables create", runTables},
		{"usage", "print a tenant's metered usage: usage --tenant T [--period hour|day|month] [--format json|csv] [--from D] [--to D] [--data FILE]", runUsage},
		{"package", "zip each function binary as FC code (bootstrap) into dist/", runPackage},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: cspm <command> [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'cspm <command> -h' for a command's flags.")
}

// usageError marks a bad command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		var ue usageError
		var ec exitCode
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ec):
			return int(ec) // the command printed its result; the code is for CI gating
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "cspm %s: %v\n", c.name, err)
			return exitUsage
		default:
			fmt.Fprintf(stderr, "cspm %s: %v\n", c.name, err)
			return 1
		}
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "cspm: unknown command %q\n", args[0])
	usage(stderr)
	return exitUsage
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// newFlags makes a FlagSet that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("cspm "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses flags; a parse error becomes a usageError.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}
