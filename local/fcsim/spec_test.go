package fcsim

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadSpecRepoFile(t *testing.T) {
	spec, err := LoadSpec("../../s.yaml")
	if err != nil {
		t.Fatalf("LoadSpec(../../s.yaml): %v", err)
	}
	var keys []string
	for _, f := range spec.Functions {
		keys = append(keys, f.Key)
	}
	wantKeys := []string{"authorize", "schedule-scan", "run-check-shard", "remediate", "meter-quota"}
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Fatalf("function keys = %v; want %v", keys, wantKeys)
	}

	type fnWant struct {
		name        string
		timeout     time.Duration
		concurrency int
		env         map[string]string
		dropped     []string
		timers      []string
		queues      []string
		events      []string
	}
	wants := map[string]fnWant{
		"authorize": {name: "cspm-authorize", timeout: 60 * time.Second, concurrency: 10,
			env:     map[string]string{"LOG_LEVEL": "info"},
			dropped: []string{"MNS_ENDPOINT", "OTS_ENDPOINT", "OTS_INSTANCE"}},
		"schedule-scan": {name: "cspm-schedule-scan", timeout: 300 * time.Second, concurrency: 1,
			env:     map[string]string{"LOG_LEVEL": "info", "SHARD_QUEUE": "cspm-shards"},
			dropped: []string{"MNS_ENDPOINT", "OTS_ENDPOINT", "OTS_INSTANCE"},
			timers:  []string{"nightly-scan"}, events: []string{"config-drift"}},
		"run-check-shard": {name: "cspm-run-check-shard", timeout: 600 * time.Second, concurrency: 20,
			env:     map[string]string{"LOG_LEVEL": "info", "FIX_QUEUE": "cspm-fixes"},
			dropped: []string{"MNS_ENDPOINT", "OTS_ENDPOINT", "OTS_INSTANCE"},
			queues:  []string{"shards"}},
		"remediate": {name: "cspm-remediate", timeout: 300 * time.Second, concurrency: 5,
			env:     map[string]string{"LOG_LEVEL": "info"},
			dropped: []string{"MNS_ENDPOINT", "OTS_ENDPOINT", "OTS_INSTANCE"},
			queues:  []string{"fixes"}},
		"meter-quota": {name: "cspm-meter-quota", timeout: 600 * time.Second, concurrency: 1,
			env:     map[string]string{"LOG_LEVEL": "info"},
			dropped: []string{"OTS_ENDPOINT", "OTS_INSTANCE"},
			timers:  []string{"hourly-meter"}},
	}
	for _, f := range spec.Functions {
		w := wants[f.Key]
		if f.Name != w.name || f.Timeout != w.timeout || f.InstanceConcurrency != w.concurrency {
			t.Errorf("%s: name/timeout/concurrency = %q/%v/%d; want %q/%v/%d", f.Key, f.Name, f.Timeout, f.InstanceConcurrency, w.name, w.timeout, w.concurrency)
		}
		if !reflect.DeepEqual(f.Env, w.env) {
			t.Errorf("%s: Env = %v; want %v (values with ${ dropped)", f.Key, f.Env, w.env)
		}
		if !reflect.DeepEqual(f.DroppedEnv, w.dropped) {
			t.Errorf("%s: DroppedEnv = %v; want %v", f.Key, f.DroppedEnv, w.dropped)
		}
		var timers, queues, events []string
		for _, x := range f.Timers {
			timers = append(timers, x.Name)
		}
		for _, x := range f.Queues {
			queues = append(queues, x.Name)
		}
		for _, x := range f.Events {
			events = append(events, x.Name)
		}
		if !reflect.DeepEqual(timers, w.timers) || !reflect.DeepEqual(queues, w.queues) || !reflect.DeepEqual(events, w.events) {
			t.Errorf("%s: triggers timers=%v queues=%v events=%v; want %v %v %v", f.Key, timers, queues, events, w.timers, w.queues, w.events)
		}
	}

	nightly := spec.Function("schedule-scan").Timers[0]
	if nightly.Cron != "CRON_TZ=Asia/Shanghai 0 0 * * * *" || !nightly.Enable || nightly.Payload != "{}" {
		t.Errorf("nightly-scan = %+v; want CRON_TZ=Asia/Shanghai 0 0 * * * *, enabled, payload {} (each tenant its own policy)", nightly)
	}
	// Hourly, on the hour.
	if got, want := nightly.Schedule.Next(time.Date(2025, 3, 1, 12, 20, 0, 0, time.UTC)), time.Date(2025, 3, 1, 13, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("nightly-scan next after 2025-03-01T12:20Z = %v; want %v", got.UTC(), want)
	}
	hourly := spec.Function("cspm-meter-quota").Timers[0]
	if hourly.Cron != "0 5 * * * *" || hourly.Payload != `{"periods":["hour","day","month"]}` {
		t.Errorf("hourly-meter = %+v", hourly)
	}

	shards := spec.Function("run-check-shard").Queues[0]
	wantShards := QueueTrigger{Name: "shards", Queue: "cspm-shards", Base64Decode: false, Enable: true, Qualifier: "LATEST",
		Streaming: true, BatchSize: 10, BatchWindow: 3 * time.Second, MaxRetries: 3, DeadLetterQueue: "cspm-dlq"}
	if *shards != wantShards {
		t.Errorf("shards trigger = %+v; want %+v", *shards, wantShards)
	}
	fixes := spec.Function("remediate").Queues[0]
	wantFixes := QueueTrigger{Name: "fixes", Queue: "cspm-fixes", Enable: true, Qualifier: "LATEST",
		Streaming: true, BatchSize: 5, BatchWindow: time.Second, MaxRetries: 3, DeadLetterQueue: "cspm-dlq"}
	if *fixes != wantFixes {
		t.Errorf("fixes trigger = %+v; want %+v", *fixes, wantFixes)
	}
	drift := spec.Function("schedule-scan").Events[0]
	if drift.Type != "eventbridge" || drift.SourceType != "Default" || !strings.Contains(drift.FilterPattern, `"AuthorizeSecurityGroup"`) {
		t.Errorf("config-drift = %+v; want eventbridge/Default with the ActionTrail filter pattern", drift)
	}
}

