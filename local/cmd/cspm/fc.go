package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

func runFC(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"what to do? fire TRIGGER or invoke FUNCTION"}
	}
	verb := args[0]
	fs := newFlags("fc "+verb, stderr)
	addr := fs.String("addr", "127.0.0.1:9100", "control API of `cspm emulate fc`")
	data := fs.String("data", "", "invoke payload, or @FILE to read it from a file")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{fmt.Sprintf("fc %s takes one name, got %d", verb, fs.NArg())}
	}
	name := fs.Arg(0)
	var path string
	var body []byte
	switch verb {
	case "fire":
		path = "/triggers/" + url.PathEscape(name) + "/fire"
	case "invoke":
		path = "/functions/" + url.PathEscape(name) + "/invoke"
		if strings.HasPrefix(*data, "@") {
			b, err := os.ReadFile((*data)[1:])
			if err != nil {
				return err
			}
			body = b
		} else {
			body = []byte(*data)
		}
	default:
		return usageError{fmt.Sprintf("unknown verb %q: want fire or invoke", verb)}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+*addr+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("reach the FC emulator at %s: %w", *addr, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", bytes.TrimSpace(out))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: HTTP %d", verb, name, resp.StatusCode)
	}
	return nil
}
