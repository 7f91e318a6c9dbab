package otsim

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/golang/protobuf/proto"
)

// Defaults applied by NewServer to empty Options fields.
const (
	DefaultInstance        = "cspm-local"
	DefaultAccessKeyID     = "cspm-local-ak"
	DefaultAccessKeySecret = "cspm-local-secret"
	DefaultListen          = "127.0.0.1:0"
)

// maxBodyBytes bounds a request body. The service limits rows to 4 MB per
// request; a little headroom covers protobuf framing.
const maxBodyBytes = 8 << 20

// Options configures a Server. Zero values take the Default* constants.
type Options struct {
	Instance        string // instance name expected in x-ots-instancename; default "cspm-local"
	AccessKeyID     string // default "cspm-local-ak"
	AccessKeySecret string // default "cspm-local-secret"
	Listen          string // TCP address to listen on; default "127.0.0.1:0"
	// DataFile, when set, is loaded at start (a missing or empty file means an
	// empty store) and saved atomically (temp file + rename) shortly after
	// writes and on Close. A file that does not decode makes NewServer fail.
	DataFile string
}

// Server is a Tablestore emulator serving the wide-column API over HTTP.
// It is safe for concurrent use.
type Server struct {
	opts Options
	ln   net.Listener
	http *http.Server
	url  string

	mu      sync.RWMutex // guards tables, every table's content and version
	tables  map[string]*table
	version uint64 // incremented on every state change

	reqPrefix string
	reqSeq    atomic.Uint64
	inflight  atomic.Int64
	now       func() time.Time

	saveMu       sync.Mutex // serializes saves
	saveValid    bool
	savedVersion uint64
	saveErr      error
	timerMu      sync.Mutex
	saveTimer    *time.Timer
	lastSaveCost time.Duration // guarded by timerMu
	closing      bool

	clientOnce sync.Once
	client     *tablestore.TableStoreClient
	transport  *http.Transport // used by Client, idle connections closed by Close

	closeOnce sync.Once
	closeErr  error
}

