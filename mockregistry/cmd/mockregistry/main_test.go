package main

import (
	"bytes"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/srkit-go/srkit/mockregistry"
)

func TestLogRequests(t *testing.T) {
	reg, err := mockregistry.New()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	h := logRequests(log.New(&buf, "", 0), reg.Handler())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/subjects/nope/versions", nil))
	if rec.Code != 404 {
		t.Fatalf("status %d", rec.Code)
	}
	if line := buf.String(); !strings.HasPrefix(line, "GET /subjects/nope/versions 404 ") || strings.Count(line, "\n") != 1 {
		t.Fatalf("log %q", line)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-basic-auth", "nocolon"},
		{"-compatibility", "SOMETIMES"},
		{"-addr", "256.0.0.1:bad"},
		{"-nosuchflag"},
	} {
		if err := run(args); err == nil {
			t.Errorf("run(%q) accepted", args)
		}
	}
}
