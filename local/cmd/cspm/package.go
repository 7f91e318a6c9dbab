package main

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cspm-alibaba/cspm/local/demo"
)

// functionNames are the five functions, by their s.yaml resource key.
var functionNames = demo.Functions

// runPackage lays out each function as FC code: dist/<name>/bootstrap (what s.yaml's
// code: points at) and dist/<name>.zip (for uploading by hand).
func runPackage(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("package", stderr)
	bin := fs.String("bin", defaultBinDir(), "directory holding the linux/amd64 function binaries")
	out := fs.String("out", "dist", "output directory")
	if err := parse(fs, args); err != nil {
		return err
	}
	for _, name := range functionNames {
		src := filepath.Join(*bin, name)
		dir := filepath.Join(*out, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := copyFile(src, filepath.Join(dir, "bootstrap")); err != nil {
			return fmt.Errorf("package %s: %w", name, err)
		}
		if err := zipBootstrap(src, filepath.Join(*out, name+".zip")); err != nil {
			return fmt.Errorf("package %s: %w", name, err)
		}
		fmt.Fprintf(stdout, "%s → %s, %s.zip\n", src, filepath.Join(dir, "bootstrap"), filepath.Join(*out, name))
	}
	return nil
}

func copyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, out.Close()) }()
	_, err = io.Copy(out, in)
	return err
}

func zipBootstrap(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	zw := zip.NewWriter(f)
	h := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate}
	h.SetMode(0o755) // FC runs /code/bootstrap: it must stay executable
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, in); err != nil {
		return err
	}
	return zw.Close()
}
