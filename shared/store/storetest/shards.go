package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/cspm-alibaba/cspm/shared/store"
)

func shardKey(task string, i int) store.ShardKey {
	return store.ShardKey{TenantID: "acme", TaskID: task, ShardID: fmt.Sprintf("s%04d", i)}
}

func newShards(task string, n int) []store.Shard {
	out := make([]store.Shard, n)
	for i := range out {
		k := shardKey(task, i)
		out[i] = store.Shard{TenantID: k.TenantID, TaskID: k.TaskID, ShardID: k.ShardID,
			Region: "cn-hangzhou", Product: "ecs", Items: []string{"ecs-001", fmt.Sprintf("ecs-%03d", i%100)}}
	}
	return out
}

func testPutShards(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_shards")
	shards := newShards("task1", 250)
	stats, err := e.st.PutShards(e.ctx, shards)
	wantCode(t, "PutShards(250)", err, nil)
	if want := (store.WriteStats{Written: 250, Requests: 2}); stats != want {
		t.Errorf("PutShards(250 new shards) stats = %+v; want %+v (200 rows per request)", stats, want)
	}
	list, err := e.st.ListShards(e.ctx, "acme", "task1")
	wantCode(t, "ListShards", err, nil)
	if len(list) != len(shards) {
		t.Fatalf("ListShards returned %d shards; want %d", len(list), len(shards))
	}
	now := e.clock.Now()
	for i, got := range list {
		want := shards[i]
		want.State, want.CreatedAt, want.UpdatedAt = store.ShardQueued, now, now
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("ListShards()[%d] = %+v; want %+v", i, got, want)
		}
	}

	// A claimed shard survives a retried PutShards; a new one is added.
	claimed, err := e.st.ClaimShard(e.ctx, shardKey("task1", 7), time.Minute)
	wantCode(t, "ClaimShard(s0007)", err, nil)
	more := append(newShards("task1", 250), newShards("task1", 251)[250])
	stats, err = e.st.PutShards(e.ctx, more)
	wantCode(t, "PutShards(again)", err, nil)
	if stats.Written != 1 || stats.Skipped != 250 {
		t.Errorf("PutShards(250 existing + 1 new) stats = %+v; want Written 1, Skipped 250", stats)
	}
	got, err := e.st.GetShard(e.ctx, shardKey("task1", 7))
	wantCode(t, "GetShard(s0007)", err, nil)
	if got.State != store.ShardRunning || got.LeaseID != claimed.LeaseID {
		t.Errorf("GetShard(s0007) after PutShards = state %s lease %q; want running under lease %q (never overwritten)", got.State, got.LeaseID, claimed.LeaseID)
	}
	_, err = e.st.GetShard(e.ctx, shardKey("task1", 999))
	wantCode(t, "GetShard(missing)", err, store.ErrNotFound)
	other, err := e.st.ListShards(e.ctx, "acme", "task2")
	wantCode(t, "ListShards(task2)", err, nil)
	if len(other) != 0 {
		t.Errorf("ListShards(task with no shards) = %d shards; want 0", len(other))
	}

	// Bad input: the whole batch is refused and nothing is written.
	for _, b := range []struct {
		name string
		edit func([]store.Shard)
	}{
		{"empty shard id", func(s []store.Shard) { s[230].ShardID = "" }},
		{"long task id", func(s []store.Shard) { s[230].TaskID = repeat("t", 256) }},
		{"NUL in item", func(s []store.Shard) { s[230].Items = []string{"a\x00"} }},
		{"duplicate key", func(s []store.Shard) { s[230].ShardID = s[3].ShardID }},
	} {
		batch := newShards("task3", 240)
		b.edit(batch)
		stats, err := e.st.PutShards(e.ctx, batch)
		wantCode(t, "PutShards("+b.name+")", err, store.ErrInvalid)
		if stats != (store.WriteStats{}) {
			t.Errorf("PutShards(%s) stats = %+v; want zero", b.name, stats)
		}
		list, err := e.st.ListShards(e.ctx, "acme", "task3")
		wantCode(t, "ListShards(task3)", err, nil)
		if len(list) != 0 {
			t.Fatalf("PutShards(%s) was refused but wrote %d shards; want none", b.name, len(list))
		}
	}
}

// step is one action on a shard in a transition script.
type step struct {
	do      string        // claim, complete, fail, release, advance
	lease   string        // which lease: "a" or "b" (set by the claim that gets it), "bogus"
	d       time.Duration // claim: lease length; advance: how far
	want    error         // the error code wanted; nil for success
	state   store.ShardState
	attempt int
}

