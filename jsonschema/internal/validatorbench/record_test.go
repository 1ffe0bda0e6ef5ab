package validatorbench

import "time"

// The benchmark record: the "Order" of ../shared/reference/performance.md
// (uuid id, long, email, 5-symbol enum, double, currency, timestamp, 5 line
// items, a 3-entry map, a nullable note) as JSON.
type benchItem struct {
	SKU       string  `json:"sku"`
	Quantity  int     `json:"quantity"`
	UnitPrice float64 `json:"unitPrice"`
}

type benchOrder struct {
	ID         string            `json:"id"`
	CustomerID int64             `json:"customerId"`
	Email      string            `json:"email"`
	Status     string            `json:"status"`
	Total      float64           `json:"total"`
	Currency   string            `json:"currency"`
	CreatedAt  time.Time         `json:"createdAt"`
	Items      []benchItem       `json:"items"`
	Attributes map[string]string `json:"attributes"`
	Note       *string           `json:"note"`
}

const benchSchema = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Order",
  "type": "object",
  "properties": {
    "id": {"type": "string", "format": "uuid"},
    "customerId": {"type": "integer", "minimum": 0},
    "email": {"type": "string", "format": "email"},
    "status": {"enum": ["NEW", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"]},
    "total": {"type": "number", "minimum": 0},
    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
    "createdAt": {"type": "string", "format": "date-time"},
    "items": {
      "type": "array",
      "minItems": 1,
      "items": {
        "type": "object",
        "properties": {
          "sku": {"type": "string"},
          "quantity": {"type": "integer", "minimum": 1},
          "unitPrice": {"type": "number", "minimum": 0}
        },
        "required": ["sku", "quantity", "unitPrice"],
        "additionalProperties": false
      }
    },
    "attributes": {"type": "object", "additionalProperties": {"type": "string"}},
    "note": {"type": ["string", "null"]}
  },
  "required": ["id", "customerId", "email", "status", "total", "currency", "createdAt", "items"],
  "additionalProperties": false
}`

func benchValue() benchOrder {
	items := make([]benchItem, 5)
	for i := range items {
		items[i] = benchItem{SKU: "SKU-" + string(rune('A'+i)), Quantity: i + 1, UnitPrice: 9.99 * float64(i+1)}
	}
	return benchOrder{
		ID: "6db60d7f-ee4a-46f5-9857-ce8458e2a78f", CustomerID: 1234567890123, Email: "grace@example.com",
		Status: "PAID", Total: 149.85, Currency: "EUR",
		CreatedAt:  time.Date(2024, 3, 15, 12, 34, 56, 789000000, time.UTC),
		Items:      items,
		Attributes: map[string]string{"channel": "web", "campaign": "spring", "region": "eu-west"},
	}
}