// validQueueSpec is a small spec with a queue trigger; bad specs are variations of it.
const validQueueSpec = `
edition: 3.0.0
name: t
resources:
  run-check-shard:
    component: fc3
    props:
      functionName: fn-a
      timeout: 10
      triggers:
        - triggerName: shards
          triggerType: eventbridge
          triggerConfig:
            eventSourceConfig:
              eventSourceType: MNS
              eventSourceParameters:
                sourceMNSParameters:
                  QueueName: q
            runOptions:
              mode: event-streaming
              batchWindow:
                CountBasedWindow: 10
                TimeBasedWindow: 3
              retryStrategy:
                MaximumRetryAttempts: 3
              deadLetterQueue:
                Arn: acs:mns:cn-hangzhou:123:/queues/dlq
`

func TestParseSpecErrors(t *testing.T) {
	if _, err := ParseSpec("s.yaml", []byte(validQueueSpec)); err != nil {
		t.Fatalf("the valid base spec fails: %v", err)
	}
	tests := []struct {
		name    string
		from    string // replaced in validQueueSpec ...
		to      string // ... by this
		wantErr string
	}{
		{"batch count zero", "CountBasedWindow: 10", "CountBasedWindow: 0",
			"s.yaml: resources.run-check-shard.props.triggers[0].triggerConfig.runOptions.batchWindow.CountBasedWindow: want 1..10000, got 0"},
		{"batch count not a number", "CountBasedWindow: 10", "CountBasedWindow: ten",
			`s.yaml: resources.run-check-shard.props.triggers[0].triggerConfig.runOptions.batchWindow.CountBasedWindow: want an integer 1..10000, got "ten"`},
		{"time window too long", "TimeBasedWindow: 3", "TimeBasedWindow: 16",
			"resources.run-check-shard.props.triggers[0].triggerConfig.runOptions.batchWindow.TimeBasedWindow: want 0..15, got 16"},
		{"negative retries", "MaximumRetryAttempts: 3", "MaximumRetryAttempts: -1",
			"triggers[0].triggerConfig.runOptions.retryStrategy.MaximumRetryAttempts: want 0..185, got -1"},
		{"bad DLQ arn", "Arn: acs:mns:cn-hangzhou:123:/queues/dlq", "Arn: acs:mns:cn-hangzhou:123:dlq",
			`triggers[0].triggerConfig.runOptions.deadLetterQueue.Arn: want acs:mns:<region>:<uid>:/queues/<name>, got "acs:mns:cn-hangzhou:123:dlq"`},
		{"missing queue name", "QueueName: q", "Queue: q",
			"triggers[0].triggerConfig.eventSourceConfig.eventSourceParameters.sourceMNSParameters.QueueName: missing"},
		{"deploy-time queue name", "QueueName: q", "QueueName: ${vars.q}",
			`sourceMNSParameters.QueueName: deploy-time variable "${vars.q}" cannot be resolved locally`},
		{"missing function name", "functionName: fn-a", "description: x",
			"s.yaml: resources.run-check-shard.props.functionName: missing"},
		{"timeout zero", "timeout: 10", "timeout: 0",
			"s.yaml: resources.run-check-shard.props.timeout: want 1..86400, got 0"},
		{"concurrency too high", "timeout: 10", "timeout: 10\n      instanceConcurrency: 201",
			"resources.run-check-shard.props.instanceConcurrency: want 1..200, got 201"},
		{"bad mode", "mode: event-streaming", "mode: streaming",
			`triggers[0].triggerConfig.runOptions.mode: want event-streaming or event-driven, got "streaming"`},
		{"missing trigger name", "- triggerName: shards", "- triggerNam: shards",
			"resources.run-check-shard.props.triggers[0].triggerName: missing"},
		{"triggers not a list", "      triggers:\n", "      triggers: {}\n      oldTriggers:\n",
			"resources.run-check-shard.props.triggers: want a list, got a mapping"},
		{"bad cron", "triggerType: eventbridge\n          triggerConfig:\n", "triggerType: timer\n          triggerConfig:\n            cronExpression: '0 0 25 * * *'\n",
			"triggers[0].triggerConfig.cronExpression: cron expression \"0 0 25 * * *\""},
		{"five-field cron", "triggerType: eventbridge\n          triggerConfig:\n", "triggerType: timer\n          triggerConfig:\n            cronExpression: '0 2 * * *'\n",
			"triggers[0].triggerConfig.cronExpression: cron expression \"0 2 * * *\": expected exactly 6 fields"},
		{"cron zone without schedule", "triggerType: eventbridge\n          triggerConfig:\n", "triggerType: timer\n          triggerConfig:\n            cronExpression: 'CRON_TZ=Asia/Shanghai'\n",
			"time zone without a schedule"},
		{"unknown zone", "triggerType: eventbridge\n          triggerConfig:\n", "triggerType: timer\n          triggerConfig:\n            cronExpression: 'CRON_TZ=Mars/Olympus 0 0 2 * * *'\n",
			"provided bad location Mars/Olympus"},
		{"bad enable", "eventSourceConfig:", "triggerEnable: maybe\n            eventSourceConfig:",
			`triggers[0].triggerConfig.triggerEnable: want true or false, got "maybe"`},
		{"no fc3 resource", "component: fc3", "component: fc3-domain", "s.yaml: resources: no resource with component fc3"},
		{"yaml syntax", "name: t", "name: [t", "s.yaml: yaml:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(validQueueSpec, tc.from) {
				t.Fatalf("test bug: %q not in the base spec", tc.from)
			}
			text := strings.Replace(validQueueSpec, tc.from, tc.to, 1)
			_, err := ParseSpec("s.yaml", []byte(text))
			if err == nil {
				t.Fatalf("ParseSpec accepted the spec; want error containing %q", tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ParseSpec error = %q; want it to contain %q", err, tc.wantErr)
			}
			var se *SpecError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is %T; want *SpecError", err, err)
			}
		})
	}
}

func TestParseSpecDuplicateFunctionNameAndMergeKeys(t *testing.T) {
	text := `
name: t
vars:
  fn: &fn
    timeout: 7
    environmentVariables:
      A: a
resources:
  one:
    component: fc3
    props:
      <<: *fn
      functionName: same
  two:
    component: fc3
    props:
      <<: *fn
      functionName: same
`
	_, err := ParseSpec("s.yaml", []byte(text))
	if err == nil || !strings.Contains(err.Error(), `resources.two.props.functionName: "same" is also the functionName of resources.one`) {
		t.Fatalf("ParseSpec error = %v; want duplicate functionName named", err)
	}
	spec, err := ParseSpec("s.yaml", []byte(strings.Replace(text, "functionName: same\n  two", "functionName: other\n  two", 1)))
	if err != nil {
		t.Fatalf("ParseSpec: %v", err)
	}
	one := spec.Function("one")
	if one.Timeout != 7*time.Second || one.Env["A"] != "a" || one.InstanceConcurrency != 1 || one.Handler != "index.handler" {
		t.Fatalf("merged props = timeout %v env %v concurrency %d handler %q; want 7s, A=a, 1, index.handler", one.Timeout, one.Env, one.InstanceConcurrency, one.Handler)
	}
}
