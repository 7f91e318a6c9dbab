package store_test

import (
	"os"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/store/storetest"
)

// newOtsim starts an emulator on 127.0.0.1 for one test and returns its client.
func newOtsim(t testing.TB) *tablestore.TableStoreClient {
	t.Helper()
	srv, err := otsim.NewServer(otsim.Options{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("otsim.NewServer: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("otsim Close: %v", err)
		}
	})
	return srv.Client()
}

// TestConformance runs the suite against otsim, one emulator per test.
func TestConformance(t *testing.T) {
	storetest.RunConformanceTests(t, func(t *testing.T) *tablestore.TableStoreClient { return newOtsim(t) })
}

// The variables that point TestConformanceTablestore at a real instance.
var realVars = []string{"OTS_TEST_ENDPOINT", "OTS_TEST_INSTANCE", "OTS_TEST_ACCESS_KEY_ID", "OTS_TEST_ACCESS_KEY_SECRET"}

// TestConformanceTablestore runs the suite against a real Tablestore instance when
// OTS_TEST_ENDPOINT, OTS_TEST_INSTANCE, OTS_TEST_ACCESS_KEY_ID and
// OTS_TEST_ACCESS_KEY_SECRET are set (optionally OTS_TEST_SECURITY_TOKEN). Each test
// creates its tables under a unique prefix and deletes them.
func TestConformanceTablestore(t *testing.T) {
	var missing []string
	for _, v := range realVars {
		if os.Getenv(v) == "" {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		t.Skipf("not run: %s not set (needed to run the suite against a real Tablestore instance)", strings.Join(missing, ", "))
	}
	client := tablestore.NewClientWithConfig(os.Getenv("OTS_TEST_ENDPOINT"), os.Getenv("OTS_TEST_INSTANCE"),
		os.Getenv("OTS_TEST_ACCESS_KEY_ID"), os.Getenv("OTS_TEST_ACCESS_KEY_SECRET"), os.Getenv("OTS_TEST_SECURITY_TOKEN"), nil)
	storetest.RunConformanceTests(t, func(t *testing.T) *tablestore.TableStoreClient { return client })
}
