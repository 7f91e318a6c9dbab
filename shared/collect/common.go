package collect

import "github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"

// commonRequest builds a call the SDK has no typed request for (APIs newer
// than alibaba-cloud-sdk-go v1.63.107) as the SDK's CommonRequest, and
// returns the RPC or ROA request it stands for, which c.do sends like any
// typed one: signed, rate limited, retried and classified the same way.
// path, for ROA APIs, is the SDK's pattern ("/clusters/[ClusterId]/...")
// with its parameters in pathParams; "" makes an RPC call.
func commonRequest(product, version, action, method, path string, pathParams map[string]string) requests.AcsRequest {
	r := requests.NewCommonRequest()
	r.Product, r.Version, r.ApiName, r.Method = product, version, action, method
	r.PathPattern = path
	for k, v := range pathParams {
		r.PathParams[k] = v
	}
	r.TransToAcsRequest()
	return r.Ontology
}
