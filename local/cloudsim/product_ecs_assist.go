package cloudsim

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cspm-alibaba/cspm/shared/baseline"
)

// Cloud Assistant (ECS RunCommand / CreateCommand / InvokeCommand /
// DescribeInvocations / DescribeInvocationResults), registered on the Ecs
// product by init below.
//
// An instance's Cloud Assistant is online when its
// InstanceCloudAssistantStatusSet entry says CloudAssistantStatus "true";
// a command sent to any other instance of the region is accepted (RunCommand
// is asynchronous) and its record ends InvocationStatus "Aborted",
// InvokeRecordStatus "Failed", ErrorCode "ClientNotRunning", ErrorInfo "the
// aliyun service is not running on the instance", as DescribeInvocationResults
// documents for an agent that is not running. An instance the region does
// not have fails the call: 404 InvalidInstance.NotFound (chosen without a
// live confirmation).
//
// Commands are opaque shell scripts, except for the probe convention: a
// line containing "cspm-probe" is parsed as the probe's command line
// (local/cmd/probe: --gzip, --chunk N, --part K, --cache FILE, the others
// ignored), and on an instance that AssistantOptions.Hosts maps to a
// directory the probe runs in-process (shared/baseline.Collect with that
// root, not live; passwords tested against the built-in dictionary within
// --password-budget, at most 10 s, unless --skip-passwords) and prints
// what the binary would:
// with --chunk its "i/n <base64>" lines, only line K with --part K, the
// lines kept under --cache between invocations (per instance, emulated;
// dropped after the last part is printed). On an online instance that is
// not mapped, or for any other script, the command fails as a shell would:
// exit 127, "/bin/sh: line 1: cspm-probe: command not found".
//
// Output is kept up to AssistantOptions.OutputLimit bytes (default 24 KB,
// the documented limit: DescribeInvocationResults' Dropped counts the bytes
// discarded beyond it); the first OutputLimit bytes are kept (which end is
// kept is not confirmed live). Results are asynchronous: a record is
// Running for AssistantOptions.RunTime after RunCommand, then Finished
// (InvocationStatus Success or Failed), or, when RunTime exceeds the
// command's Timeout (seconds, default 60, each AssistantOptions.Second
// long), Failed with InvocationStatus "Timeout", ErrorCode
// "ExecutionTimeout" and exit code 124 once the timeout has passed.

// AssistantOptions configures the Cloud Assistant emulation.
type AssistantOptions struct {
	// Hosts maps an instance ID to the root directory its probe reads.
	Hosts map[string]string
	// OutputLimit is the largest output kept per invocation and instance
	// (default 24576, Cloud Assistant's 24 KB).
	OutputLimit int
	// RunTime is how long every command runs (default 50ms), so clients
	// see Running before the result.
	RunTime time.Duration
	// Second is how long one second of a command's Timeout lasts (default
	// time.Second); tests shrink it to see timeouts quickly.
	Second time.Duration
}

func init() {
	for name, a := range map[string]action{
		"RunCommand":                {fn: assistRunCommand},
		"CreateCommand":             {fn: assistCreateCommand},
		"InvokeCommand":             {fn: assistInvokeCommand},
		"DescribeInvocations":       {fn: assistDescribeInvocations},
		"DescribeInvocationResults": {fn: assistDescribeInvocationResults},
	} {
		ecsProduct.actions[name] = a
	}
}

// assistStates holds each server's Cloud Assistant state (commands and
// invocations are not inventory: they are not listed in an Inventory).
var assistStates sync.Map // *Server → *assistState

type assistState struct {
	mu          sync.Mutex
	seq         int
	commands    map[string]*assistCommand
	invocations map[string]*assistInvocation
	tokens      map[string]string   // ClientToken → InvokeId
	cache       map[string][]string // instance|cache path → probe lines
}

type assistCommand struct {
	id, name, content string // content: plain text
	timeout           int    // seconds
}

type assistInvocation struct {
	id, region string
	cmd        *assistCommand
	start      time.Time
	results    []*assistResult
}

