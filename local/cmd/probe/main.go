// Command probe is the host baseline probe as a standalone static binary: it reads a
// root filesystem (and, on the running system, its listening ports, modules and
// kernel parameters) into the versioned facts document that shared/baseline's rules
// evaluate. Passwords are tested on the host; no password or hash is ever printed.
//
//	probe [--root DIR] [--gzip] [--chunk BYTES [--part K [--cache FILE]]] [--out FILE] [--words FILE] ...
//
// With --chunk the (gzip-compressed) document is printed base64-encoded as
// "i/n <data>" lines of at most BYTES bytes of data each, for channels with an output
// limit; baseline.DecodeChunkLines reassembles them. --part K prints line K only.
// With --cache the lines are kept in FILE (mode 0600) by the first run and read back
// by later ones instead of probing again, so all the parts of one document come from
// one probe; the run that prints the last part removes FILE. This is how
// shared/baseline/assist fetches a document larger than Cloud Assistant's 24 KB
// output limit: one invocation per part.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/cspm-alibaba/cspm/shared/baseline"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	default:
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	root := fs.String("root", "/", "root filesystem to probe")
	notLive := fs.Bool("no-live", false, "do not read live-system facts (ports, modules, kernel values) even with --root /")
	gz := fs.Bool("gzip", false, "gzip the facts document")
	chunk := fs.Int("chunk", 0, "print the document base64-encoded in lines of at most this many bytes (0: raw)")
	part := fs.Int("part", 0, "with --chunk: print only this line (1-based)")
	cache := fs.String("cache", "", "with --chunk: keep the lines in this file between --part runs")
	out := fs.String("out", "", "write to this file instead of standard output")
	words := fs.String("words", "", "file of the tenant's own dictionary words, one a line")
	top := fs.Int("top", 0, "use the top N built-in dictionary words (0: the default, -1: all)")
	budget := fs.Duration("password-budget", 30*time.Second, "wall-clock cap on password tests")
	memory := fs.Int64("password-memory", 256, "memory cap for concurrent password hashes, MiB")
	skip := fs.Bool("skip-passwords", false, "classify hashes but test no password")
	readCap := fs.Int64("read-cap", 4<<20, "largest file read, bytes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if (*part != 0 || *cache != "") && *chunk <= 0 {
		return errors.New("--part and --cache need --chunk")
	}
	if *part < 0 {
		return fmt.Errorf("--part %d: want 1 or more", *part)
	}
	if *cache != "" {
		if b, err := os.ReadFile(*cache); err == nil {
			return printLines(strings.Split(strings.TrimRight(string(b), "\n"), "\n"), *part, *cache, *out, stdout)
		}
	}
	var tenant []string
	if *words != "" {
		b, err := os.ReadFile(*words)
		if err != nil {
			return err
		}
		for _, w := range strings.Split(string(b), "\n") {
			if w = strings.TrimSpace(w); w != "" {
				tenant = append(tenant, w)
			}
		}
	}
	f, err := baseline.Collect(ctx, baseline.ProbeOptions{
		Root: *root, NotLive: *notLive, ReadCap: *readCap,
		Passwords: baseline.PasswordOptions{Skip: *skip, Tiers: baseline.DefaultTiers(*top, tenant), Budget: *budget, Memory: *memory << 20},
	})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := f.Encode(&buf, *gz); err != nil {
		return err
	}
	if *chunk > 0 && (*part > 0 || *cache != "") {
		lines := baseline.EncodeChunkLines(buf.Bytes(), *chunk)
		if *cache != "" {
			if err := os.WriteFile(*cache, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
				return err
			}
		}
		return printLines(lines, *part, *cache, *out, stdout)
	}
	w := stdout
	if *out != "" {
		file, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	bw := bufio.NewWriter(w)
	if *chunk > 0 {
		for _, line := range baseline.EncodeChunkLines(buf.Bytes(), *chunk) {
			fmt.Fprintln(bw, line)
		}
	} else {
		bw.Write(buf.Bytes())
	}
	return bw.Flush()
}

// printLines prints line part of lines (all of them for part 0) and removes the
// cache file once the last line has been printed.
func printLines(lines []string, part int, cache, out string, stdout io.Writer) error {
	if part > len(lines) {
		return fmt.Errorf("--part %d: the document has %d parts", part, len(lines))
	}
	n := len(lines)
	if part > 0 {
		lines = lines[part-1 : part]
	}
	w := stdout
	if out != "" {
		file, err := os.Create(out)
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	bw := bufio.NewWriter(w)
	for _, l := range lines {
		fmt.Fprintln(bw, l)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if cache != "" && (part == 0 || part == n) {
		return os.Remove(cache)
	}
	return nil
}
