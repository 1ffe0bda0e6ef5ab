package producer_test

import "github.com/srkit-go/srkit/internal/kafkatest"

// order is the record value of these tests (see kafkatest.Order).
type order = kafkatest.Order
