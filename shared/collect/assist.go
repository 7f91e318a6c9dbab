package collect

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// CommandRequest is one Cloud Assistant RunCommand (Ecs 2014-05-26): a shell
// script run on instances. Content is the plain script; it is sent
// ContentEncoding=Base64 (Alibaba caps the encoded content at 18 KB).
type CommandRequest struct {
	InstanceIDs []string
	Content     string
	// Timeout is the execution timeout Cloud Assistant enforces (whole
	// seconds, rounded up; 0: the API default of 60 s).
	Timeout     time.Duration
	Name        string
	Description string
	// ClientToken makes the call idempotent, so a retried RunCommand (after a
	// transport error) does not start the command twice.
	ClientToken string
}

// Invocation identifies a started command.
type Invocation struct {
	InvokeID  string
	CommandID string
}

// InvocationResult is one instance's DescribeInvocationResults record with its
// Output base64-decoded.
type InvocationResult struct {
	InstanceID         string
	InvokeID           string
	InvocationStatus   string // Pending, Running, Success, Failed, Error, Timeout, Aborted, ...
	InvokeRecordStatus string // Running, Finished, Failed, Stopped, ...
	ExitCode           int64
	ErrorCode          string // ClientNotRunning, ExecutionTimeout, ExitCodeNonzero, ...
	ErrorInfo          string
	Output             []byte
	Dropped            int // bytes of output Cloud Assistant discarded (output over 24 KB)
}

// RunCommand starts a shell script on instances through Cloud Assistant. It
// goes through the collector's rate limiter and retries like every call.
func (c *Collector) RunCommand(ctx context.Context, account, region string, r CommandRequest) (Invocation, error) {
	req := ecs.CreateRunCommandRequest()
	req.Type = "RunShellScript"
	req.ContentEncoding = "Base64"
	req.CommandContent = base64.StdEncoding.EncodeToString([]byte(r.Content))
	ids := append([]string(nil), r.InstanceIDs...)
	req.InstanceId = &ids
	if r.Timeout > 0 {
		req.Timeout = requests.NewInteger(int((r.Timeout + time.Second - 1) / time.Second))
	}
	req.Name, req.Description, req.ClientToken = r.Name, r.Description, r.ClientToken
	body, err := c.do(ctx, account, region, req)
	if err != nil {
		return Invocation{}, err
	}
	var resp struct{ InvokeId, CommandId string }
	if err := json.Unmarshal(body, &resp); err != nil || resp.InvokeId == "" {
		return Invocation{}, &Error{API: apiName(req), Region: region, Attempts: 1, Malformed: true,
			Err: fmt.Errorf("RunCommand answer without InvokeId: %.200s", body)}
	}
	return Invocation{InvokeID: resp.InvokeId, CommandID: resp.CommandId}, nil
}

// InvocationResults returns the per-instance results of an invocation
// (instanceID "" for every instance), output decoded from base64.
func (c *Collector) InvocationResults(ctx context.Context, account, region, invokeID, instanceID string) ([]InvocationResult, error) {
	req := ecs.CreateDescribeInvocationResultsRequest()
	req.InvokeId, req.InstanceId, req.ContentEncoding = invokeID, instanceID, "Base64"
	req.PageSize = requests.NewInteger(50)
	var out []InvocationResult
	for page := 1; ; page++ {
		req.PageNumber = requests.NewInteger(page)
		body, err := c.do(ctx, account, region, req)
		if err != nil {
			return nil, err
		}
		var resp struct {
			Invocation struct {
				TotalCount        flexInt
				InvocationResults struct {
					InvocationResult []struct {
						InstanceId, InvokeId, InvocationStatus, InvokeRecordStatus string
						ErrorCode, ErrorInfo, Output                               string
						ExitCode, Dropped                                          flexInt
					}
				}
			}
		}
		malformed := func(cause error) error {
			return &Error{API: apiName(req), Region: region, Attempts: 1, Malformed: true, Err: cause}
		}
		if err := json.Unmarshal(body, &resp); err != nil {
			return nil, malformed(err)
		}
		items := resp.Invocation.InvocationResults.InvocationResult
		for _, it := range items {
			outb, err := base64.StdEncoding.DecodeString(it.Output)
			if err != nil {
				return nil, malformed(fmt.Errorf("output of %s on %s is not base64: %w", it.InvokeId, it.InstanceId, err))
			}
			out = append(out, InvocationResult{InstanceID: it.InstanceId, InvokeID: it.InvokeId,
				InvocationStatus: it.InvocationStatus, InvokeRecordStatus: it.InvokeRecordStatus,
				ExitCode: int64(it.ExitCode), ErrorCode: it.ErrorCode, ErrorInfo: it.ErrorInfo,
				Output: outb, Dropped: int(it.Dropped)})
		}
		if len(items) == 0 || len(out) >= int(resp.Invocation.TotalCount) {
			return out, nil
		}
	}
}
