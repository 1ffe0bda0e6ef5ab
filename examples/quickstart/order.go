package main

import (
	"strconv"
	"time"

	"github.com/google/uuid"
)

// Order is the quickstart's record value, written in Avro.
type Order struct {
	ID         string    `avro:"id"`
	Customer   string    `avro:"customer"`
	Items      []Item    `avro:"items"`
	TotalCents int64     `avro:"total_cents"`
	Currency   string    `avro:"currency"`
	Status     string    `avro:"status"`
	CreatedAt  time.Time `avro:"created_at"`
	Note       *string   `avro:"note"`
}

// Item is one line of an Order.
type Item struct {
	SKU        string `avro:"sku"`
	Quantity   int32  `avro:"quantity"`
	PriceCents int64  `avro:"price_cents"`
}

// orderSchema is the Avro schema registered for Order: logical types for
// the ID and the time, an enum for the status, a nullable note.
const orderSchema = `{
  "type": "record", "name": "Order", "namespace": "srkit.quickstart",
  "fields": [
    {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
    {"name": "customer", "type": "string"},
    {"name": "items", "type": {"type": "array", "items": {
      "type": "record", "name": "Item", "fields": [
        {"name": "sku", "type": "string"},
        {"name": "quantity", "type": "int"},
        {"name": "price_cents", "type": "long"}]}}},
    {"name": "total_cents", "type": "long"},
    {"name": "currency", "type": "string"},
    {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID", "SHIPPED"]}},
    {"name": "created_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "note", "type": ["null", "string"], "default": null}
  ]
}`

var (
	statuses   = []string{"NEW", "PAID", "SHIPPED"}
	currencies = []string{"EUR", "USD", "GBP", "JPY"}
	epoch      = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
)

// makeOrder builds order i of a run deterministically, so that the consumer
// can check each order it reads against what was produced.
func makeOrder(run uuid.UUID, i int) *Order {
	o := &Order{
		ID:        uuid.NewSHA1(run, []byte(strconv.Itoa(i))).String(),
		Customer:  "customer-" + strconv.Itoa(i%997),
		Currency:  currencies[i%len(currencies)],
		Status:    statuses[i%len(statuses)],
		CreatedAt: epoch.Add(time.Duration(i) * time.Second),
	}
	for j := range 1 + i%4 {
		it := Item{SKU: "SKU-" + strconv.Itoa((i+j)%500), Quantity: int32(1 + j), PriceCents: int64(199 + (i*7+j*13)%10000)}
		o.Items = append(o.Items, it)
		o.TotalCents += int64(it.Quantity) * it.PriceCents
	}
	if i%5 == 0 {
		note := "gift wrap, please (" + strconv.Itoa(i) + ")"
		o.Note = &note
	}
	return o
}

// equalOrders reports whether a and b hold the same order.
func equalOrders(a, b *Order) bool {
	if a.ID != b.ID || a.Customer != b.Customer || a.TotalCents != b.TotalCents || a.Currency != b.Currency ||
		a.Status != b.Status || !a.CreatedAt.Equal(b.CreatedAt) || len(a.Items) != len(b.Items) ||
		(a.Note == nil) != (b.Note == nil) || a.Note != nil && *a.Note != *b.Note {
		return false
	}
	for i := range a.Items {
		if a.Items[i] != b.Items[i] {
			return false
		}
	}
	return true
}
