package baseline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Edit is one file change a fix makes. Data nil keeps the content; Mode 0 keeps
// the permission bits (a new file gets 0644); Remove deletes the file.
type Edit struct {
	Path   string
	Data   []byte
	Mode   fs.FileMode
	Remove bool
	Direct bool // write in place (kernel parameters under /proc/sys)
}

// fileReader reads a file of the root being fixed: its content, mode and whether
// it exists.
type fileReader func(p string) ([]byte, fs.FileMode, bool, error)

// BeforeImage is the state of one file before a fix: enough to restore it.
type BeforeImage struct {
	Path   string      `json:"path"`
	Exists bool        `json:"exists"`
	Mode   fs.FileMode `json:"mode,omitempty"`
	UID    int         `json:"uid"`
	GID    int         `json:"gid"`
	Data   []byte      `json:"data,omitempty"`
	Direct bool        `json:"direct,omitempty"`
}

// Backup is what Fix saves before changing anything; Rollback restores it.
type Backup struct {
	ID     string        `json:"id"`
	ItemID string        `json:"item_id"`
	At     time.Time     `json:"at"`
	Files  []BeforeImage `json:"files"`
}

// FixResult reports one fix: the status before and after (re-checked), the
// files changed and the backup to roll back to.
type FixResult struct {
	ItemID   string   `json:"item_id"`
	Before   Status   `json:"before"`
	After    Status   `json:"after"`
	Files    []string `json:"files,omitempty"`
	BackupID string   `json:"backup_id,omitempty"`
	Evidence []string `json:"evidence,omitempty"`
}

// FixOptions configures Fix and Rollback.
type FixOptions struct {
	// BackupDir holds before-images (default <root>/var/lib/cspm/baseline-backup).
	BackupDir string
	// Probe configures the re-check (Root is set from Fix's root).
	Probe ProbeOptions
}

// ErrNoFix is returned for an item without an automatic fix.
var ErrNoFix = errors.New("item has no automatic fix")

func backupDir(root string, o FixOptions) string {
	if o.BackupDir != "" {
		return o.BackupDir
	}
	return filepath.Join(root, "var/lib/cspm/baseline-backup")
}

// hostPath maps an absolute path inside the root to a path on this machine,
// refusing any symlink that would lead out of the root.
func hostPath(root, p string) (string, error) {
	r := &rootFS{fsys: os.DirFS(root), readCap: 1}
	name, err := r.resolve(p, true)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if err != nil { // the file may not exist yet: resolve its directory
		dir, err := r.resolve(path.Dir(p), true)
		if err != nil {
			return "", err
		}
		name = path.Join(dir, path.Base(p))
	}
	return filepath.Join(root, filepath.FromSlash(name)), nil
}

// Fix remediates one item on the root filesystem at root (a directory; "/" is the
// running system): it probes, computes the edits, saves a before-image of every
// file it will touch, applies the edits and re-checks the item. It does nothing
// when the item already passes.
func Fix(ctx context.Context, root, itemID string, o FixOptions) (FixResult, error) {
	it, ok := Lookup(itemID)
	if !ok {
		return FixResult{}, fmt.Errorf("baseline: fix %s: unknown item", itemID)
	}
	res := FixResult{ItemID: itemID}
	if it.fix == nil {
		return res, fmt.Errorf("baseline: fix %s: %w", itemID, ErrNoFix)
	}
	po := o.Probe
	po.Root, po.FS = root, nil
	po.Passwords.Skip = true
	po.NoPending = true
	facts, err := Collect(ctx, po)
	if err != nil {
		return res, err
	}
	before := evalItem(it, facts)
	res.Before, res.After = before.Status, before.Status
	if before.Status == Pass {
		res.Evidence = before.Evidence
		return res, nil
	}
	read := func(p string) ([]byte, fs.FileMode, bool, error) {
		hp, err := hostPath(root, p)
		if err != nil {
			return nil, 0, false, err
		}
		fi, err := os.Stat(hp)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, false, nil
		}
		if err != nil {
			return nil, 0, false, err
		}
		b, err := os.ReadFile(hp)
		return b, fi.Mode().Perm(), true, err
	}
	edits, err := it.fix(facts, read)
	if err != nil {
		return res, fmt.Errorf("baseline: fix %s: %w", itemID, err)
	}
	bk := Backup{ID: time.Now().UTC().Format("20060102T150405.000000000Z") + "-" + itemID, ItemID: itemID, At: time.Now().UTC()}
	for _, e := range edits {
		hp, err := hostPath(root, e.Path)
		if err != nil {
			return res, fmt.Errorf("baseline: fix %s: %s: %w", itemID, e.Path, err)
		}
		img := BeforeImage{Path: e.Path, Direct: e.Direct}
		if fi, err := os.Stat(hp); err == nil {
			img.Exists, img.Mode = true, fi.Mode().Perm()|fi.Mode()&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)
			img.UID, img.GID = ownerOf(fi)
			// content only when the fix changes content: a mode fix on /etc/shadow
			// must not copy the hashes into the backup
			if fi.Mode().IsRegular() && (e.Data != nil || e.Remove) {
				if img.Data, err = os.ReadFile(hp); err != nil {
					return res, fmt.Errorf("baseline: fix %s: before-image %s: %w", itemID, e.Path, err)
				}
			}
		}
		bk.Files = append(bk.Files, img)
	}
	if err := saveBackup(backupDir(root, o), bk); err != nil {
		return res, fmt.Errorf("baseline: fix %s: %w", itemID, err)
	}
	res.BackupID = bk.ID
	for _, e := range edits {
		hp, _ := hostPath(root, e.Path)
		if err := applyEdit(hp, e); err != nil {
			return res, fmt.Errorf("baseline: fix %s: %s: %w (roll back with backup %s)", itemID, e.Path, err, bk.ID)
		}
		res.Files = append(res.Files, e.Path)
	}
	facts, err = Collect(ctx, po)
	if err != nil {
		return res, err
	}
	after := evalItem(it, facts)
	res.After, res.Evidence = after.Status, after.Evidence
	return res, nil
}

