package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/srkit-go/srkit/examples/internal/exampleenv"
	"github.com/srkit-go/srkit/internal/kafkatest"
	"github.com/srkit-go/srkit/registry"
)

func orderJSON(customer string, qty int) string {
	return fmt.Sprintf(`{"customer":%q,"currency":"EUR","items":[{"sku":"BOOK-1","quantity":%d,"price_cents":1250},{"sku":"PEN-2","quantity":1,"price_cents":199}]}`, customer, qty)
}

func post(t *testing.T, url, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("POST %s: undecodable answer: %v", url, err)
	}
	return resp.StatusCode, m
}

func get(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// The service, run as main runs it, over HTTP against in-process Kafka and
// the mock registry: orders are accepted without waiting, processed by the
// background consumer, health is reported, and a cancelled context shuts
// it all down cleanly.
func TestServiceOverHTTP(t *testing.T) {
	svc := startService(t)
	base, logs := svc.base, svc.logs

	// Bad requests never reach Kafka.
	for body, want := range map[string]string{
		`{"customer":`: "invalid JSON",
		`{"customer":"","currency":"XXX","items":[]}`:                                "customer is required",
		`{"customer":"a","currency":"EUR","items":[{"sku":"","quantity":0}]}`:        "item 0 needs a sku",
		`{"customer":"a","currency":"EUR","items":[{"sku":"x","quantity":1}],"x":1}`: "unknown field",
	} {
		code, m := post(t, base+"/orders", body)
		if code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(m["error"]), want) {
			t.Errorf("POST %s: %d %v, want 400 with %q", body, code, m, want)
		}
	}

	// Orders from many clients at once, without waiting for Kafka...
	const n = 40
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, m := post(t, base+"/orders", orderJSON(fmt.Sprint("customer-", i), i+1))
			if code != http.StatusAccepted {
				t.Errorf("order %d: %d %v", i, code, m)
				return
			}
			ids[i], _ = m["id"].(string)
		}()
	}
	wg.Wait()
	// ... and one that waits for the acknowledgement.
	code, m := post(t, base+"/orders?wait=true", orderJSON("patient", 3))
	if code != http.StatusCreated || m["offset"] == nil || m["partition"] == nil {
		t.Fatalf("POST ?wait=true: %d %v", code, m)
	}
	ids = append(ids, m["id"].(string))

	// The background consumer processes every one of them.
	deadline := time.Now().Add(30 * time.Second)
	for i, id := range ids {
		for {
			code, m := get(t, base+"/orders/"+id)
			if code == http.StatusOK {
				ev := m["event"].(map[string]any)
				qty := float64(i + 1)
				if i == n {
					qty = 3
				}
				if ev["order_id"] != id || ev["total_cents"] != qty*1250+199 {
					t.Fatalf("order %s processed as %v", id, m)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("order %d (%s) not processed in time: %d %v", i, id, code, m)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	code, m = get(t, base+"/healthz")
	if code != http.StatusOK || m["kafka"] != "ok" || m["schema_registry"] != "ok" || m["consumer_lag"] == nil {
		t.Fatalf("healthz: %d %v", code, m)
	}
	if ev := m["events"].(map[string]any); ev["accepted"] != float64(n+1) || ev["delivered"] != float64(n+1) {
		t.Fatalf("healthz events %v", ev)
	}

	svc.stop(t) // SIGINT
	if !strings.Contains(logs.String(), "stopped") {
		t.Fatalf("log lacks the shutdown:\n%s", logs.String())
	}
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("service not healthy in time: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Shutting down right after accepting orders still delivers every accepted
// event, and the processor leaves its group having committed its work.
func TestShutdownDeliversAcceptedEvents(t *testing.T) {
	env, err := exampleenv.Start(exampleenv.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	ctx := context.Background()
	if err := env.CreateTopic(ctx, "orders", 3); err != nil {
		t.Fatal(err)
	}
	a, err := newApp(appConfig{Topic: "orders", Group: "processor"}, env.KafkaOpts(), env.Registry, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	a.start()
	srv := httptest.NewServer(a.handler())
	const n = 200
	for i := range n {
		if code, m := post(t, srv.URL+"/orders", orderJSON("c", 1+i%5)); code != http.StatusAccepted {
			t.Fatalf("order %d: %d %v", i, code, m)
		}
	}
	srv.Close()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := a.shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	if a.accepted.Load() != n || a.delivered.Load() != n || a.failed.Load() != 0 {
		t.Fatalf("accepted %d, delivered %d, failed %d", a.accepted.Load(), a.delivered.Load(), a.failed.Load())
	}
	// Every accepted event is in the topic.
	cl, err := env.NewClient(kgo.ConsumeTopics("orders"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	got := 0
	rctx, rcancel := context.WithTimeout(ctx, 30*time.Second)
	defer rcancel()
	for got < n && rctx.Err() == nil {
		got += len(cl.PollFetches(rctx).Records())
	}
	if got != n {
		t.Fatalf("%d of %d accepted events in the topic", got, n)
	}
	// The processor left the group.
	described, err := kadm.NewClient(cl).DescribeGroups(ctx, "processor")
	if err != nil {
		t.Fatal(err)
	}
	if g := described["processor"]; len(g.Members) != 0 {
		t.Fatalf("the processor is still in its group: %v", g.Members)
	}
}

// The health endpoint says which dependency is down.
func TestHealthReportsUnreachableRegistry(t *testing.T) {
	env, err := exampleenv.Start(exampleenv.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	// A registry nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + ln.Addr().String()
	ln.Close()
	dead, err := registry.New(registry.URLs(deadURL), registry.Retries(0, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(appConfig{Topic: "orders", Group: "processor"}, env.KafkaOpts(), dead, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	srv := httptest.NewServer(a.handler())
	defer srv.Close()
	code, m := get(t, srv.URL+"/healthz")
	if code != http.StatusServiceUnavailable || m["kafka"] != "ok" || !strings.HasPrefix(fmt.Sprint(m["schema_registry"]), "unreachable") {
		t.Fatalf("healthz: %d %v", code, m)
	}
	// An order cannot be produced without the registry: 503, not 202.
	if code, m := post(t, srv.URL+"/orders", orderJSON("c", 1)); code != http.StatusServiceUnavailable {
		t.Fatalf("POST with the registry down: %d %v", code, m)
	}
}

// The health endpoint says when the brokers cannot be reached.
func TestHealthReportsUnreachableKafka(t *testing.T) {
	env, err := exampleenv.Start(exampleenv.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	// Brokers nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	a, err := newApp(appConfig{Topic: "orders", Group: "processor"}, []kgo.Opt{kgo.SeedBrokers(dead)}, env.Registry, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	srv := httptest.NewServer(a.handler())
	defer srv.Close()
	code, m := get(t, srv.URL+"/healthz")
	if code != http.StatusServiceUnavailable || !strings.HasPrefix(fmt.Sprint(m["kafka"]), "unreachable") || m["schema_registry"] != "ok" {
		t.Fatalf("healthz: %d %v", code, m)
	}
}

// A background consumer that stopped on a record it cannot process makes
// the service unhealthy, naming the record.
func TestHealthReportsStoppedConsumer(t *testing.T) {
	env, err := exampleenv.Start(exampleenv.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := env.CreateTopic(ctx, "orders", 1); err != nil {
		t.Fatal(err)
	}
	cl, err := env.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "orders", Value: []byte("not an OrderPlaced event")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	a, err := newApp(appConfig{Topic: "orders", Group: "processor"}, env.KafkaOpts(), env.Registry, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	a.start()
	srv := httptest.NewServer(a.handler())
	defer srv.Close()
	for {
		code, m := get(t, srv.URL+"/healthz")
		if code == http.StatusServiceUnavailable {
			if m["kafka"] != "ok" || m["schema_registry"] != "ok" || !strings.Contains(fmt.Sprint(m["consumer"]), `stopped: consumer: topic "orders" partition 0 offset 0`) {
				t.Fatalf("healthz: %d %v", code, m)
			}
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("healthz still %d %v with a poison record in the topic", code, m)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := a.shutdown(ctx); err == nil || !strings.Contains(err.Error(), "offset 0") {
		t.Fatalf("shutdown: %v, want the consumer's error", err)
	}
}

// service is the service run as main runs it (see run), on a local port,
// against in-process Kafka and the mock registry.
type service struct {
	base   string // http://host:port
	logs   *kafkatest.SyncBuffer
	cancel context.CancelFunc
	done   chan error
}

// startService runs the service until the test ends or stop is called,
// and waits until it reports healthy.
func startService(t *testing.T) *service {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	svc := &service{base: "http://" + ln.Addr().String(), logs: new(kafkatest.SyncBuffer), cancel: cancel, done: make(chan error, 1)}
	go func() {
		svc.done <- run(ctx, exampleenv.Config{}, appConfig{Topic: "orders", Group: "processor"}, ln, svc.logs)
	}()
	waitHealthy(t, svc.base)
	return svc
}

// stop cancels the service's context (SIGINT) and waits for a graceful
// shutdown.
func (svc *service) stop(t *testing.T) {
	t.Helper()
	svc.cancel()
	select {
	case err := <-svc.done:
		if err != nil {
			t.Fatalf("run: %v\n%s", err, svc.logs.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no graceful shutdown within a minute")
	}
}
