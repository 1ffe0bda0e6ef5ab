package producer

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// How an async record is handed to kgo. kgo takes two contexts: the one
// given to Produce, which bounds its wait for buffer space, and the
// record's own (kgo.Record.Context, which plugins such as kotel derive
// their contexts from); once the record is buffered, either one ending
// fails it, with the records queued behind it in its partition.
// ProduceAsync promises that the caller's context bounds the wait for
// buffer space and nothing after it, so neither context kgo gets can be
// the caller's, and both are standard contexts, whose Done and Err keep
// the context contract whenever kgo or a plugin calls them:
//
//   - the record's context is context.WithoutCancel(caller): the caller's
//     values (trace spans travel with the record), and it never ends;
//   - Produce gets the wait context, a context.WithCancel of the
//     producer's own that only the watcher (callerDone) cancels.
//
// A context once cancelled stays cancelled, and kgo does not say when a
// blocked Produce has got its space: a wait context cancelled just as kgo
// buffers the record would fail it, and the records queued behind it,
// later. So the producer waits for buffer space itself, where the caller's
// context can end the wait at any moment: the records of one producer go
// through a gate, one at a time, and the one holding it calls Produce only
// once kgo has room for it (BufferedProduceRecords / BufferedProduceBytes
// against the client's limits), waking when one of the producer's records
// completes or every roomPoll (for room that other users of the client
// free). Then Produce does not block, unless another user of the client
// takes the room first: for that case the watcher cancels the wait
// context if Produce is still running handoffGrace after the caller's
// context ended and kgo's buffer is full: the caller's context bounds that
// wait within handoffGrace.
//
// A wait context that was never cancelled is kept with the pending record
// for its next use, so the steady state allocates the WithoutCancel
// wrapper and context.AfterFunc's registration, nothing else.
type handoff struct {
	wait   context.Context    // given to kgo.Produce (nil until first use)
	cancel context.CancelFunc // wait's
	caller context.Context    // the caller's, while the record is in flight
	state  atomic.Int32       // handing, handed or cancelled
	size   int64              // the record's size as kgo counts it against MaxBufferedBytes
	watch  func()             // the pending record's callerDone (nil until first use)
}

// States of a hand-off.
const (
	handing   = iota // kgo.Produce may still be waiting for buffer space
	handed           // the record is kgo's; the caller's context no longer matters
	cancelled        // the caller's context ended while kgo waited: wait is cancelled
)

const (
	// roomPoll is how often a record waiting for buffer space checks for
	// room that no record of its producer freed.
	roomPoll = time.Millisecond
	// handoffGrace is how long after the caller's context ended a Produce
	// still running (with kgo's buffer full) is taken to be waiting for
	// buffer space another user of the client took (see handoff). Produce
	// takes microseconds when it does not wait: the grace is long enough
	// that a scheduling stall is not taken for a wait, which would fail a
	// record kgo has buffered.
	handoffGrace = 100 * time.Millisecond
)

// gate is the producer's side of the hand-off (see handoff).
type gate struct {
	turn    chan struct{} // capacity 1: held by the record being handed over
	room    chan struct{} // capacity 1: a record completed while one waited for room
	waiting atomic.Bool   // the gate's holder waits for room
	// The client's kgo.MaxBufferedRecords and kgo.MaxBufferedBytes (0: no
	// limit).
	maxRecords, maxBytes int64
}

func (g *gate) init(cl *kgo.Client) {
	g.turn, g.room = make(chan struct{}, 1), make(chan struct{}, 1)
	g.maxRecords, _ = cl.OptValue(kgo.MaxBufferedRecords).(int64)
	g.maxBytes, _ = cl.OptValue(kgo.MaxBufferedBytes).(int64)
}

// freed tells a record waiting for room that a record completed.
func (g *gate) freed() {
	if g.waiting.Load() {
		select {
		case g.room <- struct{}{}:
		default:
		}
	}
}

// full reports whether kgo's buffer has no room for a record of size
// bytes (or records are already waiting for room), so that Produce would
// block. A record larger than the whole buffer never fits: kgo fails it
// at once (kerr.MessageTooLarge), so it does not wait.
func (g *gate) full(cl *kgo.Client, size int64) bool {
	if cl.BufferedProduceRecords() >= g.maxRecords {
		return true
	}
	return g.maxBytes > 0 && size <= g.maxBytes && cl.BufferedProduceBytes()+size > g.maxBytes
}

