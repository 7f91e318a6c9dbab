package fcsim

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Spec is the part of an s.yaml (Serverless Devs, component fc3) that fcsim runs.
type Spec struct {
	// File is the path the spec was read from; it prefixes every error about it.
	File string
	// Name is the application name (top-level "name").
	Name string
	// Functions lists the fc3 resources in file order.
	Functions []*Function
}

// Function is one fc3 resource.
type Function struct {
	// Key is the resource key under "resources" (e.g. "run-check-shard"); the function's
	// binary is Options.BinDir/<Key>.
	Key string
	// Name is props.functionName (e.g. "cspm-run-check-shard").
	Name string
	// Runtime is props.runtime (e.g. "custom.debian12").
	Runtime string
	// Handler is props.handler, sent as x-fc-function-handler ("index.handler" when unset).
	Handler string
	// MemorySize is props.memorySize in MB (512 when unset).
	MemorySize int
	// Timeout is props.timeout (3s when unset), enforced on every invocation.
	Timeout time.Duration
	// InstanceConcurrency is props.instanceConcurrency (1 when unset): the most invocations
	// in flight at once.
	InstanceConcurrency int
	// Env holds props.environmentVariables without the values that contain "${" (Serverless
	// Devs resolves those at deploy time; fcsim cannot).
	Env map[string]string
	// DroppedEnv names the variables left out of Env because their value contained "${".
	DroppedEnv []string
	// Timers are the triggers of type timer.
	Timers []*TimerTrigger
	// Queues are the EventBridge triggers whose event source is an MNS queue.
	Queues []*QueueTrigger
	// Events are the other triggers (EventBridge with another source, http, oss, ...): parsed
	// and listed, never delivered.
	Events []*EventTrigger
}

// TimerTrigger is a trigger of type timer.
type TimerTrigger struct {
	// Name is triggerName.
	Name string
	// Cron is triggerConfig.cronExpression as written.
	Cron string
	// Schedule is Cron parsed by ParseCron.
	Schedule Schedule
	// Enable is triggerConfig.enable (true when unset). Disabled timers can still be fired.
	Enable bool
	// Payload is triggerConfig.payload, passed as the "payload" string of the timer event.
	Payload string
}

// QueueTrigger is an EventBridge trigger with eventSourceType MNS (an MNS queue trigger).
type QueueTrigger struct {
	// Name is triggerName.
	Name string
	// Queue is sourceMNSParameters.QueueName.
	Queue string
	// Base64Decode is sourceMNSParameters.IsBase64Decode (true when unset): message bodies
	// that are valid base64 are decoded before they are put into the event.
	Base64Decode bool
	// Enable is triggerConfig.triggerEnable (true when unset); disabled triggers are not polled.
	Enable bool
	// Qualifier is the trigger's qualifier ("LATEST" when unset).
	Qualifier string
	// Streaming is true for runOptions.mode event-streaming: the function receives a JSON
	// array of CloudEvents. Otherwise it receives one CloudEvent object per invocation.
	Streaming bool
	// BatchSize is runOptions.batchWindow.CountBasedWindow (1..10000; 1 when unset, and
	// always 1 without Streaming).
	BatchSize int
	// BatchWindow is runOptions.batchWindow.TimeBasedWindow (0..15 s): how long a batch may
	// wait for more messages after its first one.
	BatchWindow time.Duration
	// MaxRetries is runOptions.retryStrategy.MaximumRetryAttempts: a batch is attempted at
	// most 1+MaxRetries times.
	MaxRetries int
	// DeadLetterQueue is the queue name taken from runOptions.deadLetterQueue.Arn
	// (acs:mns:<region>:<uid>:/queues/<name>); empty when there is none.
	DeadLetterQueue string
}

