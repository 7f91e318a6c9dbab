// Package shard is the run-check-shard function: it receives shard jobs from the shard
// queue as a batch of CloudEvents and runs each one.
//
// Today a shard is received, validated and acknowledged; claiming it in the store,
// collecting the inventory, evaluating the check items and charging quota arrive with
// the store, collector, catalogue and quota packages.
package shard

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/fcrun"
)

// Handler runs shard jobs.
type Handler struct{}

// Shard is one shard's outcome in the result.
type Shard struct {
	MessageID string `json:"message_id"`
	TenantID  string `json:"tenant_id"`
	TaskID    string `json:"task_id"`
	ShardID   string `json:"shard_id"`
	Region    string `json:"region"`
	Product   string `json:"product"`
	Items     int    `json:"items"`
	Status    string `json:"status"`
}

// Result is what one batch did.
type Result struct {
	Shards []Shard `json:"shards"`
}

// Handle is the function's entry point. The whole batch is validated before any shard
// runs: a batch with one bad message fails as a whole, so the trigger retries it and then
// parks it, and nothing is half-done.
func (h *Handler) Handle(ctx context.Context, raw json.RawMessage) (Result, error) {
	deliveries, err := event.ShardJobs(raw)
	if err != nil {
		return Result{}, fmt.Errorf("run-check-shard: %w", err)
	}
	log := fcrun.Logger(ctx)
	res := Result{Shards: make([]Shard, 0, len(deliveries))}
	for _, d := range deliveries {
		j := d.Job
		log.Info("shard received", "tenant_id", j.TenantID, "task_id", j.TaskID, "shard_id", j.ShardID,
			"region", j.Region, "product", j.Product, "items", len(j.Items), "message_id", d.MessageID)
		res.Shards = append(res.Shards, Shard{
			MessageID: d.MessageID, TenantID: j.TenantID, TaskID: j.TaskID, ShardID: j.ShardID,
			Region: j.Region, Product: j.Product, Items: len(j.Items), Status: "received",
		})
	}
	return res, nil
}