func testShardTransitions(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_shards")
	scripts := []struct {
		name  string
		steps []step
	}{
		{"claim then complete", []step{
			{do: "claim", lease: "a", d: time.Minute, state: store.ShardRunning, attempt: 1},
			{do: "complete", lease: "a", state: store.ShardDone, attempt: 1},
			{do: "complete", lease: "a", state: store.ShardDone, attempt: 1}, // repeated by the holder: no-op
			{do: "claim", lease: "b", d: time.Minute, want: store.ErrConflict, state: store.ShardDone, attempt: 1},
			{do: "fail", lease: "a", want: store.ErrConflict, state: store.ShardDone, attempt: 1},
			{do: "release", lease: "a", want: store.ErrConflict, state: store.ShardDone, attempt: 1},
		}},
		{"live lease blocks a second claim", []step{
			{do: "claim", lease: "a", d: time.Minute, state: store.ShardRunning, attempt: 1},
			{do: "claim", lease: "b", d: time.Minute, want: store.ErrConflict, state: store.ShardRunning, attempt: 1},
			{do: "complete", lease: "bogus", want: store.ErrConflict, state: store.ShardRunning, attempt: 1},
			{do: "fail", lease: "a", state: store.ShardFailed, attempt: 1},
			{do: "claim", lease: "b", d: time.Minute, want: store.ErrConflict, state: store.ShardFailed, attempt: 1},
			{do: "complete", lease: "a", want: store.ErrConflict, state: store.ShardFailed, attempt: 1},
		}},
		{"expired lease is taken over", []step{
			{do: "claim", lease: "a", d: time.Minute, state: store.ShardRunning, attempt: 1},
			{do: "advance", d: 59 * time.Second},
			{do: "claim", lease: "b", d: time.Minute, want: store.ErrConflict, state: store.ShardRunning, attempt: 1},
			{do: "advance", d: time.Second}, // exactly at the expiry: expired
			{do: "claim", lease: "b", d: time.Minute, state: store.ShardRunning, attempt: 2},
			{do: "complete", lease: "a", want: store.ErrConflict, state: store.ShardRunning, attempt: 2},
			{do: "fail", lease: "a", want: store.ErrConflict, state: store.ShardRunning, attempt: 2},
			{do: "complete", lease: "b", state: store.ShardDone, attempt: 2},
		}},
		{"release hands the shard back", []step{
			{do: "claim", lease: "a", d: time.Hour, state: store.ShardRunning, attempt: 1},
			{do: "release", lease: "a", state: store.ShardQueued, attempt: 1},
			{do: "claim", lease: "b", d: time.Hour, state: store.ShardRunning, attempt: 2},
			{do: "release", lease: "a", want: store.ErrConflict, state: store.ShardRunning, attempt: 2},
			{do: "fail", lease: "b", state: store.ShardFailed, attempt: 2},
		}},
		{"a stopped shard is not claimed again", []step{
			{do: "claim", lease: "a", d: time.Minute, state: store.ShardRunning, attempt: 1},
			{do: "stop", lease: "bogus", want: store.ErrConflict, state: store.ShardRunning, attempt: 1},
			{do: "stop", lease: "a", state: store.ShardStopped, attempt: 1},
			{do: "stop", lease: "a", state: store.ShardStopped, attempt: 1}, // resent: a no-op
			{do: "advance", d: time.Hour},
			{do: "claim", lease: "b", d: time.Minute, want: store.ErrConflict, state: store.ShardStopped, attempt: 1},
			{do: "complete", lease: "a", want: store.ErrConflict, state: store.ShardStopped, attempt: 1},
		}},
		{"bad input", []step{
			{do: "claim", lease: "a", d: 0, want: store.ErrInvalid, state: store.ShardQueued},
			{do: "claim", lease: "a", d: -time.Second, want: store.ErrInvalid, state: store.ShardQueued},
			{do: "complete", lease: "", want: store.ErrInvalid, state: store.ShardQueued},
			{do: "fail", lease: "bogus", want: store.ErrConflict, state: store.ShardQueued},
		}},
	}
	for i, sc := range scripts {
		key := shardKey("task", i)
		shard := newShards("task", i+1)[i]
		if _, err := e.st.PutShards(e.ctx, []store.Shard{shard}); err != nil {
			t.Fatalf("%s: PutShards: %v", sc.name, err)
		}
		leases := map[string]string{"bogus": "not-a-lease", "": ""}
		for j, st := range sc.steps {
			what := fmt.Sprintf("%s: step %d %s(lease %s)", sc.name, j, st.do, st.lease)
			var err error
			switch st.do {
			case "advance":
				e.clock.Advance(st.d)
				continue
			case "claim":
				var got store.Shard
				got, err = e.st.ClaimShard(e.ctx, key, st.d)
				if err == nil {
					leases[st.lease] = got.LeaseID
					if got.LeaseID == "" || got.Attempt != st.attempt || !got.LeaseUntil.Equal(e.clock.Now().Add(st.d)) {
						t.Errorf("%s = lease %q attempt %d until %s; want a lease id, attempt %d, until %s",
							what, got.LeaseID, got.Attempt, got.LeaseUntil, st.attempt, e.clock.Now().Add(st.d))
					}
				} else if got.LeaseID != "" {
					t.Errorf("%s failed but returned lease id %q; a refused claim must not reveal the holder's lease", what, got.LeaseID)
				}
			case "complete":
				err = e.st.CompleteShard(e.ctx, key, leases[st.lease], "")
			case "fail":
				err = e.st.FailShard(e.ctx, key, leases[st.lease], "collector: Throttling.User")
			case "release":
				err = e.st.ReleaseShard(e.ctx, key, leases[st.lease])
			case "stop":
				err = e.st.StopShard(e.ctx, key, leases[st.lease], "stopped: quota exhausted after 3 of 5 checks")
			}
			wantCode(t, what, err, st.want)
			got, gerr := e.st.GetShard(e.ctx, key)
			if gerr != nil {
				t.Fatalf("%s: GetShard: %v", what, gerr)
			}
			if got.State != st.state || got.Attempt != st.attempt {
				t.Fatalf("%s: shard is %s attempt %d; want %s attempt %d", what, got.State, got.Attempt, st.state, st.attempt)
			}
			if st.state == store.ShardFailed && got.Error != "collector: Throttling.User" {
				t.Errorf("%s: failed shard Error = %q; want the reason given to FailShard", what, got.Error)
			}
			if st.state == store.ShardStopped && got.Note != "stopped: quota exhausted after 3 of 5 checks" {
				t.Errorf("%s: stopped shard Note = %q; want the note given to StopShard", what, got.Note)
			}
			if (st.state == store.ShardDone || st.state == store.ShardFailed || st.state == store.ShardStopped) && got.FinishedAt.IsZero() {
				t.Errorf("%s: finished shard has no FinishedAt", what)
			}
		}
	}
	_, err := e.st.ClaimShard(e.ctx, shardKey("task", 99), time.Minute)
	wantCode(t, "ClaimShard(missing shard)", err, store.ErrNotFound)
	err = e.st.CompleteShard(e.ctx, shardKey("task", 99), "x", "")
	wantCode(t, "CompleteShard(missing shard)", err, store.ErrNotFound)
	_, err = e.st.GetShard(e.ctx, shardKey("task", 99))
	wantCode(t, "GetShard(missing shard) after CompleteShard", err, store.ErrNotFound)
}

