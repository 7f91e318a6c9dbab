package baseline

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"syscall"
	"unicode/utf8"
)

// Errors the rooted reader reports; items that need the file become NOT_EVALUATED
// with the error's text as the cause.
var (
	ErrSymlinkLoop = errors.New("too many levels of symbolic links")
	ErrTooLarge    = errors.New("file larger than the read cap")
	ErrBinary      = errors.New("binary content in a text file")
	ErrNotRegular  = errors.New("not a regular file")
)

// maxHops bounds symlink resolution, as the kernel's MAXSYMLINKS does.
const maxHops = 40

// Owner is the ownership a MapFS example file declares in its Sys field; without
// it a MapFS file is root:root.
type Owner struct{ UID, GID int }

// rootFS reads a root filesystem through an fs.FS, resolving every symlink itself
// so that nothing outside the root is ever opened: an absolute target is re-rooted
// at the root, and ".." stops at the root.
type rootFS struct {
	fsys    fs.FS
	readCap int64
}

func (r *rootFS) lstat(name string) (fs.FileInfo, error) {
	if rl, ok := r.fsys.(fs.ReadLinkFS); ok {
		return rl.Lstat(name)
	}
	return fs.Stat(r.fsys, name)
}

func (r *rootFS) readlink(name string) (string, error) {
	if rl, ok := r.fsys.(fs.ReadLinkFS); ok {
		return rl.ReadLink(name)
	}
	return "", fmt.Errorf("readlink %s: not supported", name)
}

func splitPath(p string) []string {
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}

// resolve maps an absolute path inside the root to an fs.FS name with no symlink
// in any component (the last one too when followLast). It never leaves the root.
func (r *rootFS) resolve(p string, followLast bool) (string, error) {
	todo := splitPath(p)
	var done []string
	hops := 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		if c == ".." {
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			continue
		}
		cand := path.Join(append(slicesClone(done), c)...)
		if len(todo) == 0 && !followLast {
			done = append(done, c)
			break
		}
		fi, err := r.lstat(cand)
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			hops++
			if hops > maxHops {
				return "", &fs.PathError{Op: "resolve", Path: p, Err: ErrSymlinkLoop}
			}
			target, err := r.readlink(cand)
			if err != nil {
				return "", err
			}
			if strings.HasPrefix(target, "/") {
				done = done[:0]
			}
			todo = append(splitPath(target), todo...)
			continue
		}
		if len(todo) > 0 && !fi.IsDir() {
			return "", &fs.PathError{Op: "resolve", Path: p, Err: syscall.ENOTDIR}
		}
		done = append(done, c)
	}
	if len(done) == 0 {
		return ".", nil
	}
	return path.Join(done...), nil
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// stat follows symlinks inside the root.
func (r *rootFS) stat(p string) (fs.FileInfo, string, error) {
	name, err := r.resolve(p, true)
	if err != nil {
		return nil, "", err
	}
	fi, err := r.lstat(name)
	return fi, name, err
}

// readText reads a regular text file, at most readCap bytes. Larger files, files
// with NUL bytes or invalid UTF-8, and non-regular files are errors.
func (r *rootFS) readText(p string) ([]byte, fs.FileInfo, error) {
	b, fi, err := r.readBytes(p)
	if err != nil {
		return nil, fi, err
	}
	if bytes.IndexByte(b, 0) >= 0 || !utf8.Valid(b) {
		return nil, fi, &fs.PathError{Op: "read", Path: p, Err: ErrBinary}
	}
	return b, fi, nil
}

// readBytes reads a regular file of at most readCap bytes.
func (r *rootFS) readBytes(p string) ([]byte, fs.FileInfo, error) {
	fi, name, err := r.stat(p)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fi, &fs.PathError{Op: "read", Path: p, Err: ErrNotRegular}
	}
	if fi.Size() > r.readCap {
		return nil, fi, &fs.PathError{Op: "read", Path: p, Err: fmt.Errorf("%w (%d > %d bytes)", ErrTooLarge, fi.Size(), r.readCap)}
	}
	f, err := r.fsys.Open(name)
	if err != nil {
		return nil, fi, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, r.readCap+1))
	if err != nil {
		return nil, fi, err
	}
	if int64(len(b)) > r.readCap {
		return nil, fi, &fs.PathError{Op: "read", Path: p, Err: fmt.Errorf("%w (> %d bytes)", ErrTooLarge, r.readCap)}
	}
	return b, fi, nil
}

// openRegular opens a regular file inside the root for streaming.
func (r *rootFS) openRegular(p string) (fs.File, error) {
	fi, name, err := r.stat(p)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: p, Err: ErrNotRegular}
	}
	return r.fsys.Open(name)
}

// readDir lists a directory inside the root (following symlinks to it).
func (r *rootFS) readDir(p string) ([]fs.DirEntry, error) {
	name, err := r.resolve(p, true)
	if err != nil {
		return nil, err
	}
	return fs.ReadDir(r.fsys, name)
}

// glob expands a pattern whose directory part has no metacharacters, or whose
// metacharacters are only in the last two components (enough for the probe's
// globs such as /var/lib/docker/containers/*/hostconfig.json).
func (r *rootFS) glob(pattern string) []string {
	dir, base := path.Split(pattern)
	dir = path.Clean(dir)
	var dirs []string
	if strings.ContainsAny(dir, "*?[") {
		dirs = r.glob(dir)
	} else {
		dirs = []string{dir}
	}
	var out []string
	for _, d := range dirs {
		if !strings.ContainsAny(base, "*?[") {
			if _, _, err := r.stat(path.Join(d, base)); err == nil {
				out = append(out, path.Join(d, base))
			}
			continue
		}
		ents, err := r.readDir(d)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if ok, _ := path.Match(base, e.Name()); ok {
				out = append(out, path.Join(d, e.Name()))
			}
		}
	}
	return out
}

// ownerOf extracts uid and gid from a FileInfo.
func ownerOf(fi fs.FileInfo) (int, int) {
	switch s := fi.Sys().(type) {
	case *syscall.Stat_t:
		return int(s.Uid), int(s.Gid)
	case Owner:
		return s.UID, s.GID
	case *Owner:
		return s.UID, s.GID
	}
	return 0, 0
}

// errText is the short cause recorded in facts for a read error.
func errText(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, fs.ErrNotExist):
		return "missing"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, ErrSymlinkLoop):
		return "symlink loop"
	case errors.Is(err, ErrTooLarge):
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return pe.Err.Error()
		}
		return ErrTooLarge.Error()
	case errors.Is(err, ErrBinary):
		return ErrBinary.Error()
	case errors.Is(err, ErrNotRegular):
		return ErrNotRegular.Error()
	case errors.Is(err, syscall.ENOTDIR):
		return "not a directory"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