func applyEdit(hp string, e Edit) error {
	if e.Remove {
		if err := os.Remove(hp); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	fi, statErr := os.Stat(hp)
	if e.Direct {
		f, err := os.OpenFile(hp, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return err
		}
		if _, err := f.Write(e.Data); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	if e.Data != nil {
		mode := fs.FileMode(0o644)
		if statErr == nil {
			mode = fi.Mode().Perm()
		}
		if e.Mode != 0 {
			mode = e.Mode
		}
		if err := os.MkdirAll(filepath.Dir(hp), 0o755); err != nil {
			return err
		}
		tmp := hp + ".cspm-tmp"
		if err := os.WriteFile(tmp, e.Data, mode); err != nil {
			return err
		}
		if statErr == nil {
			uid, gid := ownerOf(fi)
			_ = os.Lchown(tmp, uid, gid) // best effort when not root
		}
		if err := os.Chmod(tmp, mode); err != nil {
			return err
		}
		return os.Rename(tmp, hp)
	}
	if e.Mode != 0 {
		if statErr != nil {
			return statErr
		}
		return os.Chmod(hp, e.Mode)
	}
	return nil
}

func saveBackup(dir string, bk Backup) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(bk)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, bk.ID+".json"), b, 0o600)
}

// Rollback restores every file of a backup to its before-image (content, mode,
// owner; a file that did not exist is removed).
func Rollback(root, backupID string, o FixOptions) error {
	if strings.ContainsAny(backupID, "/\\") {
		return fmt.Errorf("baseline: rollback: bad backup id %q", backupID)
	}
	b, err := os.ReadFile(filepath.Join(backupDir(root, o), backupID+".json"))
	if err != nil {
		return fmt.Errorf("baseline: rollback %s: %w", backupID, err)
	}
	var bk Backup
	if err := json.Unmarshal(b, &bk); err != nil {
		return fmt.Errorf("baseline: rollback %s: %w", backupID, err)
	}
	for _, img := range bk.Files {
		hp, err := hostPath(root, img.Path)
		if err != nil {
			return fmt.Errorf("baseline: rollback %s: %s: %w", backupID, img.Path, err)
		}
		if !img.Exists {
			if err := os.Remove(hp); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("baseline: rollback %s: %w", backupID, err)
			}
			continue
		}
		if img.Direct {
			if err := applyEdit(hp, Edit{Data: img.Data, Direct: true}); err != nil {
				return fmt.Errorf("baseline: rollback %s: %w", backupID, err)
			}
			continue
		}
		if img.Data != nil {
			if cur, err := os.ReadFile(hp); err != nil || !bytes.Equal(cur, img.Data) {
				if err := applyEdit(hp, Edit{Data: img.Data, Mode: img.Mode.Perm()}); err != nil {
					return fmt.Errorf("baseline: rollback %s: %w", backupID, err)
				}
			}
		}
		if err := os.Chmod(hp, img.Mode); err != nil {
			return fmt.Errorf("baseline: rollback %s: %w", backupID, err)
		}
		_ = os.Lchown(hp, img.UID, img.GID)
	}
	return nil
}

// Edit builders used by the items' fixes.

// setDirective sets "key<sep>value" in a config file: every active line with the
// key is commented out, and the new line goes first (first-wins files such as
// sshd_config) or last.
func setDirective(read fileReader, p, key, value, sep string, first bool) (Edit, error) {
	b, _, _, err := read(p)
	if err != nil {
		return Edit{}, err
	}
	newLine := key + sep + value
	var out []string
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		t := strings.TrimSpace(line)
		k := t
		if i := strings.IndexAny(t, " \t="); i >= 0 {
			k = t[:i]
		}
		if t != "" && !strings.HasPrefix(t, "#") && strings.EqualFold(k, key) {
			line = "# " + line + "   # replaced by cspm baseline fix"
		}
		out = append(out, line)
	}
	if len(out) == 1 && out[0] == "" {
		out = nil
	}
	if first {
		out = append([]string{newLine}, out...)
	} else {
		out = append(out, newLine)
	}
	return Edit{Path: p, Data: []byte(strings.Join(out, "\n") + "\n")}, nil
}