// EventTrigger is a trigger fcsim records but does not deliver.
type EventTrigger struct {
	// Name is triggerName.
	Name string
	// Type is triggerType (e.g. "eventbridge", "http").
	Type string
	// SourceType is eventSourceConfig.eventSourceType for EventBridge triggers (e.g.
	// "Default" for cloud service events such as ActionTrail).
	SourceType string
	// FilterPattern is triggerConfig.eventRuleFilterPattern.
	FilterPattern string
	// Enable is triggerConfig.triggerEnable (true when unset).
	Enable bool
}

// SpecError is an error about one field of a spec file. Its message reads
// "<file>: <path>: <problem>", e.g.
// "s.yaml: resources.run-check-shard.props.timeout: want 1..86400, got 0".
type SpecError struct {
	File string // file name as given to LoadSpec
	Path string // field path, e.g. resources.x.props.triggers[0].triggerName
	Line int    // 1-based line of the field in the file, 0 when unknown
	Msg  string // what is wrong
}

// Error returns "<file>: <path>: <problem>".
func (e *SpecError) Error() string {
	if e.Path == "" {
		return e.File + ": " + e.Msg
	}
	return e.File + ": " + e.Path + ": " + e.Msg
}

// Function returns the function whose resource key or functionName is name, or nil.
func (s *Spec) Function(name string) *Function {
	for _, f := range s.Functions {
		if f.Key == name || f.Name == name {
			return f
		}
	}
	return nil
}

// LoadSpec reads and checks an s.yaml file. Resources whose component is not fc3 are
// ignored. Errors are *SpecError values naming the field at fault.
func LoadSpec(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("fcsim: load spec: %w", err)
	}
	return ParseSpec(path, data)
}

// ParseSpec is LoadSpec on data already read; file is used in error messages.
func ParseSpec(file string, data []byte) (*Spec, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &SpecError{File: file, Msg: err.Error()}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, &SpecError{File: file, Msg: "empty document"}
	}
	root := ynode{n: doc.Content[0], file: file}
	if err := root.wantKind(yaml.MappingNode); err != nil {
		return nil, err
	}
	spec := &Spec{File: file}
	if n, ok := root.key("name"); ok {
		v, err := n.str()
		if err != nil {
			return nil, err
		}
		spec.Name = v
	}
	res, ok := root.key("resources")
	if !ok {
		return nil, root.errf("resources: missing")
	}
	if err := res.wantKind(yaml.MappingNode); err != nil {
		return nil, err
	}
	for _, kv := range res.pairs() {
		key, val := kv.key, kv.val
		comp, ok := val.key("component")
		if !ok {
			continue
		}
		c, err := comp.str()
		if err != nil {
			return nil, err
		}
		if c != "fc3" {
			continue
		}
		f, err := parseFunction(key, val)
		if err != nil {
			return nil, err
		}
		spec.Functions = append(spec.Functions, f)
	}
	if len(spec.Functions) == 0 {
		return nil, res.errf("no resource with component fc3")
	}
	seen := map[string]string{}
	for _, f := range spec.Functions {
		if other, dup := seen[f.Name]; dup {
			return nil, &SpecError{File: file, Path: "resources." + f.Key + ".props.functionName",
				Msg: fmt.Sprintf("%q is also the functionName of resources.%s", f.Name, other)}
		}
		seen[f.Name] = f.Key
	}
	return spec, nil
}