// hand gives an async record to the client (see handoff).
func (p *Producer[K, V]) hand(ctx context.Context, pd *pending[K, V]) {
	if ctx.Done() == nil {
		// A context that never ends bounds nothing: give it as it is.
		p.cl.Produce(ctx, &pd.rec, p.promise)
		return
	}
	h := &pd.x.handoff
	h.caller = ctx
	pd.rec.Context = context.WithoutCancel(ctx)
	if p.gate.maxBytes > 0 {
		h.size = recordSize(&pd.rec)
	}
	if !p.awaitRoom(ctx, h.size) {
		p.abandon(pd, context.Cause(ctx))
		return
	}
	if h.wait == nil {
		h.wait, h.cancel = context.WithCancel(context.Background())
	}
	if h.watch == nil {
		h.watch = pd.callerDone // a method value allocates: once per pending record
	}
	h.state.Store(handing)
	// kgo, this call and the watcher of ctx hold pd: the promise may run
	// before Produce returns (a record failed before buffering), and the
	// watcher may run at any time until stopped; pd must not be recycled
	// while either still touches it.
	pd.holders.Store(3)
	pd.watched = true
	stop := context.AfterFunc(ctx, h.watch)
	p.cl.Produce(h.wait, &pd.rec, p.promise)
	h.state.CompareAndSwap(handing, handed)
	<-p.gate.turn
	if stop() {
		p.drop(pd) // the watcher will never run
	}
	p.drop(pd)
}

// awaitRoom takes the gate and waits until kgo has room for a record of
// size bytes, or ctx is done (then it reports false and does not hold the
// gate).
func (p *Producer[K, V]) awaitRoom(ctx context.Context, size int64) bool {
	if ctx.Err() != nil {
		return false
	}
	g := &p.gate
	select {
	case g.turn <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	if !g.full(p.cl, size) {
		return true
	}
	g.waiting.Store(true)
	defer g.waiting.Store(false)
	t := time.NewTimer(roomPoll)
	defer t.Stop()
	for {
		select {
		case <-g.room:
		case <-t.C:
		case <-ctx.Done():
			<-g.turn
			return false
		}
		if !g.full(p.cl, size) {
			return true
		}
		t.Reset(roomPoll)
	}
}

// abandon reports an async record whose caller's context ended before it
// could be handed over: nothing is sent. The callback runs on a goroutine
// of its own, as it must not run on the caller's (which may hold what the
// callback needs).
func (p *Producer[K, V]) abandon(pd *pending[K, V], err error) {
	pd.rec.Partition, pd.rec.Offset = -1, -1
	go pd.finish(&pd.rec, err)
}

// callerDone runs when the caller's context of an async record ends while
// Produce runs: it cancels the wait for buffer space if Produce is still
// waiting for it (see handoff), and does nothing once kgo has the record.
func (pd *pending[K, V]) callerDone() {
	defer pd.p.drop(pd)
	h := &pd.x.handoff
	for h.state.Load() == handing {
		time.Sleep(handoffGrace)
		if pd.p.gate.full(pd.p.cl, h.size) && h.state.CompareAndSwap(handing, cancelled) {
			h.cancel()
			return
		}
	}
}

// recordSize is r's size as kgo counts it against kgo.MaxBufferedBytes.
func recordSize(r *kgo.Record) int64 {
	n := len(r.Key) + len(r.Value)
	for _, h := range r.Headers {
		n += len(h.Key) + len(h.Value)
	}
	return int64(n)
}

// cause reports a record that failed because the caller's context ended
// while kgo waited for buffer space with that context's own error
// (context.DeadlineExceeded, a cause), not the context.Canceled of the
// wait context.
func (h *handoff) cause(err error) error {
	if err != nil && h.state.Load() == cancelled && errors.Is(err, context.Canceled) {
		return context.Cause(h.caller)
	}
	return err
}

// reset clears h for the pending record's next use, keeping a wait
// context that was never cancelled.
func (h *handoff) reset() {
	if h.state.Load() == cancelled {
		h.wait, h.cancel = nil, nil
	}
	h.state.Store(handing)
	h.caller, h.size = nil, 0
}
