package baseline

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"
)

// FactsVersion is the version of the Facts document this package writes. Decoding
// accepts this version and older ones.
const FactsVersion = 1

// Facts is everything the probe learned about one host; rules read nothing else.
// It holds no secret: passwords and hashes are tested in the probe and only the
// verdict is kept.
type Facts struct {
	Version    int                  `json:"v"`
	Collected  time.Time            `json:"at"`
	Live       bool                 `json:"live"`
	Host       HostInfo             `json:"host"`
	Files      map[string]*FileFact `json:"files"`
	Accounts   []Account            `json:"accounts,omitempty"`
	Groups     []Group              `json:"groups,omitempty"`
	PkgDB      string               `json:"pkgdb,omitempty"` // "dpkg", "rpm" (names not read) or ""
	Packages   map[string]string    `json:"pkgs,omitempty"`  // installed package → version
	Pending    *Pending             `json:"pending,omitempty"`
	Units      map[string]string    `json:"units,omitempty"` // unit → enabled | disabled | masked
	Active     []string             `json:"active,omitempty"`
	Sysctl     map[string]string    `json:"sysctl,omitempty"`  // live kernel values
	Modules    []string             `json:"modules,omitempty"` // live loaded modules
	Listeners  []Listener           `json:"listen,omitempty"`
	Secrets    []Secret             `json:"secrets,omitempty"`
	Containers []Container          `json:"containers,omitempty"`
	Errors     []string             `json:"errors,omitempty"`
}

// HostInfo identifies the host and its OS variant.
type HostInfo struct {
	Hostname  string `json:"hostname,omitempty"`
	OSID      string `json:"os_id,omitempty"`
	OSVersion string `json:"os_version,omitempty"`
	Variant   OS     `json:"variant,omitempty"`
}

// FileFact is one path's metadata and, for configuration files, its text with
// blank and comment lines removed and secrets redacted.
type FileFact struct {
	Type    string   `json:"type,omitempty"` // f, d, l, s (socket), o (other); "" when Err is set
	Mode    uint32   `json:"mode,omitempty"` // permission bits plus setuid/setgid/sticky (04000/02000/01000)
	UID     int      `json:"uid"`
	GID     int      `json:"gid"`
	Size    int64    `json:"size,omitempty"`
	Text    *string  `json:"text,omitempty"`
	Entries []string `json:"ls,omitempty"` // directory entries, for directories the probe lists
	Err     string   `json:"err,omitempty"`
}

// Account is one /etc/passwd entry with its shadow state.
type Account struct {
	Name    string  `json:"name"`
	UID     int     `json:"uid"`
	GID     int     `json:"gid"`
	Home    string  `json:"home,omitempty"`
	Shell   string  `json:"shell,omitempty"`
	PwField string  `json:"pwfield"` // x, empty, locked, hash (a hash in /etc/passwd itself)
	Shadow  *Shadow `json:"shadow,omitempty"`
	Legacy  bool    `json:"legacy,omitempty"` // a "+" NIS entry
}

// Shadow is the non-secret part of an /etc/shadow entry and the weak-password verdict.
type Shadow struct {
	State      string `json:"state"`            // empty, locked, nologin, hash, locked_hash
	Scheme     string `json:"scheme,omitempty"` // yescrypt, sha512crypt, ..., unknown:<id>
	Cost       int    `json:"cost,omitempty"`   // rounds, log2 N or bcrypt cost
	LastChange int    `json:"lastchg"`          // days since epoch; -1 when empty
	Min        int    `json:"min"`
	Max        int    `json:"max"`
	Warn       int    `json:"warn"`
	Inactive   int    `json:"inactive"`
	Expire     int    `json:"expire"`
	Weak       string `json:"weak,omitempty"`     // the tier a candidate matched in
	Tested     int    `json:"tested,omitempty"`   // candidates tried
	WeakErr    string `json:"weak_err,omitempty"` // why the test did not complete
}

// Group is one /etc/group entry.
type Group struct {
	Name    string   `json:"name"`
	GID     int      `json:"gid"`
	Members []string `json:"members,omitempty"`
}

// Pending is the package updates the host's package index offers.
type Pending struct {
	Index    int      `json:"index"`              // package-index files read
	Security []string `json:"security,omitempty"` // upgradable from a security suite
	Other    int      `json:"other"`              // other upgradable packages
	Err      string   `json:"err,omitempty"`
}

// Listener is a listening socket on the live system.
type Listener struct {
	Proto   string `json:"proto"` // tcp, tcp6, udp, udp6
	Addr    string `json:"addr"`
	Port    int    `json:"port"`
	Process string `json:"proc,omitempty"`
}

// Loopback reports whether the listener only accepts local connections.
func (l Listener) Loopback() bool {
	return strings.HasPrefix(l.Addr, "127.") || l.Addr == "::1"
}

// Secret is the verdict on one credential found in a service configuration or
// database. State is empty (no password), nopass (authentication disabled), weak,
// ok or unknown (Cause says why).
type Secret struct {
	Kind    string `json:"kind"`
	Where   string `json:"where"`
	Subject string `json:"subject,omitempty"`
	State   string `json:"state"`
	Tier    string `json:"tier,omitempty"`
	Cause   string `json:"cause,omitempty"`
}

