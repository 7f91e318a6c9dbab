package collect

import "testing"

func TestLBTrailKMSEndpoints(t *testing.T) {
	c := New(Config{})
	for _, tt := range []struct{ product, region, want string }{
		{"Slb", "cn-hangzhou", "slb.aliyuncs.com"},
		{"Slb", "cn-zhangjiakou", "slb.cn-zhangjiakou.aliyuncs.com"},
		{"Alb", "cn-hangzhou", "alb.cn-hangzhou.aliyuncs.com"},
		{"Nlb", "cn-hangzhou", "nlb.cn-hangzhou.aliyuncs.com"},
		{"Kms", "cn-shanghai", "kms.cn-shanghai.aliyuncs.com"},
	} {
		if got := c.endpointFor(tt.product, tt.region); got != tt.want {
			t.Errorf("endpointFor(%s, %s) = %s; want %s", tt.product, tt.region, got, tt.want)
		}
	}
}