func parseFunction(key string, res ynode) (*Function, error) {
	props, ok := res.key("props")
	if !ok {
		return nil, res.errf("props: missing")
	}
	if err := props.wantKind(yaml.MappingNode); err != nil {
		return nil, err
	}
	f := &Function{Key: key, Env: map[string]string{}}
	var err error
	if f.Name, err = props.reqString("functionName"); err != nil {
		return nil, err
	}
	if strings.Contains(f.Name, "${") {
		n, _ := props.key("functionName")
		return nil, n.errf("deploy-time variable %q cannot be resolved locally", f.Name)
	}
	if f.Runtime, err = props.optString("runtime", ""); err != nil {
		return nil, err
	}
	if f.Handler, err = props.optString("handler", "index.handler"); err != nil {
		return nil, err
	}
	if f.MemorySize, err = props.optInt("memorySize", 512, 64, 32768); err != nil {
		return nil, err
	}
	timeout, err := props.optInt("timeout", 3, 1, 86400)
	if err != nil {
		return nil, err
	}
	f.Timeout = time.Duration(timeout) * time.Second
	if f.InstanceConcurrency, err = props.optInt("instanceConcurrency", 1, 1, 200); err != nil {
		return nil, err
	}
	if env, ok := props.key("environmentVariables"); ok && !env.isNull() {
		if err := env.wantKind(yaml.MappingNode); err != nil {
			return nil, err
		}
		for _, kv := range env.pairs() {
			v, err := kv.val.str()
			if err != nil {
				return nil, err
			}
			if strings.Contains(v, "${") {
				f.DroppedEnv = append(f.DroppedEnv, kv.key)
				continue
			}
			f.Env[kv.key] = v
		}
		sort.Strings(f.DroppedEnv)
	}
	trigs, ok := props.key("triggers")
	if !ok || trigs.isNull() {
		return f, nil
	}
	if err := trigs.wantKind(yaml.SequenceNode); err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, t := range trigs.items() {
		if err := t.wantKind(yaml.MappingNode); err != nil {
			return nil, err
		}
		name, err := t.reqString("triggerName")
		if err != nil {
			return nil, err
		}
		if names[name] {
			n, _ := t.key("triggerName")
			return nil, n.errf("duplicate trigger name %q", name)
		}
		names[name] = true
		typ, err := t.reqString("triggerType")
		if err != nil {
			return nil, err
		}
		switch typ {
		case "timer":
			tt, err := parseTimer(name, t)
			if err != nil {
				return nil, err
			}
			f.Timers = append(f.Timers, tt)
		case "eventbridge":
			q, e, err := parseEventBridge(name, t)
			if err != nil {
				return nil, err
			}
			if q != nil {
				f.Queues = append(f.Queues, q)
			} else {
				f.Events = append(f.Events, e)
			}
		default:
			e := &EventTrigger{Name: name, Type: typ, Enable: true}
			f.Events = append(f.Events, e)
		}
	}
	return f, nil
}

func parseTimer(name string, t ynode) (*TimerTrigger, error) {
	cfg, ok := t.key("triggerConfig")
	if !ok {
		return nil, t.errf("triggerConfig: missing")
	}
	if err := cfg.wantKind(yaml.MappingNode); err != nil {
		return nil, err
	}
	tt := &TimerTrigger{Name: name}
	var err error
	if tt.Cron, err = cfg.reqString("cronExpression"); err != nil {
		return nil, err
	}
	if tt.Schedule, err = ParseCron(tt.Cron); err != nil {
		n, _ := cfg.key("cronExpression")
		return nil, n.errf("%v", err)
	}
	if tt.Enable, err = cfg.optBool("enable", true); err != nil {
		return nil, err
	}
	if tt.Payload, err = cfg.optString("payload", ""); err != nil {
		return nil, err
	}
	return tt, nil
}

