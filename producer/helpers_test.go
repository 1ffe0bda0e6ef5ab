package producer_test

import (
	"slices"
	"sync"

	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/producer"
)

// order is the record value of these tests (see kafkatest.Order).
type order = kafkatest.Order

// recorder is a producer hook that keeps every event.
type recorder struct {
	mu          sync.Mutex
	produced    []producer.ProduceEvent
	deadLetters []producer.DeadLetterEvent
}

func (r *recorder) OnProduce(e producer.ProduceEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.produced = append(r.produced, e)
}

func (r *recorder) OnDeadLetter(e producer.DeadLetterEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deadLetters = append(r.deadLetters, e)
}

// events returns copies of the events so far.
func (r *recorder) events() ([]producer.ProduceEvent, []producer.DeadLetterEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.produced), slices.Clone(r.deadLetters)
}

// nopHook implements every producer hook and does nothing.
type nopHook struct{}

func (nopHook) OnProduce(producer.ProduceEvent)       {}
func (nopHook) OnDeadLetter(producer.DeadLetterEvent) {}