type assistResult struct {
	instance string
	offline  bool
	exit     int
	output   []byte
	dropped  int
}

func (c *call) assist() *assistState {
	v, _ := assistStates.LoadOrStore(c.srv, &assistState{commands: map[string]*assistCommand{},
		invocations: map[string]*assistInvocation{}, tokens: map[string]string{}, cache: map[string][]string{}})
	return v.(*assistState)
}

func (c *call) assistOpts() AssistantOptions {
	o := c.srv.opts.Assistant
	if o.OutputLimit <= 0 {
		o.OutputLimit = 24 << 10
	}
	if o.RunTime <= 0 {
		o.RunTime = 50 * time.Millisecond
	}
	if o.Second <= 0 {
		o.Second = time.Second
	}
	return o
}

// commandFromParams reads Name, Type, CommandContent (+ContentEncoding) and
// Timeout. CommandContent is limited to 18 KB as documented.
func commandFromParams(c *call) (*assistCommand, *APIError) {
	if t := c.param("Type"); t != "RunShellScript" {
		return nil, errInvalid("Type")
	}
	content := c.param("CommandContent")
	if content == "" {
		return nil, Errorf(http.StatusBadRequest, "MissingParameter.CommandContent", "The input parameter CommandContent that is mandatory for processing this request is not supplied.")
	}
	if len(content) > 18<<10 {
		return nil, Errorf(http.StatusBadRequest, "InvalidCommandContent.LengthLimitExceeded", "The length of the command content exceeds the upper limit.")
	}
	if strings.EqualFold(c.param("ContentEncoding"), "Base64") {
		b, err := base64.StdEncoding.DecodeString(content)
		if err != nil {
			return nil, errInvalid("CommandContent")
		}
		content = string(b)
	}
	timeout := 60
	if t := c.param("Timeout"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 || n > 86400 {
			return nil, errInvalid("Timeout")
		}
		timeout = n
	}
	st := c.assist()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.seq++
	return &assistCommand{id: "c-" + c.region + "0" + strconv.Itoa(st.seq) + randomHex(4), name: c.param("Name"),
		content: content, timeout: timeout}, nil
}

func assistRunCommand(c *call) (map[string]any, *APIError) {
	cmd, err := commandFromParams(c)
	if err != nil {
		return nil, err
	}
	inv, err := assistStart(c, cmd)
	if err != nil {
		return nil, err
	}
	return map[string]any{"CommandId": cmd.id, "InvokeId": inv.id}, nil
}

func assistCreateCommand(c *call) (map[string]any, *APIError) {
	cmd, err := commandFromParams(c)
	if err != nil {
		return nil, err
	}
	st := c.assist()
	st.mu.Lock()
	st.commands[cmd.id] = cmd
	st.mu.Unlock()
	return map[string]any{"CommandId": cmd.id}, nil
}

func assistInvokeCommand(c *call) (map[string]any, *APIError) {
	st := c.assist()
	st.mu.Lock()
	cmd, ok := st.commands[c.param("CommandId")]
	st.mu.Unlock()
	if !ok {
		return nil, Errorf(http.StatusNotFound, "InvalidCommandId.NotFound", "The specified command ID does not exist.")
	}
	if t := c.param("Timeout"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 || n > 86400 {
			return nil, errInvalid("Timeout")
		}
		cp := *cmd
		cp.timeout = n
		cmd = &cp
	}
	inv, err := assistStart(c, cmd)
	if err != nil {
		return nil, err
	}
	return map[string]any{"InvokeId": inv.id}, nil
}