func parseEventBridge(name string, t ynode) (*QueueTrigger, *EventTrigger, error) {
	cfg, ok := t.key("triggerConfig")
	if !ok {
		return nil, nil, t.errf("triggerConfig: missing")
	}
	if err := cfg.wantKind(yaml.MappingNode); err != nil {
		return nil, nil, err
	}
	enable, err := cfg.optBool("triggerEnable", true)
	if err != nil {
		return nil, nil, err
	}
	src, ok := cfg.key("eventSourceConfig")
	if !ok {
		return nil, nil, cfg.errf("eventSourceConfig: missing")
	}
	srcType, err := src.reqString("eventSourceType")
	if err != nil {
		return nil, nil, err
	}
	if srcType != "MNS" {
		e := &EventTrigger{Name: name, Type: "eventbridge", SourceType: srcType, Enable: enable}
		if e.FilterPattern, err = cfg.optString("eventRuleFilterPattern", ""); err != nil {
			return nil, nil, err
		}
		return nil, e, nil
	}
	q := &QueueTrigger{Name: name, Enable: enable, BatchSize: 1}
	if q.Qualifier, err = t.optString("qualifier", "LATEST"); err != nil {
		return nil, nil, err
	}
	params, ok := src.key("eventSourceParameters")
	if !ok {
		return nil, nil, src.errf("eventSourceParameters: missing")
	}
	mns, ok := params.key("sourceMNSParameters")
	if !ok {
		return nil, nil, params.errf("sourceMNSParameters: missing")
	}
	if q.Queue, err = mns.reqString("QueueName"); err != nil {
		return nil, nil, err
	}
	if strings.Contains(q.Queue, "${") {
		n, _ := mns.key("QueueName")
		return nil, nil, n.errf("deploy-time variable %q cannot be resolved locally", q.Queue)
	}
	if q.Base64Decode, err = mns.optBool("IsBase64Decode", true); err != nil {
		return nil, nil, err
	}
	run, ok := cfg.key("runOptions")
	if !ok || run.isNull() {
		return q, nil, nil
	}
	mode, err := run.optString("mode", "event-driven")
	if err != nil {
		return nil, nil, err
	}
	switch mode {
	case "event-streaming":
		q.Streaming = true
	case "event-driven":
	default:
		n, _ := run.key("mode")
		return nil, nil, n.errf("want event-streaming or event-driven, got %q", mode)
	}
	if bw, ok := run.key("batchWindow"); ok && !bw.isNull() {
		if q.BatchSize, err = bw.optInt("CountBasedWindow", 1, 1, 10000); err != nil {
			return nil, nil, err
		}
		secs, err := bw.optInt("TimeBasedWindow", 0, 0, 15)
		if err != nil {
			return nil, nil, err
		}
		q.BatchWindow = time.Duration(secs) * time.Second
	}
	if !q.Streaming {
		q.BatchSize = 1
	}
	if rs, ok := run.key("retryStrategy"); ok && !rs.isNull() {
		if q.MaxRetries, err = rs.optInt("MaximumRetryAttempts", 3, 0, 185); err != nil {
			return nil, nil, err
		}
	} else {
		q.MaxRetries = 3
	}
	if dlq, ok := run.key("deadLetterQueue"); ok && !dlq.isNull() {
		arn, err := dlq.reqString("Arn")
		if err != nil {
			return nil, nil, err
		}
		name, err := queueFromARN(arn)
		if err != nil {
			n, _ := dlq.key("Arn")
			return nil, nil, n.errf("%v", err)
		}
		q.DeadLetterQueue = name
	}
	return q, nil, nil
}

// queueFromARN returns <name> from acs:mns:<region>:<uid>:/queues/<name>. Region and uid may
// still hold deploy-time variables; only the name must be literal.
func queueFromARN(arn string) (string, error) {
	const marker = ":/queues/"
	i := strings.LastIndex(arn, marker)
	if !strings.HasPrefix(arn, "acs:mns:") || i < 0 {
		return "", fmt.Errorf("want acs:mns:<region>:<uid>:/queues/<name>, got %q", arn)
	}
	name := strings.TrimSuffix(arn[i+len(marker):], "/")
	if name == "" || strings.Contains(name, "/") || strings.Contains(name, "${") {
		return "", fmt.Errorf("want acs:mns:<region>:<uid>:/queues/<name>, got %q", arn)
	}
	return name, nil
}

// ynode is a YAML node with the field path that leads to it, for error messages.
type ynode struct {
	n    *yaml.Node
	path string
	file string
}