// Container is the security-relevant part of one Docker container's configuration.
type Container struct {
	ID          string   `json:"id"`
	Name        string   `json:"name,omitempty"`
	Image       string   `json:"image,omitempty"`
	Running     bool     `json:"running"`
	Privileged  bool     `json:"privileged,omitempty"`
	NetworkMode string   `json:"net,omitempty"`
	PidMode     string   `json:"pid,omitempty"`
	IpcMode     string   `json:"ipc,omitempty"`
	User        string   `json:"user,omitempty"`
	CapAdd      []string `json:"cap_add,omitempty"`
	Mounts      []string `json:"mounts,omitempty"` // host sources
	Memory      int64    `json:"memory,omitempty"`
	PidsLimit   int64    `json:"pids_limit,omitempty"`
	ReadOnly    bool     `json:"ro,omitempty"`
	SecurityOpt []string `json:"secopt,omitempty"`
	Err         string   `json:"err,omitempty"`
}

// errNotCollected marks a path the probe did not look at.
var errNotCollected = errors.New("not collected by this probe version")

// File returns the fact for a path, or nil.
func (f *Facts) File(p string) *FileFact { return f.Files[p] }

// Exists reports whether the probe saw p (as anything).
func (f *Facts) Exists(p string) bool {
	ff := f.Files[p]
	return ff != nil && ff.Err == ""
}

// Text returns a collected file's text. ok is false when the file does not exist;
// err is set when it exists but could not be read (or was never collected).
func (f *Facts) Text(p string) (text string, ok bool, err error) {
	ff := f.Files[p]
	switch {
	case ff == nil:
		return "", false, fmt.Errorf("%s: %w", p, errNotCollected)
	case ff.Err == "missing":
		return "", false, nil
	case ff.Err != "":
		return "", true, fmt.Errorf("%s: %s", p, ff.Err)
	case ff.Text == nil:
		return "", true, fmt.Errorf("%s: content %w", p, errNotCollected)
	}
	return *ff.Text, true, nil
}

// Glob returns the collected paths matching pattern, sorted: files that exist,
// including those the probe could not read (their Text reports why).
func (f *Facts) Glob(pattern string) []string {
	var out []string
	for p, ff := range f.Files {
		if ff.Err == "missing" {
			continue
		}
		if ok, _ := path.Match(pattern, p); ok {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// Installed reports whether a package is installed; known is false when the probe
// could not read the package database.
func (f *Facts) Installed(name string) (installed, known bool) {
	if f.PkgDB != "dpkg" {
		return false, false
	}
	_, ok := f.Packages[name]
	return ok, true
}

// Account returns the account with the given name.
func (f *Facts) Account(name string) *Account {
	for i := range f.Accounts {
		if f.Accounts[i].Name == name {
			return &f.Accounts[i]
		}
	}
	return nil
}

// Encode writes the facts as JSON, gzip-compressed when gz is set.
func (f *Facts) Encode(w io.Writer, gz bool) error {
	if !gz {
		return json.NewEncoder(w).Encode(f)
	}
	zw := gzip.NewWriter(w)
	if err := json.NewEncoder(zw).Encode(f); err != nil {
		return err
	}
	return zw.Close()
}

// DecodeFacts reads a Facts document, plain or gzip-compressed. A document from a
// newer probe (a higher version) is refused.
func DecodeFacts(r io.Reader) (*Facts, error) {
	br := bufio.NewReader(r)
	var src io.Reader = br
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("baseline: decode facts: %w", err)
		}
		defer zr.Close()
		src = zr
	}
	var f Facts
	if err := json.NewDecoder(src).Decode(&f); err != nil {
		return nil, fmt.Errorf("baseline: decode facts: %w", err)
	}
	if f.Version < 1 || f.Version > FactsVersion {
		return nil, fmt.Errorf("baseline: decode facts: version %d, this build reads 1..%d", f.Version, FactsVersion)
	}
	if f.Files == nil {
		f.Files = map[string]*FileFact{}
	}
	return &f, nil
}

// Chunk splits an encoded document into pieces of at most size bytes, for channels
// with an output limit (Cloud Assistant). Join the pieces in order to decode.
func Chunk(doc []byte, size int) [][]byte {
	if size <= 0 {
		return [][]byte{doc}
	}
	var out [][]byte
	for len(doc) > size {
		out = append(out, doc[:size])
		doc = doc[size:]
	}
	return append(out, doc)
}

// JoinChunks reassembles Chunk's output.
func JoinChunks(chunks [][]byte) []byte { return bytes.Join(chunks, nil) }

// EncodeChunkLines renders an encoded document as "i/n <base64>" lines whose data
// part is at most size bytes, for text channels with an output limit.
func EncodeChunkLines(doc []byte, size int) []string {
	enc := base64.StdEncoding.EncodeToString(doc)
	parts := Chunk([]byte(enc), size)
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = fmt.Sprintf("%d/%d %s", i+1, len(parts), p)
	}
	return out
}

// DecodeChunkLines reassembles EncodeChunkLines' output (lines in any order) into
// the encoded document. Missing or duplicate pieces are an error.
func DecodeChunkLines(lines []string) ([]byte, error) {
	var parts [][]byte
	total := -1
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		var i, n int
		head, data, ok := strings.Cut(l, " ")
		if _, err := fmt.Sscanf(head, "%d/%d", &i, &n); err != nil || !ok || n < 1 || i < 1 || i > n || n > 1<<20 {
			return nil, fmt.Errorf("baseline: bad chunk line %.20q", l)
		}
		if total == -1 {
			total, parts = n, make([][]byte, n)
		}
		if n != total || parts[i-1] != nil {
			return nil, fmt.Errorf("baseline: chunk %d/%d inconsistent or repeated", i, n)
		}
		parts[i-1] = []byte(data)
	}
	for i, p := range parts {
		if p == nil {
			return nil, fmt.Errorf("baseline: chunk %d/%d missing", i+1, total)
		}
	}
	if total == -1 {
		return nil, fmt.Errorf("baseline: no chunks")
	}
	return base64.StdEncoding.DecodeString(string(JoinChunks(parts)))
}
