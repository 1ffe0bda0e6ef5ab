package main

import (
	"testing"

	"github.com/srkit-go/srkit/examples/internal/exampletest"
)

func TestExample(t *testing.T) {
	exampletest.Run(t, run,
		"registered as subject srkit-example-shop-orders-value version 1, schema ID 1, GUID ",
		"consumed order o-1001 (STATUS_PAID, 1 lines, total 2500 cents), schema guid ",
		"consumed order o-1002 (STATUS_NEW, 2 lines, total 1440 cents), schema guid ",
		"(from the __value_schema_id header)",
	)
}
