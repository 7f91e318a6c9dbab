package main

import (
	"context"
	"io"
	"os"
	"path/filepath"

	"github.com/cspm-alibaba/cspm/local/demo"
)

// defaultBinDir is the directory of this executable: make build puts the function
// binaries beside cspm in bin/.
func defaultBinDir() string {
	exe, err := os.Executable()
	if err != nil {
		return "bin"
	}
	return filepath.Dir(exe)
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	bin := fs.String("bin", defaultBinDir(), "directory holding the function binaries")
	spec := fs.String("spec", "s.yaml", "the deployment file")
	logs := fs.Bool("logs", false, "show the functions' own output")
	data := fs.String("data", "", "keep the Tablestore emulator's tables in this file, so scan history survives between runs")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"unexpected arguments: " + fs.Arg(0)}
	}
	o := demo.Options{BinDir: *bin, Spec: *spec, Out: stdout, DataFile: *data}
	if *logs {
		o.Logs = stderr
	}
	return demo.Run(ctx, o)
}