func (y ynode) errf(format string, args ...any) error {
	line := 0
	if y.n != nil {
		line = y.n.Line
	}
	return &SpecError{File: y.file, Path: y.path, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (y ynode) child(n *yaml.Node, path string) ynode {
	return ynode{n: resolveAlias(n), path: path, file: y.file}
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func (y ynode) isNull() bool {
	return y.n == nil || (y.n.Kind == yaml.ScalarNode && y.n.Tag == "!!null")
}

var kindNames = map[yaml.Kind]string{
	yaml.DocumentNode: "document", yaml.SequenceNode: "list", yaml.MappingNode: "mapping",
	yaml.ScalarNode: "scalar", yaml.AliasNode: "alias",
}

func (y ynode) wantKind(k yaml.Kind) error {
	if y.n == nil || y.n.Kind != k {
		got := "nothing"
		if y.n != nil {
			got = kindNames[y.n.Kind]
		}
		return y.errf("want a %s, got a %s", kindNames[k], got)
	}
	return nil
}

func (y ynode) sub(key string) string {
	if y.path == "" {
		return key
	}
	return y.path + "." + key
}

// key looks key up in a mapping, following YAML merge keys ("<<").
func (y ynode) key(k string) (ynode, bool) {
	if y.n == nil || y.n.Kind != yaml.MappingNode {
		return ynode{}, false
	}
	c := y.n.Content
	for i := 0; i+1 < len(c); i += 2 {
		if c[i].Value == k && c[i].Tag != "!!merge" {
			return y.child(c[i+1], y.sub(k)), true
		}
	}
	for i := 0; i+1 < len(c); i += 2 {
		if c[i].Tag != "!!merge" {
			continue
		}
		m := resolveAlias(c[i+1])
		srcs := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			srcs = m.Content
		}
		for _, s := range srcs {
			if v, ok := (ynode{n: resolveAlias(s), path: y.path, file: y.file}).key(k); ok {
				return v, true
			}
		}
	}
	return ynode{}, false
}

// pair is one entry of a YAML mapping.
type pair struct {
	key string
	val ynode
}

// pairs returns a mapping's entries in order (merge keys are not expanded).
func (y ynode) pairs() []pair {
	var out []pair
	c := y.n.Content
	for i := 0; i+1 < len(c); i += 2 {
		if c[i].Tag == "!!merge" {
			continue
		}
		out = append(out, pair{key: c[i].Value, val: y.child(c[i+1], y.sub(c[i].Value))})
	}
	return out
}

func (y ynode) items() []ynode {
	out := make([]ynode, 0, len(y.n.Content))
	for i, n := range y.n.Content {
		out = append(out, y.child(n, fmt.Sprintf("%s[%d]", y.path, i)))
	}
	return out
}

func (y ynode) str() (string, error) {
	if y.isNull() {
		return "", nil
	}
	if err := y.wantKind(yaml.ScalarNode); err != nil {
		return "", err
	}
	return y.n.Value, nil
}

func (y ynode) reqString(key string) (string, error) {
	n, ok := y.key(key)
	if !ok || n.isNull() {
		return "", (ynode{n: y.n, path: y.sub(key), file: y.file}).errf("missing")
	}
	v, err := n.str()
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(v) == "" {
		return "", n.errf("empty")
	}
	return v, nil
}

func (y ynode) optString(key, def string) (string, error) {
	n, ok := y.key(key)
	if !ok || n.isNull() {
		return def, nil
	}
	return n.str()
}

func (y ynode) optInt(key string, def, lo, hi int) (int, error) {
	n, ok := y.key(key)
	if !ok || n.isNull() {
		return def, nil
	}
	s, err := n.str()
	if err != nil {
		return 0, err
	}
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, n.errf("want an integer %d..%d, got %q", lo, hi, s)
	}
	if v < lo || v > hi {
		return 0, n.errf("want %d..%d, got %d", lo, hi, v)
	}
	return v, nil
}

func (y ynode) optBool(key string, def bool) (bool, error) {
	n, ok := y.key(key)
	if !ok || n.isNull() {
		return def, nil
	}
	if err := n.wantKind(yaml.ScalarNode); err != nil {
		return false, err
	}
	var b bool
	if err := n.n.Decode(&b); err != nil {
		return false, n.errf("want true or false, got %q", n.n.Value)
	}
	return b, nil
}
