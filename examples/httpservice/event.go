package main

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// placeOrderRequest is the JSON body of POST /orders.
type placeOrderRequest struct {
	Customer string `json:"customer"`
	Currency string `json:"currency"`
	Items    []struct {
		SKU        string `json:"sku"`
		Quantity   int32  `json:"quantity"`
		PriceCents int64  `json:"price_cents"`
	} `json:"items"`
}

// validate checks a request before anything is produced, so that a bad
// request is a 400 and never reaches Kafka.
func (r *placeOrderRequest) validate() error {
	var errs []error
	if strings.TrimSpace(r.Customer) == "" {
		errs = append(errs, errors.New("customer is required"))
	}
	switch r.Currency {
	case "EUR", "USD", "GBP":
	default:
		errs = append(errs, fmt.Errorf("currency %q is not one of EUR, USD, GBP", r.Currency))
	}
	if len(r.Items) == 0 || len(r.Items) > 100 {
		errs = append(errs, errors.New("an order has 1 to 100 items"))
	}
	for i, it := range r.Items {
		if it.SKU == "" || it.Quantity < 1 || it.PriceCents < 0 {
			errs = append(errs, fmt.Errorf("item %d needs a sku, a quantity of 1 or more and a price of 0 or more", i))
		}
	}
	return errors.Join(errs...)
}

// OrderPlaced is the event the service produces, in Avro.
type OrderPlaced struct {
	OrderID    string    `avro:"order_id" json:"order_id"`
	Customer   string    `avro:"customer" json:"customer"`
	Currency   string    `avro:"currency" json:"currency"`
	Items      []Line    `avro:"items" json:"items"`
	TotalCents int64     `avro:"total_cents" json:"total_cents"`
	PlacedAt   time.Time `avro:"placed_at" json:"placed_at"`
}

// Line is one item of an order.
type Line struct {
	SKU        string `avro:"sku" json:"sku"`
	Quantity   int32  `avro:"quantity" json:"quantity"`
	PriceCents int64  `avro:"price_cents" json:"price_cents"`
}

const orderPlacedSchema = `{
  "type": "record", "name": "OrderPlaced", "namespace": "srkit.example.shop",
  "fields": [
    {"name": "order_id", "type": {"type": "string", "logicalType": "uuid"}},
    {"name": "customer", "type": "string"},
    {"name": "currency", "type": {"type": "enum", "name": "Currency", "symbols": ["EUR", "USD", "GBP"]}},
    {"name": "items", "type": {"type": "array", "items": {"type": "record", "name": "Line", "fields": [
      {"name": "sku", "type": "string"},
      {"name": "quantity", "type": "int"},
      {"name": "price_cents", "type": "long"}]}}},
    {"name": "total_cents", "type": "long"},
    {"name": "placed_at", "type": {"type": "long", "logicalType": "timestamp-millis"}}
  ]
}`

// event turns a valid request into the event.
func (r *placeOrderRequest) event(id string, now time.Time) *OrderPlaced {
	e := &OrderPlaced{OrderID: id, Customer: r.Customer, Currency: r.Currency, PlacedAt: now.UTC().Truncate(time.Millisecond)}
	for _, it := range r.Items {
		e.Items = append(e.Items, Line{SKU: it.SKU, Quantity: it.Quantity, PriceCents: it.PriceCents})
		e.TotalCents += int64(it.Quantity) * it.PriceCents
	}
	return e
}
