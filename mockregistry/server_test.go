package mockregistry

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// cutOffWithin is how long a test waits for the server to close a
// connection that a configured timeout of a few hundred milliseconds should
// close: generous, so that a loaded machine does not fail the test, and far
// below what the slow clients below would take to finish.
const cutOffWithin = 10 * time.Second

// dial opens a raw connection to srv.
func dial(t *testing.T, srv *Server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(srv.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// drip writes s one byte at a time, every interval, until it is written or
// a write fails (the server closed the connection).
func drip(c net.Conn, s string, interval time.Duration) {
	for i := range len(s) {
		if _, err := c.Write([]byte{s[i]}); err != nil {
			return
		}
		time.Sleep(interval)
	}
}

// waitClosed reads c until the server closes it and returns what it read;
// it fails t when c stays open for cutOffWithin.
func waitClosed(t *testing.T, c net.Conn) string {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(cutOffWithin))
	got, err := io.ReadAll(c)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("connection still open after %v (read %q)", cutOffWithin, got)
	}
	return string(got)
}

// A client that sends its body one byte every 20ms (a 1000-byte body would
// take 20s) is cut off at the read timeout and never served.
func TestServerCutsSlowBody(t *testing.T) {
	srv := StartServer(t, WithLimits(Limits{ReadTimeout: 300 * time.Millisecond}))
	c := dial(t, srv)
	head := "POST /subjects/s/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	go drip(c, `{"schema":"`+strings.Repeat("x", 1000), 20*time.Millisecond)
	got := waitClosed(t, c)
	if strings.HasPrefix(got, "HTTP/1.1 200") {
		t.Fatalf("slow request served: %q", got)
	}
}

// A client that sends its headers one byte every 20ms is cut off at the
// read-header timeout.
func TestServerCutsSlowHeaders(t *testing.T) {
	srv := StartServer(t, WithLimits(Limits{ReadHeaderTimeout: 300 * time.Millisecond}))
	c := dial(t, srv)
	go drip(c, "GET /subjects HTTP/1.1\r\nHost: x\r\nX-Slow: "+strings.Repeat("y", 1000), 20*time.Millisecond)
	if got := waitClosed(t, c); strings.HasPrefix(got, "HTTP/1.1 200") {
		t.Fatalf("slow request served: %q", got)
	}
}

// An idle keep-alive connection is closed at the idle timeout.
func TestServerClosesIdleConnections(t *testing.T) {
	srv := StartServer(t, WithLimits(Limits{IdleTimeout: 300 * time.Millisecond}))
	c := dial(t, srv)
	br := bufio.NewReader(c)
	get(t, c, br)
	_ = c.SetReadDeadline(time.Now().Add(cutOffWithin))
	if _, err := br.ReadByte(); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("idle connection still open after %v", cutOffWithin)
	}
}

// get sends GET / on c and reads the answer, which must be a 200.
func get(t *testing.T, c net.Conn, br *bufio.Reader) {
	t.Helper()
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(cutOffWithin))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /: %d", resp.StatusCode)
	}
}

// Beyond MaxConns, a connection waits until a served one closes.
func TestServerConnectionCap(t *testing.T) {
	srv := StartServer(t, WithLimits(Limits{MaxConns: 2}))
	// Two connections that have been served, kept alive.
	c1, c2 := dial(t, srv), dial(t, srv)
	get(t, c1, bufio.NewReader(c1))
	get(t, c2, bufio.NewReader(c2))
	// A third is not served while they are open...
	c3 := dial(t, srv)
	if _, err := io.WriteString(c3, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br3 := bufio.NewReader(c3)
	_ = c3.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := br3.ReadByte(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("third connection served over a cap of 2 (read err %v)", err)
	}
	// ...and is once one of them closes.
	c1.Close()
	_ = c3.SetReadDeadline(time.Now().Add(cutOffWithin))
	resp, err := http.ReadResponse(br3, nil)
	if err != nil {
		t.Fatalf("third connection after one closed: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("third connection: %d", resp.StatusCode)
	}
}

// Close returns even when a client holds a connection open mid-request.
func TestServerCloseWithStuckClient(t *testing.T) {
	srv, err := NewServer(WithLimits(Limits{ReadTimeout: -1, ReadHeaderTimeout: -1}))
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, srv)
	if _, err := io.WriteString(c, "POST /subjects/s/versions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	c2 := dial(t, srv)
	get(t, c2, bufio.NewReader(c2)) // the server is up and has taken c
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(closeGrace + cutOffWithin):
		t.Fatal("Close hangs on a stuck client")
	}
	srv.Close() // twice is fine
}

func TestRequestBodyCap(t *testing.T) {
	r := newTest(t, WithLimits(Limits{MaxRequestBytes: 64}))
	big := body(strings.Repeat(" ", 40) + `"int"` + strings.Repeat(" ", 40))
	want := `{"error_code":413,"message":"Request body is larger than 64 bytes (mockregistry.Limits.MaxRequestBytes)"}`
	// A declared length over the cap.
	if st, b := call(r.Handler(), "POST", "/subjects/s/versions", big, nil); st != 413 || b != want {
		t.Fatalf("declared: %d %s", st, b)
	}
	// A chunked body that grows over it.
	req, _ := http.NewRequest("POST", "/subjects/s/versions", strings.NewReader(big))
	req.ContentLength = -1
	req.RequestURI = req.URL.RequestURI()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, req)
	if rec.Code != 413 || rec.Body.String() != want {
		t.Fatalf("chunked: %d %s", rec.Code, rec.Body.String())
	}
	// Under the cap, served.
	if st, b := call(r.Handler(), "POST", "/subjects/s/versions", body(`"int"`), nil); st != 200 {
		t.Fatalf("small: %d %s", st, b)
	}
	// No cap.
	r = newTest(t, WithLimits(Limits{MaxRequestBytes: -1}))
	if st, b := call(r.Handler(), "POST", "/subjects/s/versions", body(strings.Repeat(" ", DefaultMaxRequestBytes)+`"int"`), nil); st != 200 {
		t.Fatalf("uncapped: %d %s", st, b)
	}
}

func TestLimitsDefaults(t *testing.T) {
	got := Limits{}.withDefaults()
	want := Limits{DefaultMaxRequestBytes, DefaultReadHeaderTimeout, DefaultReadTimeout, DefaultWriteTimeout, DefaultIdleTimeout, DefaultMaxConns}
	if got != want {
		t.Fatalf("zero Limits = %+v, want %+v", got, want)
	}
	if got := (Limits{-1, -1, -1, -1, -1, -1}).withDefaults(); got != (Limits{}) {
		t.Fatalf("negative Limits = %+v, want no limits", got)
	}
	if got := (Limits{MaxConns: 3, ReadTimeout: time.Second}).withDefaults(); got.MaxConns != 3 || got.ReadTimeout != time.Second {
		t.Fatalf("set Limits changed: %+v", got)
	}
}
