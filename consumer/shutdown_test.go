package consumer_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/consumer"
)

// Cancelling Run's context finishes the in-flight record (whose context
// stays alive), starts no other, commits exactly what was handled and
// leaves the group.
func TestGracefulShutdown(t *testing.T) {
	e := newEnv(t)
	if err := e.CreateTopic("orders", 1); err != nil {
		t.Fatal(err)
	}
	e.produceOrders(t, "orders", 0, 50)
	cl := e.groupClient(t, "g", []string{"orders"}, consumer.GroupOptions()...)
	ctx, cancel := testContext(t)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	col := newCollector(t, 50, nil)
	c := newConsumer(t, e, cl)
	err := c.Run(runCtx, func(hctx context.Context, r consumer.Record[string, order]) error {
		if r.Value.ID == 10 {
			stop() // a signal arrives while record 10 is being handled
			if hctx.Err() != nil {
				t.Error("the in-flight record's context was cancelled at once")
			}
		}
		return col.handle(hctx, r)
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if col.count() != 11 {
		t.Fatalf("handled %d records, want 11 (0..10): the in-flight one finishes, no new one starts", col.count())
	}
	lag := lagOf(t, e, "g", "orders", 39)
	if lag[0].Committed != 11 {
		t.Fatalf("committed %d, want 11", lag[0].Committed)
	}
	// The member left: the group has no members.
	described, err := kadm.NewClient(e.KafkaClient(t)).DescribeGroups(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	if g := described["g"]; len(g.Members) != 0 {
		t.Fatalf("group still has members after shutdown: %+v", g.Members)
	}
}

var errCrash = errors.New("simulated crash")

// A consumer killed in the middle of a batch, without committing its
// in-flight records, loses nothing: a new member of the group resumes at
// the last commit, processing some records a second time.
func TestKilledMidBatchLosesNothing(t *testing.T) {
	for _, mode := range []struct {
		name string
		opts []kgo.Opt
	}{
		{"marks", consumer.GroupOptions()},
		{"manual", []kgo.Opt{kgo.DisableAutoCommit()}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			e := newEnv(t, "orders")
			const n, crashAt = 600, 220
			e.produceOrders(t, "orders", 0, n)
			ctx, cancel := testContext(t)
			defer cancel()

			// Member A: dies in its 221st record, in the middle of its fifth batch.
			clA := e.groupClient(t, "g", []string{"orders"}, mode.opts...)
			a := newConsumer(t, e, clA, consumer.MaxPollRecords(50))
			colA := newCollector(t, n, nil)
			crashed, release := make(chan struct{}), make(chan struct{})
			var runErr error
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				runErr = a.Run(ctx, func(ctx context.Context, r consumer.Record[string, order]) error {
					if colA.count() == crashAt {
						close(crashed)
						<-release
						return errCrash
					}
					return colA.handle(ctx, r)
				})
			}()
			<-crashed
			// The process dies: its connection goes away with no final
			// commit for the batch in flight.
			clA.CloseAllowingRebalance()
			close(release)
			wg.Wait()
			if runErr == nil {
				t.Fatal("the killed consumer's Run returned nil")
			}

			// Member B takes over.
			clB := e.groupClient(t, "g", []string{"orders"}, mode.opts...)
			b := newConsumer(t, e, clB)
			missing := map[int]bool{}
			colA.mu.Lock()
			for i := range n {
				if colA.seen[i] == 0 {
					missing[i] = true
				}
			}
			colA.mu.Unlock()
			runCtx, stop := context.WithCancel(ctx)
			defer stop()
			colB := newCollector(t, n, nil)
			err := b.Run(runCtx, func(ctx context.Context, r consumer.Record[string, order]) error {
				if err := colB.handle(ctx, r); err != nil {
					return err
				}
				colB.mu.Lock()
				delete(missing, r.Value.ID)
				done := len(missing) == 0
				colB.mu.Unlock()
				if done {
					stop()
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			dupes := 0
			colA.mu.Lock()
			colB.mu.Lock()
			for id := range colB.seen {
				if colA.seen[id] > 0 {
					dupes++
				}
			}
			if len(colA.seen)+len(colB.seen)-dupes != n {
				t.Fatalf("A saw %d, B saw %d, %d seen by both: records lost", len(colA.seen), len(colB.seen), dupes)
			}
			colB.mu.Unlock()
			colA.mu.Unlock()
			t.Logf("A handled %d, B handled %d, %d processed twice, none lost", colA.count(), colB.count(), dupes)
			// Committed batches are not redone: at most one uncommitted
			// batch per partition (A's autocommit interval covers the
			// rest in marks mode).
			if dupes == 0 || dupes > 3*50 {
				t.Fatalf("%d records processed twice, want the handled part of the batch in flight (1 to 150)", dupes)
			}
			lagOf(t, e, "g", "orders", 0)
		})
	}
}

// Two members of one group: the second joins while the first is consuming
// (a rebalance moves partitions to it), then the first leaves (another
// rebalance); every record is processed. Without kgo.BlockRebalanceOnPoll
// the rebalances revoke partitions in the middle of batches.
func TestRebalanceLosesNothing(t *testing.T) {
	for _, mode := range []struct {
		name string
		opts []kgo.Opt
	}{
		{"recommended", consumer.GroupOptions()},
		{"marks without blocking rebalances", []kgo.Opt{kgo.AutoCommitMarks()}},
		{"manual without blocking rebalances", []kgo.Opt{kgo.DisableAutoCommit()}},
	} {
		t.Run(mode.name, func(t *testing.T) { rebalanceLosesNothing(t, mode.opts) })
	}
}

func rebalanceLosesNothing(t *testing.T, opts []kgo.Opt) {
	e := newEnv(t, "orders")
	const n = 900
	e.produceOrders(t, "orders", 0, n)
	ctx, cancel := testContext(t)
	defer cancel()

	var mu sync.Mutex
	seen := map[int]int{}
	perMember := map[string]int{}
	all := make(chan struct{})
	recs := map[string]*recorder{"first": new(recorder), "second": new(recorder)}
	handledBy := map[string]int{}
	run := func(name string, started chan<- struct{}, leaveAfter int) error {
		cl := e.groupClient(t, "g", []string{"orders"}, opts...)
		c := newConsumer(t, e, cl, consumer.MaxPollRecords(10), consumer.WithHooks(recs[name]))
		runCtx, stop := context.WithCancel(ctx)
		defer stop()
		go func() {
			select {
			case <-all:
				stop()
			case <-runCtx.Done():
			}
		}()
		handled := 0
		return c.Run(runCtx, func(ctx context.Context, r consumer.Record[string, order]) error {
			handled++
			if handled == 50 && started != nil {
				close(started)
			}
			if handled == leaveAfter {
				stop()
			}
			mu.Lock()
			defer mu.Unlock()
			seen[r.Value.ID]++
			perMember[name]++
			handledBy[name]++
			if len(seen) == n {
				select {
				case <-all:
				default:
					close(all)
				}
			}
			return nil
		})
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	started := make(chan struct{})
	wg.Add(2)
	go func() { defer wg.Done(); errs[0] = run("first", started, 400) }()
	go func() {
		defer wg.Done()
		select {
		case <-started:
		case <-all:
		}
		errs[1] = run("second", nil, -1)
	}()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("member %d: %v", i, err)
		}
	}
	if len(seen) != n {
		t.Fatalf("%d of %d records processed", len(seen), n)
	}
	dupes := 0
	for _, k := range seen {
		dupes += k - 1
	}
	t.Logf("processed per member %v, %d twice, none lost", perMember, dupes)
	// Through the rebalances, each handler call is reported once, as
	// handled, and the member that left reported its final commit.
	for name, rec := range recs {
		if o := rec.outcomes(); o[consumer.Handled] != handledBy[name] || len(o) > 1 {
			t.Errorf("member %s: outcomes %v, handler called %d times", name, o, handledBy[name])
		}
	}
	if len(recs["first"].commits) == 0 {
		t.Error("the member that left reported no commit")
	}
}