// assistStart runs cmd on InstanceId.N (1..100 instances of the region).
// The output is computed now; DescribeInvocationResults reveals it once
// RunTime has passed.
func assistStart(c *call, cmd *assistCommand) (*assistInvocation, *APIError) {
	ids := c.repeated("InstanceId")
	if len(ids) == 0 {
		return nil, Errorf(http.StatusBadRequest, "MissingParameter.InstanceId", "The input parameter InstanceId that is mandatory for processing this request is not supplied.")
	}
	if len(ids) > 100 {
		return nil, errInvalid("InstanceId")
	}
	st := c.assist()
	token := c.param("ClientToken")
	if token != "" {
		st.mu.Lock()
		id, ok := st.tokens[token]
		inv := st.invocations[id]
		st.mu.Unlock()
		if ok {
			return inv, nil
		}
	}
	o := c.assistOpts()
	inv := &assistInvocation{region: c.region, cmd: cmd, start: time.Now()}
	for _, id := range ids {
		if _, _, ok := c.find("ecs", "Instances", id); !ok {
			return nil, Errorf(http.StatusNotFound, "InvalidInstance.NotFound", "The specified instance does not exist.")
		}
		r := &assistResult{instance: id}
		_, s, ok := c.find("ecs", "InstanceCloudAssistantStatusSet", id)
		if !ok || !strings.EqualFold(fieldString(s, "CloudAssistantStatus"), "true") {
			r.offline = true
		} else {
			r.exit, r.output = assistExecute(st, id, o.Hosts[id], cmd.content)
			if len(r.output) > o.OutputLimit {
				r.dropped = len(r.output) - o.OutputLimit
				r.output = r.output[:o.OutputLimit]
			}
		}
		inv.results = append(inv.results, r)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.seq++
	inv.id = "t-" + c.region + "0" + strconv.Itoa(st.seq) + randomHex(4)
	st.invocations[inv.id] = inv
	if token != "" {
		st.tokens[token] = inv.id
	}
	return inv, nil
}

// assistExecute runs a script on one online instance whose probe root is
// root ("" when unmapped): exit code and output.
func assistExecute(st *assistState, instance, root, script string) (int, []byte) {
	notFound := func() (int, []byte) {
		return 127, []byte("/bin/sh: line 1: cspm-probe: command not found\n")
	}
	var args []string
	found := false
	for _, line := range strings.Split(script, "\n") {
		fields := strings.Fields(line)
		for i, f := range fields {
			if strings.HasSuffix(f, "cspm-probe") && !strings.HasPrefix(strings.TrimSpace(line), "#") {
				args, found = fields[i+1:], true
				break
			}
		}
		if found {
			break
		}
	}
	if !found || root == "" {
		return notFound()
	}
	for i, a := range args { // stop at the end of the simple command
		if a == ";" || a == "&&" || a == "||" || a == "|" || strings.HasPrefix(a, ">") || strings.HasPrefix(a, "2>") {
			args = args[:i]
			break
		}
	}
	fs := flag.NewFlagSet("cspm-probe", flag.ContinueOnError)
	fs.SetOutput(discard{})
	gz := fs.Bool("gzip", false, "")
	chunk := fs.Int("chunk", 0, "")
	part := fs.Int("part", 0, "")
	cache := fs.String("cache", "", "")
	for _, name := range []string{"root", "out", "words", "top", "password-memory", "read-cap"} {
		fs.String(name, "", "")
	}
	fs.Bool("no-live", false, "")
	skipPasswords := fs.Bool("skip-passwords", false, "")
	budget := fs.Duration("password-budget", probePasswordBudget, "")
	if err := fs.Parse(args); err != nil {
		return 2, []byte("probe: " + err.Error() + "\n")
	}
	key := instance + "|" + *cache
	st.mu.Lock()
	lines, cached := st.cache[key]
	st.mu.Unlock()
	if !cached || *cache == "" {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		f, err := baseline.Collect(ctx, baseline.ProbeOptions{Root: root, NotLive: true,
			Passwords: baseline.PasswordOptions{Skip: *skipPasswords, Budget: min(*budget, probePasswordBudget)}})
		if err != nil {
			return 1, []byte("probe: " + err.Error() + "\n")
		}
		var buf strings.Builder
		if err := f.Encode(&buf, *gz); err != nil {
			return 1, []byte("probe: " + err.Error() + "\n")
		}
		if *chunk <= 0 {
			if *part > 0 {
				return 2, []byte("probe: --part needs --chunk\n")
			}
			return 0, []byte(buf.String())
		}
		lines = baseline.EncodeChunkLines([]byte(buf.String()), *chunk)
		if *cache != "" {
			st.mu.Lock()
			st.cache[key] = lines
			st.mu.Unlock()
		}
	}
	if *part <= 0 {
		return 0, []byte(strings.Join(lines, "\n") + "\n")
	}
	if *part > len(lines) {
		return 3, []byte("probe: part " + strconv.Itoa(*part) + " of " + strconv.Itoa(len(lines)) + "\n")
	}
	if *part == len(lines) && *cache != "" {
		st.mu.Lock()
		delete(st.cache, key)
		st.mu.Unlock()
	}
	return 0, []byte(lines[*part-1] + "\n")
}

// probePasswordBudget caps the emulated probe's password tests (the binary's default
// is 30 s; an emulated host's shadow is a small fixture).
const probePasswordBudget = 10 * time.Second

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// view is one result as it stands at now.
func (inv *assistInvocation) view(r *assistResult, o AssistantOptions, now time.Time, encoding string) map[string]any {
	m := map[string]any{
		"InvokeId": inv.id, "CommandId": inv.cmd.id, "InstanceId": r.instance, "Repeats": 1,
		"StartTime": inv.start.UTC().Format("2006-01-02T15:04:05Z"), "Output": "", "ExitCode": 0, "Dropped": 0,
		"ErrorCode": "", "ErrorInfo": "", "Username": "root",
	}
	enc := func(b []byte) string {
		if strings.EqualFold(encoding, "PlainText") {
			return string(b)
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	finish := func(at time.Time) {
		m["FinishedTime"] = at.UTC().Format("2006-01-02T15:04:05Z")
		m["StopTime"] = m["FinishedTime"]
	}
	timeout := time.Duration(inv.cmd.timeout) * o.Second
	elapsed := now.Sub(inv.start)
	switch {
	case r.offline:
		m["InvocationStatus"], m["InvokeRecordStatus"] = "Aborted", "Failed"
		m["ErrorCode"], m["ErrorInfo"] = "ClientNotRunning", "the aliyun service is not running on the instance"
		finish(inv.start)
	case o.RunTime > timeout && elapsed >= timeout:
		m["InvocationStatus"], m["InvokeRecordStatus"] = "Timeout", "Failed"
		m["ErrorCode"], m["ErrorInfo"] = "ExecutionTimeout", "the command execution has been timeout"
		m["ExitCode"] = 124
		finish(inv.start.Add(timeout))
	case elapsed < o.RunTime:
		m["InvocationStatus"], m["InvokeRecordStatus"] = "Running", "Running"
	default:
		m["InvokeRecordStatus"], m["ExitCode"] = "Finished", r.exit
		m["Output"], m["Dropped"] = enc(r.output), r.dropped
		if r.exit == 0 {
			m["InvocationStatus"] = "Success"
		} else {
			m["InvocationStatus"] = "Failed"
			m["ErrorCode"], m["ErrorInfo"] = "ExitCodeNonzero", "the command execution exit code is not zero"
		}
		finish(inv.start.Add(o.RunTime))
	}
	return m
}

// assistDescribeInvocationResults answers the records of InvokeId (or of
// every invocation of the region), filtered by InstanceId, CommandId and
// InvokeRecordStatus; ContentEncoding Base64 (default) or PlainText;
// PageSize ≤ 50 with PageNumber.
func assistDescribeInvocationResults(c *call) (map[string]any, *APIError) {
	o := c.assistOpts()
	now := time.Now()
	size, num, err := assistPage(c)
	if err != nil {
		return nil, err
	}
	var all []map[string]any
	for _, inv := range assistSelect(c) {
		for _, r := range inv.results {
			if id := c.param("InstanceId"); id != "" && !strings.EqualFold(id, r.instance) {
				continue
			}
			v := inv.view(r, o, now, c.param("ContentEncoding"))
			if s := c.param("InvokeRecordStatus"); s != "" && s != v["InvokeRecordStatus"] {
				continue
			}
			all = append(all, v)
		}
	}
	lo, hi := min((num-1)*size, len(all)), min(num*size, len(all))
	items := make([]json.RawMessage, 0, hi-lo)
	for _, v := range all[lo:hi] {
		b, _ := json.Marshal(v) // plain values always marshal
		items = append(items, b)
	}
	return map[string]any{"Invocation": map[string]any{"TotalCount": len(all), "PageNumber": num, "PageSize": size,
		"InvocationResults": list("InvocationResult", items)}}, nil
}

// assistDescribeInvocations answers each invocation with its aggregate
// InvocationStatus and per-instance InvokeInstances (IncludeOutput adds
// Output).
func assistDescribeInvocations(c *call) (map[string]any, *APIError) {
	o := c.assistOpts()
	now := time.Now()
	size, num, err := assistPage(c)
	if err != nil {
		return nil, err
	}
	var all []json.RawMessage
	for _, inv := range assistSelect(c) {
		var insts []json.RawMessage
		status := "Finished"
		failed := 0
		for _, r := range inv.results {
			if id := c.param("InstanceId"); id != "" && !strings.EqualFold(id, r.instance) {
				continue
			}
			v := inv.view(r, o, now, c.param("ContentEncoding"))
			if c.param("IncludeOutput") != "true" {
				delete(v, "Output")
			}
			v["InstanceInvokeStatus"] = v["InvokeRecordStatus"]
			switch v["InvokeRecordStatus"] {
			case "Running":
				status = "Running"
			case "Failed":
				failed++
			}
			b, _ := json.Marshal(v)
			insts = append(insts, b)
		}
		if len(insts) == 0 {
			continue
		}
		if status != "Running" && failed == len(insts) {
			status = "Failed"
		} else if status != "Running" && failed > 0 {
			status = "PartialFailed"
		}
		b, _ := json.Marshal(map[string]any{"InvokeId": inv.id, "CommandId": inv.cmd.id, "CommandName": inv.cmd.name,
			"CommandType": "RunShellScript", "Timeout": inv.cmd.timeout, "InvocationStatus": status, "InvokeStatus": status,
			"CreationTime": inv.start.UTC().Format("2006-01-02T15:04:05Z"), "VmCount": len(insts),
			"InvokeInstances": list("InvokeInstance", insts)})
		all = append(all, b)
	}
	lo, hi := min((num-1)*size, len(all)), min(num*size, len(all))
	return map[string]any{"TotalCount": len(all), "PageNumber": num, "PageSize": size,
		"Invocations": list("Invocation", all[lo:hi])}, nil
}

func assistPage(c *call) (size, num int, _ *APIError) {
	size, num = 10, 1
	if s := c.param("PageSize"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 50 {
			return 0, 0, errInvalid("PageSize")
		}
		size = n
	}
	if s := c.param("PageNumber"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return 0, 0, errInvalid("PageNumber")
		}
		num = n
	}
	return size, num, nil
}

// assistSelect returns the region's invocations matching InvokeId and
// CommandId, oldest first.
func assistSelect(c *call) []*assistInvocation {
	st := c.assist()
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []*assistInvocation
	for _, inv := range st.invocations {
		if inv.region != c.region {
			continue
		}
		if id := c.param("InvokeId"); id != "" && id != inv.id {
			continue
		}
		if id := c.param("CommandId"); id != "" && id != inv.cmd.id {
			continue
		}
		out = append(out, inv)
	}
	sortInvocations(out)
	return out
}

func sortInvocations(invs []*assistInvocation) {
	sort.Slice(invs, func(i, j int) bool {
		if !invs[i].start.Equal(invs[j].start) {
			return invs[i].start.Before(invs[j].start)
		}
		return invs[i].id < invs[j].id
	})
}
