package shard

import (
	"context"
	"time"

	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// whitelist mutes the findings the tenant's unexpired whitelist rules cover (one
// GetRange of the tenant's rules per shard): each becomes WHITELISTED, keeping its
// verdict in OriginalStatus, its message and evidence, with the rule's reason as
// Remark. It returns how many it muted. The lifecycle state treats WHITELISTED as no
// verdict (State), so a muted failure neither opens nor fixes anything.
func (h *Handler) whitelist(ctx context.Context, tenantID string, fs []checks.Finding, now time.Time) (int, error) {
	if len(fs) == 0 {
		return 0, nil
	}
	stored, err := h.Store.ListWhitelist(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	rules := WhitelistRules(stored, now)
	if len(rules) < len(stored) {
		fcrun.Logger(ctx).Info("whitelist rules skipped", "tenant_id", tenantID, "stored", len(stored), "active", len(rules))
	}
	if len(rules) == 0 {
		return 0, nil
	}
	return checks.Whitelist(fs, rules, now)
}

// whitelistHosts mutes the host baseline findings the tenant's unexpired rules
// cover: the same rules and the same WHITELISTED status as for config items, matched
// here because checks.Whitelist only knows config items.
func (h *Handler) whitelistHosts(ctx context.Context, tenantID string, fs []checks.Finding, now time.Time) (int, error) {
	if len(fs) == 0 {
		return 0, nil
	}
	stored, err := h.Store.ListWhitelist(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	type key struct{ item, instance string }
	rules := map[key]string{} // → reason
	for _, r := range stored {
		if r.Active(now) {
			rules[key{r.ItemID, r.InstanceID}] = r.Reason
		}
	}
	muted := 0
	for i := range fs {
		reason, ok := rules[key{fs[i].ItemID, fs[i].InstanceID}]
		if !ok {
			reason, ok = rules[key{fs[i].ItemID, ""}]
		}
		if ok && fs[i].Status != checks.Whitelisted {
			checks.Mute(&fs[i], reason)
			muted++
		}
	}
	return muted, nil
}

// WhitelistRules turns a tenant's stored rules into the rules checks.Whitelist
// applies, leaving out the ones expired at now and the ones naming an item the
// catalogue no longer has (a retired item has no findings to mute).
func WhitelistRules(stored []store.WhitelistRule, now time.Time) []checks.WhitelistRule {
	out := make([]checks.WhitelistRule, 0, len(stored))
	for _, r := range stored {
		if !r.Active(now) {
			continue
		}
		if _, ok := checks.Lookup(r.ItemID); !ok {
			continue
		}
		w := checks.WhitelistRule{ItemID: r.ItemID, Reason: r.Reason, Expires: r.Expires}
		if r.InstanceID != "" {
			w.InstanceIDs = []string{r.InstanceID}
		}
		out = append(out, w)
	}
	return out
}

// stateTask is the task a finding's state belongs to: the previous row's when the
// state did not change, this task's when it did, none when there is no state.
func stateTask(prev *store.Finding, state, taskID string) string {
	switch {
	case prev != nil && prev.State == state:
		return prev.StateTaskID
	case state == "":
		return ""
	}
	return taskID
}
