package catalog_test

import (
	"fmt"
	"time"

	"github.com/cspm-alibaba/cspm/shared/catalog"
)

// A custom policy scheduled on weekday mornings; Due says when schedule-scan
// should run it.
func ExampleDue() {
	p := catalog.Policy{ID: "prod-weekly", Items: []string{"ecs_sg_ssh_internet"},
		Weekdays: []time.Weekday{time.Monday}, Windows: []catalog.Window{catalog.Window6to12}}
	cst := time.FixedZone("CST", 8*3600)
	fmt.Println(catalog.Due(p, time.Date(2026, 6, 1, 9, 30, 0, 0, cst))) // a Monday
	fmt.Println(catalog.Due(p, time.Date(2026, 6, 1, 13, 0, 0, 0, cst)))
	// Output:
	// true
	// false
}