// NewServer starts an emulator listening on opts.Listen. It loads
// opts.DataFile first when set.
func NewServer(opts Options) (*Server, error) {
	s, err := newServer(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", s.opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("otsim: listen on %s: %w", s.opts.Listen, err)
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	s.transport = &http.Transport{MaxIdleConnsPerHost: 256, IdleConnTimeout: 30 * time.Second}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

// newServer builds the emulator state without a listener (used by NewServer
// and by the fuzz target through HTTPHandler).
func newServer(opts Options) (*Server, error) {
	if opts.Instance == "" {
		opts.Instance = DefaultInstance
	}
	if opts.AccessKeyID == "" {
		opts.AccessKeyID = DefaultAccessKeyID
	}
	if opts.AccessKeySecret == "" {
		opts.AccessKeySecret = DefaultAccessKeySecret
	}
	if opts.Listen == "" {
		opts.Listen = DefaultListen
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	s := &Server{
		opts:      opts,
		tables:    map[string]*table{},
		reqPrefix: hex.EncodeToString(rnd[:]),
		now:       time.Now,
	}
	if opts.DataFile != "" {
		if err := s.loadFile(); err != nil {
			return nil, err
		}
		s.saveValid, s.savedVersion = true, 0
	}
	return s, nil
}

// URL returns the endpoint to give tablestore.NewClient, e.g. http://127.0.0.1:PORT.
func (s *Server) URL() string { return s.url }

// HTTPHandler returns the handler serving the Tablestore API, for mounting on
// another server or calling in-process with httptest. Requests must be signed
// exactly as the SDK signs them.
func (s *Server) HTTPHandler() http.Handler { return s }

// Client returns a real SDK client configured for this server's endpoint,
// instance and credentials. The same client is returned on every call.
func (s *Server) Client() *tablestore.TableStoreClient {
	s.clientOnce.Do(func() {
		cfg := tablestore.NewDefaultTableStoreConfig()
		if s.transport != nil {
			cfg.Transport = s.transport
		}
		s.client = tablestore.NewClientWithConfig(s.url, s.opts.Instance, s.opts.AccessKeyID, s.opts.AccessKeySecret, "", cfg)
	})
	return s.client
}

// Close stops the listener, waits briefly for in-flight requests and, when a
// DataFile is configured, saves the final state. It is safe to call twice.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.timerMu.Lock()
		s.closing = true
		if s.saveTimer != nil {
			s.saveTimer.Stop()
			s.saveTimer = nil
		}
		s.timerMu.Unlock()
		var errs []error
		if s.http != nil {
			// Stop accepting, let requests already in a handler finish
			// (bounded), then drop every connection. http.Server.Shutdown
			// is not used: it waits up to 5 s for connections a client
			// opened but never used.
			_ = s.ln.Close()
			deadline := time.Now().Add(5 * time.Second)
			for s.inflight.Load() > 0 && time.Now().Before(deadline) {
				time.Sleep(2 * time.Millisecond)
			}
			_ = s.http.Close()
		}
		if s.transport != nil {
			s.transport.CloseIdleConnections()
		}
		if err := s.save(); err != nil {
			errs = append(errs, err)
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// otsError is an error answered to the client as protobuf otsprotocol.Error.
type otsError struct {
	status int
	code   string
	msg    string
}

func (e *otsError) Error() string { return e.code + ": " + e.msg }

const (
	codeParameterInvalid    = "OTSParameterInvalid"
	codeObjectNotExist      = "OTSObjectNotExist"
	codeObjectAlreadyExist  = "OTSObjectAlreadyExist"
	codeConditionCheckFail  = "OTSConditionCheckFail"
	codeAuthFailed          = "OTSAuthFailed"
	codeUnsupportOperation  = "OTSUnsupportOperation"
	codeMethodNotAllowed    = "OTSMethodNotAllowed"
	codeRequestBodyTooLarge = "OTSRequestBodyTooLarge"
	codeQuotaExhausted      = "OTSQuotaExhausted"
	codeInternalServerError = "OTSInternalServerError"

	msgTableNotExist  = "Requested table does not exist."
	msgTableExists    = "Requested table already exists."
	msgConditionCheck = "Condition check failed."
)

func errParam(format string, args ...any) *otsError {
	return &otsError{http.StatusBadRequest, codeParameterInvalid, fmt.Sprintf(format, args...)}
}

func errAuth(format string, args ...any) *otsError {
	return &otsError{http.StatusForbidden, codeAuthFailed, fmt.Sprintf(format, args...)}
}

var (
	errTableNotExist = &otsError{http.StatusNotFound, codeObjectNotExist, msgTableNotExist}
	errTableExists   = &otsError{http.StatusConflict, codeObjectAlreadyExist, msgTableExists}
	errCondition     = &otsError{http.StatusForbidden, codeConditionCheckFail, msgConditionCheck}
)

// handler serves one API operation: body is the request protobuf.
type handler func(s *Server, body []byte) (proto.Message, *otsError)

var routes = map[string]handler{
	"/CreateTable":   (*Server).createTable,
	"/ListTable":     (*Server).listTable,
	"/DeleteTable":   (*Server).deleteTable,
	"/DescribeTable": (*Server).describeTable,
	"/UpdateTable":   (*Server).updateTable,
	"/PutRow":        (*Server).putRow,
	"/GetRow":        (*Server).getRow,
	"/UpdateRow":     (*Server).updateRow,
	"/DeleteRow":     (*Server).deleteRow,
	"/BatchGetRow":   (*Server).batchGetRow,
	"/BatchWriteRow": (*Server).batchWriteRow,
	"/GetRange":      (*Server).getRange,
}

func (s *Server) newRequestID() string {
	n := s.reqSeq.Add(1)
	return fmt.Sprintf("%s-%012x", s.reqPrefix, n)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.inflight.Add(1)
	defer s.inflight.Add(-1)
	reqID := s.newRequestID()
	w.Header().Set("x-ots-requestid", reqID)
	w.Header().Set("x-ots-date", s.now().UTC().Format("2006-01-02T15:04:05.000Z"))
	defer func() {
		if p := recover(); p != nil {
			s.writeError(w, &otsError{http.StatusInternalServerError, codeInternalServerError, fmt.Sprintf("otsim internal error: %v", p)})
		}
	}()
	if r.Method != http.MethodPost {
		s.writeError(w, &otsError{http.StatusMethodNotAllowed, codeMethodNotAllowed, "Only POST is allowed."})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		s.writeError(w, errParam("Failed to read the request body: %v", err))
		return
	}
	if len(body) > maxBodyBytes {
		s.writeError(w, &otsError{http.StatusRequestEntityTooLarge, codeRequestBodyTooLarge, fmt.Sprintf("The request body exceeds %d bytes.", maxBodyBytes)})
		return
	}
	if e := s.authenticate(r, body); e != nil {
		s.writeError(w, e)
		return
	}
	h, ok := routes[r.URL.Path]
	if !ok {
		s.writeError(w, &otsError{http.StatusBadRequest, codeUnsupportOperation, fmt.Sprintf("Unsupported operation: '%s'.", strings.TrimPrefix(r.URL.Path, "/"))})
		return
	}
	resp, e := h(s, body)
	if e != nil {
		s.writeError(w, e)
		return
	}
	out, err := proto.Marshal(resp)
	if err != nil {
		s.writeError(w, &otsError{http.StatusInternalServerError, codeInternalServerError, "otsim failed to encode the response: " + err.Error()})
		return
	}
	s.writeBody(w, http.StatusOK, out)
}

func (s *Server) writeBody(w http.ResponseWriter, status int, body []byte) {
	sum := md5.Sum(body)
	w.Header().Set("x-ots-contentmd5", base64.StdEncoding.EncodeToString(sum[:]))
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (s *Server) writeError(w http.ResponseWriter, e *otsError) {
	out, _ := proto.Marshal(&otsprotocol.Error{Code: proto.String(e.code), Message: proto.String(e.msg)})
	s.writeBody(w, e.status, out)
}

// authenticate checks the access key, instance name, body MD5 and the request
// signature: base64(HMAC-SHA1(secret, path + "\nPOST\n\n" + for every x-ots-*
// header except x-ots-signature, sorted by name: name + ":" + trim(value) + "\n")).
// x-ots-date is signed but deliberately not parsed: the SDK formats it with a
// broken layout.
func (s *Server) authenticate(r *http.Request, body []byte) *otsError {
	get := func(name string) string { return r.Header.Get(name) }
	ak := get("x-ots-accesskeyid")
	if ak == "" {
		return errAuth("Missing header: x-ots-accesskeyid.")
	}
	if ak != s.opts.AccessKeyID {
		return errAuth("The AccessKeyID does not exist or is disabled.")
	}
	inst := get("x-ots-instancename")
	if inst == "" {
		return errAuth("Missing header: x-ots-instancename.")
	}
	if inst != s.opts.Instance {
		return errAuth("The instance '%s' does not exist in this otsim server (serving '%s').", inst, s.opts.Instance)
	}
	md := get("x-ots-contentmd5")
	if md == "" {
		return errAuth("Missing header: x-ots-contentmd5.")
	}
	sum := md5.Sum(body)
	if md != base64.StdEncoding.EncodeToString(sum[:]) {
		return errAuth("Mismatch between MD5 value of request body and x-ots-contentmd5 in header.")
	}
	sig := get("x-ots-signature")
	if sig == "" {
		return errAuth("Missing header: x-ots-signature.")
	}
	want := signRequest(s.opts.AccessKeySecret, r.URL.Path, r.Header)
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return errAuth("Signature mismatch.")
	}
	return nil
}

// signRequest computes the SDK request signature over the x-ots-* headers.
func signRequest(secret, path string, h http.Header) string {
	type kv struct{ k, v string }
	var hs []kv
	for k, vs := range h {
		lk := strings.ToLower(k)
		if !strings.HasPrefix(lk, "x-ots-") || lk == "x-ots-signature" || len(vs) == 0 || vs[0] == "" {
			continue
		}
		hs = append(hs, kv{lk, strings.TrimSpace(vs[0])})
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].k < hs[j].k })
	var b strings.Builder
	b.WriteString(path)
	b.WriteString("\nPOST\n\n")
	for _, e := range hs {
		b.WriteString(e.k)
		b.WriteByte(':')
		b.WriteString(e.v)
		b.WriteByte('\n')
	}
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// nowMillis is the cell timestamp for writes without an explicit one.
func (s *Server) nowMillis() int64 { return s.now().UnixMilli() }
