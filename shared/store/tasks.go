package store

import (
	"context"
	"regexp"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// TaskStatus is where a scan task is. The store accepts any lower-case word; these are
// the ones the service uses.
type TaskStatus string

// Task statuses.
const (
	TaskQueued  TaskStatus = "queued"
	TaskRunning TaskStatus = "running"
	TaskDone    TaskStatus = "done"
	TaskStopped TaskStatus = "stopped" // stopped early: the subscription's quota ran out; results kept
	TaskFailed  TaskStatus = "failed"
)

var statusPattern = regexp.MustCompile(`^[a-z][a-z_]{0,31}$`)

// Task is one scan of a tenant: scheduled, on demand or from a change event.
type Task struct {
	TenantID  string
	TaskID    string
	Kind      string // e.g. "scheduled", "manual", "event"
	Status    TaskStatus
	Shards    int    // number of shards
	Detail    string // free text: why it failed or stopped
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PutTask creates a task. It never overwrites: if the task already exists (a retried
// schedule), it is left as it is and created is false, which is not an error. An
// empty Status becomes TaskQueued; CreatedAt and UpdatedAt are set to now.
func (s *Store) PutTask(ctx context.Context, t Task) (created bool, err error) {
	const op = "put task"
	if t.Status == "" {
		t.Status = TaskQueued
	}
	var c checker
	c.key("tenant_id", t.TenantID)
	c.key("task_id", t.TaskID)
	c.text("kind", t.Kind)
	c.text("detail", t.Detail)
	c.check(statusPattern.MatchString(string(t.Status)), "status %q: want a lower-case word", t.Status)
	c.check(t.Shards >= 0, "shards %d is negative", t.Shards)
	if err := c.err(op, keyPath(t.TenantID, t.TaskID)); err != nil {
		return false, err
	}
	now := millis(s.now())
	cols := []col{
		{"kind", t.Kind}, {"status", string(t.Status)}, {"shards", int64(t.Shards)}, {"detail", t.Detail},
		{"created_at", now}, {"updated_at", now},
	}
	err = s.putRow(ctx, s.putChange(tasksTable, []string{t.TenantID, t.TaskID}, cols, tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST))
	if isConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fail(op+" "+keyPath(t.TenantID, t.TaskID), err)
	}
	return true, nil
}

// GetTask reads a task; ErrNotFound if there is none.
func (s *Store) GetTask(ctx context.Context, tenantID, taskID string) (Task, error) {
	const op = "get task"
	var c checker
	c.key("tenant_id", tenantID)
	c.key("task_id", taskID)
	if err := c.err(op, keyPath(tenantID, taskID)); err != nil {
		return Task{}, err
	}
	r, ok, err := s.getRow(ctx, tasksTable, []string{tenantID, taskID})
	if err != nil {
		return Task{}, fail(op+" "+keyPath(tenantID, taskID), err)
	}
	if !ok {
		return Task{}, failf(op+" "+keyPath(tenantID, taskID), ErrNotFound, "no such task")
	}
	return Task{
		TenantID: r.str("tenant_id"), TaskID: r.str("task_id"), Kind: r.str("kind"),
		Status: TaskStatus(r.str("status")), Shards: int(r.int("shards")), Detail: r.str("detail"),
		CreatedAt: r.time("created_at"), UpdatedAt: r.time("updated_at"),
	}, nil
}

// StartTask moves a queued task to running. It changes nothing when the task has
// moved on already (running, stopped, done): a shard starting late must not undo a
// stop. ErrNotFound if there is no such task.
func (s *Store) StartTask(ctx context.Context, tenantID, taskID string) error {
	const op = "start task"
	var c checker
	c.key("tenant_id", tenantID)
	c.key("task_id", taskID)
	if err := c.err(op, keyPath(tenantID, taskID)); err != nil {
		return err
	}
	cols := []col{{"status", string(TaskRunning)}, {"updated_at", millis(s.now())}}
	change := s.updateChange(tasksTable, []string{tenantID, taskID}, cols, tablestore.RowExistenceExpectation_EXPECT_EXIST)
	change.SetColumnCondition(equal("status", string(TaskQueued)))
	_, err := s.updateRow(ctx, change)
	if !isConditionFailed(err) {
		return fail(op+" "+keyPath(tenantID, taskID), err)
	}
	if _, err := s.GetTask(ctx, tenantID, taskID); err != nil {
		return err // ErrNotFound: the row is missing, not moved on
	}
	return nil
}

// UpdateTaskStatus sets a task's status and detail; ErrNotFound if there is no such
// task (nothing is created).
func (s *Store) UpdateTaskStatus(ctx context.Context, tenantID, taskID string, status TaskStatus, detail string) error {
	const op = "update task status"
	var c checker
	c.key("tenant_id", tenantID)
	c.key("task_id", taskID)
	c.check(statusPattern.MatchString(string(status)), "status %q: want a lower-case word", status)
	c.text("detail", detail)
	if err := c.err(op, keyPath(tenantID, taskID)); err != nil {
		return err
	}
	cols := []col{{"status", string(status)}, {"detail", detail}, {"updated_at", millis(s.now())}}
	_, err := s.updateRow(ctx, s.updateChange(tasksTable, []string{tenantID, taskID}, cols, tablestore.RowExistenceExpectation_EXPECT_EXIST))
	if isConditionFailed(err) {
		return failDetail(op+" "+keyPath(tenantID, taskID), ErrNotFound, "no such task", err)
	}
	return fail(op+" "+keyPath(tenantID, taskID), err)
}
