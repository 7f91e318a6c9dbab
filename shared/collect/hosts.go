package collect

import (
	"context"
	"strings"
	"sync"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// Hosts lists one region's running Linux ECS instances with their Cloud
// Assistant status: what a host baseline needs before it runs the probe,
// read with two APIs only (ecs:DescribeInstances and
// ecs:DescribeCloudAssistantStatus), so a baseline-only role needs no
// other read permission. It is read once per Collector.
//
// Calls: DescribeInstances (Status Running, MaxResults 100, NextToken),
// then DescribeCloudAssistantStatus for the Linux ones, 50 instance IDs a
// call. An instance Cloud Assistant does not report has a nil
// CloudAssistant (treat it as offline). A permission, throttling or
// activation failure returns a *NotEvaluatedError for product "ecs".
func (c *Collector) Hosts(ctx context.Context, account, region string) ([]Instance, error) {
	v, err := shared(ctx, c, "hosts|"+account+"|"+region, func(ctx context.Context) ([]Instance, error) {
		out, err := c.collectHosts(ctx, account, region)
		if err != nil {
			return nil, notEvaluated("ecs", region, err)
		}
		return out, nil
	})
	return v, err
}

func (c *Collector) collectHosts(ctx context.Context, account, region string) ([]Instance, error) {
	var hosts []Instance
	err := c.byToken(ctx, account, region, func(token string) requests.AcsRequest {
		r := ecs.CreateDescribeInstancesRequest()
		r.Status = "Running"
		r.MaxResults = requests.NewInteger(100)
		r.NextToken = token
		return r
	}, func(body []byte) (string, error) {
		next, items, err := tokenPage(body, "Instances", "Instance")
		if err != nil {
			return "", err
		}
		for _, raw := range items {
			var a apiInstance
			if err := decodeItem(raw, &a, "Instances.Instance", func() string { return a.InstanceId }); err != nil {
				return "", err
			}
			// The Status filter is asked for, but a host that is not running is
			// skipped even when an answer ignores it.
			if strings.EqualFold(a.OSType, "linux") && strings.EqualFold(a.Status, "Running") {
				hosts = append(hosts, newInstance(a, raw, region))
			}
		}
		return next, nil
	})
	if err != nil {
		return nil, err
	}
	var (
		mu     sync.Mutex
		status = map[string]*CloudAssistantStatus{}
	)
	g := newGroup(ctx)
	for lo := 0; lo < len(hosts); lo += 50 {
		ids := make([]string, 0, 50)
		for _, h := range hosts[lo:min(lo+50, len(hosts))] {
			ids = append(ids, h.ID)
		}
		g.run(func(ctx context.Context) error {
			r := ecs.CreateDescribeCloudAssistantStatusRequest()
			r.InstanceId = &ids
			body, err := c.do(ctx, account, region, r)
			if err != nil {
				return err
			}
			_, items, err := tokenPage(body, "InstanceCloudAssistantStatusSet", "InstanceCloudAssistantStatus")
			if err != nil {
				return malformed(r, region, err)
			}
			for _, raw := range items {
				id, s, err := decodeAssistant(raw)
				if err != nil {
					return malformed(r, region, err)
				}
				mu.Lock()
				status[id] = s
				mu.Unlock()
			}
			return nil
		})
	}
	if err := g.wait(); err != nil {
		return nil, err
	}
	for i := range hosts {
		hosts[i].CloudAssistant = status[hosts[i].ID]
	}
	return hosts, nil
}