// testShardClaimRace: of many concurrent claims of one shard exactly one wins, both
// when it is queued and when its lease has expired.
func testShardClaimRace(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_shards")
	key := shardKey("race", 0)
	if _, err := e.st.PutShards(e.ctx, newShards("race", 1)); err != nil {
		t.Fatalf("PutShards: %v", err)
	}
	for round, wantAttempt := range []int{1, 2} {
		const claimers = 16
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			winners []store.Shard
			others  []error
		)
		for i := 0; i < claimers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sh, err := e.st.ClaimShard(e.ctx, key, time.Minute)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					winners = append(winners, sh)
				} else {
					others = append(others, err)
				}
			}()
		}
		wg.Wait()
		if len(winners) != 1 {
			t.Fatalf("round %d: %d of %d concurrent ClaimShard calls won; want exactly 1", round, len(winners), claimers)
		}
		for _, err := range others {
			if !errors.Is(err, store.ErrConflict) {
				t.Errorf("round %d: a losing ClaimShard returned %v; want ErrConflict", round, err)
			}
		}
		if winners[0].Attempt != wantAttempt {
			t.Errorf("round %d: winner has attempt %d; want %d", round, winners[0].Attempt, wantAttempt)
		}
		got, err := e.st.GetShard(e.ctx, key)
		wantCode(t, "GetShard", err, nil)
		if got.LeaseID != winners[0].LeaseID {
			t.Errorf("round %d: stored lease %q; want the winner's %q", round, got.LeaseID, winners[0].LeaseID)
		}
		e.clock.Advance(2 * time.Minute) // the lease expires: the next round races again
	}
}
