package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestBadInput sends a catalogue of hostile and malformed requests to every
// HTTP endpoint of a running `banx serve` (real SQLite, embedded IPFS store,
// embedded ledger) and runs every CLI command with bad arguments. Each is
// refused with a 4xx (or a non-zero exit) and a specific reason, and the
// database is byte-for-byte the same afterwards: every refusal happens before
// anything is written. Writes that bad input causes by design are checked
// apart, table by table (see byDesign). With -v every refusal is logged.
func TestBadInput(t *testing.T) {
	f := newBadInputFixture(t)
	before := dbDump(t, f.srv.dataDir)

	slow := f.startSlowClients(t) // run alongside the catalogue: they take the header timeout
	t.Run("HTTP", func(t *testing.T) {
		for _, tc := range httpCatalogue(f) {
			t.Run(tc.name, func(t *testing.T) { f.check(t, tc) })
		}
	})
	t.Run("CLI", func(t *testing.T) {
		for _, tc := range cliCatalogue(t, f) {
			t.Run(tc.name, func(t *testing.T) { f.checkCLI(t, tc) })
		}
	})
	t.Run("SlowClients", slow)

	if after := dbDump(t, f.srv.dataDir); after != before {
		t.Fatalf("the bad-input catalogue changed the database:\n%s", dumpDiff(before, after))
	}
	t.Run("ByDesign", func(t *testing.T) { f.byDesign(t) })
}

// httpCase is one hostile request and the refusal it must get: the status,
// the error code of the JSON body (empty for HTML pages, whose body must
// contain reason instead) and a fragment of the message.
type httpCase struct {
	name   string
	req    request
	status int
	code   string
	reason string
}

func (f *badInputFixture) check(t *testing.T, tc httpCase) {
	code, body, hdr := f.send(t, tc.req)
	if code != tc.status {
		t.Fatalf("%s %.80q: status %d, want %d\nbody: %s", tc.req.method, tc.req.path, code, tc.status, pageText(body))
	}
	if hdr.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
	if tc.req.method == "HEAD" {
		return // no body to read the reason from
	}
	if tc.code == "" {
		if testing.Verbose() {
			t.Logf("%d %s", code, pageText(body))
		}
		if !strings.Contains(string(body), tc.reason) {
			t.Fatalf("page does not say %q:\n%s", tc.reason, pageText(body))
		}
		return
	}
	var e apiError
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("not an error body (%v): %.400s", err, body)
	}
	if testing.Verbose() {
		t.Logf("%d %s", code, e)
	}
	if e.Error.Code != tc.code || !strings.Contains(e.Error.Message, tc.reason) {
		t.Fatalf("got %s, want %s containing %q", e, tc.code, tc.reason)
	}
	if e.Error.RequestID != hdr.Get("X-Request-Id") {
		t.Errorf("request_id %q, header %q", e.Error.RequestID, hdr.Get("X-Request-Id"))
	}
}

// pageText is the visible text of an HTML page's main element, for messages.
func pageText(body []byte) string {
	s := string(body)
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	if i := strings.Index(s, "</main>"); i >= 0 {
		s = s[:i]
	}
	return s
}
