//go:build linux

package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"
)

// healthJSON is /healthz as the fault tests read it.
type healthJSON struct {
	Status   string          `json:"status"`
	Store    componentJSON   `json:"store"`
	Database componentJSON   `json:"database"`
	Ledger   componentJSON   `json:"ledger"`
	Disk     *componentJSON  `json:"disk"`
	code     int             // the HTTP status
	raw      json.RawMessage // for failure messages
}

type componentJSON struct {
	Kind, Status, Error string
}

func getHealth(t *testing.T, base string) healthJSON {
	t.Helper()
	r, err := faultCall(context.Background(), base, "GET", "/healthz", "", nil, nil)
	if err != nil {
		t.Fatalf("/healthz: %v", err)
	}
	var h healthJSON
	if err := json.Unmarshal(r.body, &h); err != nil {
		t.Fatalf("/healthz answered %s", r)
	}
	h.code, h.raw = r.status, r.body
	return h
}

// waitHealth polls /healthz until ok (200, every entry ok) or not, as
// wanted, and returns that report.
func waitHealth(t *testing.T, base string, ok bool, timeout time.Duration) healthJSON {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		h := getHealth(t, base)
		if (h.code == http.StatusOK) == ok {
			if ok && (h.Status != "ok" || h.Store.Status != "ok" || h.Database.Status != "ok" || h.Ledger.Status != "ok" ||
				(h.Disk != nil && h.Disk.Status != "ok")) {
				t.Fatalf("/healthz is 200 but not all ok: %s", h.raw)
			}
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz still %d after %s: %s", h.code, timeout, h.raw)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// expectUnavailable asserts a clear 503: code "unavailable" and a message
// that names what is down (any of names, case-insensitively).
func expectUnavailable(t *testing.T, what string, r faultReply, err error, names ...string) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v (the server must answer, not drop the request)", what, err)
		return
	}
	if r.status != http.StatusServiceUnavailable || r.errorCode() != "unavailable" || !mentions(r.errorMessage(), names...) {
		t.Errorf("%s: got %s, want 503 unavailable naming %v", what, r, names)
		return
	}
	t.Logf("%s: 503 %q", what, r.errorMessage())
}

// mentions reports whether s names any of names, case-insensitively.
func mentions(s string, names ...string) bool {
	for _, n := range names {
		if strings.Contains(strings.ToLower(s), strings.ToLower(n)) {
			return true
		}
	}
	return false
}

// faultStack is a `banx serve` on its own ledger process (optionally behind
// a proxy), with batch anchoring on and one signed-in, funded author.
type faultStack struct {
	ledger *faultLedger
	node   *faultNode
	w      *wallet.Wallet
	token  string
}

// startFaultStack starts the ledger and banx on dataDir (a temp dir when
// empty); ledgerURL, when not empty, is where banx reaches the ledger (a
// proxy in front of it).
func startFaultStack(t *testing.T, dataDir string, proxyFor func(ledgerURL string) string, environ map[string]string) *faultStack {
	t.Helper()
	s := &faultStack{ledger: startFaultLedger(t)}
	url := s.ledger.url
	if proxyFor != nil {
		url = proxyFor(url)
	}
	env := map[string]string{"BANX_ANCHOR_SEED": faultFund(t, s.ledger.url).Seed, "BANX_BATCH_INTERVAL": "500ms"}
	for k, v := range environ {
		env[k] = v
	}
	s.node = newFaultNode(t, dataDir, url, env)
	s.node.start()
	s.w = faultFund(t, s.ledger.url)
	tok, err := faultSignIn(context.Background(), s.node.url, s.w)
	if err != nil {
		t.Fatal(err)
	}
	s.token = tok
	return s
}

// draft stores a new article as a draft and fails the test unless it is 201.
func (s *faultStack) draft(t *testing.T, title string) draftAnswer {
	t.Helper()
	d, r, err := faultDraft(context.Background(), s.node.url, s.token, faultManifest(t, s.w.ClassicAddress.String(), title))
	if err != nil || r.status != http.StatusCreated {
		t.Fatalf("draft %q: %v %s", title, err, r)
	}
	return d
}

// publishSelf anchors a draft in self mode and waits until it is published.
func (s *faultStack) publishSelf(t *testing.T, d draftAnswer) {
	t.Helper()
	ctx := context.Background()
	if r, err := faultAnchorSelf(ctx, s.node.url, s.token, s.w, d); err != nil || r.status != http.StatusAccepted {
		t.Fatalf("self anchor of draft %d: %v %s", d.ID, err, r)
	}
	s.waitPublished(t, d.ID)
}

// waitPublished waits until a version is published.
func (s *faultStack) waitPublished(t *testing.T, id int64) {
	t.Helper()
	st, err := faultWaitStatus(context.Background(), s.node.url, s.token, id, 30*time.Second)
	if err != nil || st != "published" {
		t.Fatalf("version %d ended %q (%v)\nbanx log: %s", id, st, err, faultTail(s.node.stderr(), 3000))
	}
}

// status reads a version's status.
func (s *faultStack) status(t *testing.T, id int64) string {
	t.Helper()
	st, _, r, err := faultDraftStatus(context.Background(), s.node.url, s.token, id)
	if err != nil || r.status != http.StatusOK {
		t.Fatalf("draft %d: %v %s", id, err, r)
	}
	return st
}

// alive fails the test if banx serve has exited.
func (s *faultStack) alive(t *testing.T) {
	t.Helper()
	if !s.node.p.running() {
		t.Fatalf("banx serve exited (%v)\n%s", s.node.p.waitErr, faultTail(s.node.stderr(), 4000))
	}
}

// logOf returns what banx logged about a request (by the request id of its
// error answer), for failure messages.
func (s *faultStack) logOf(r faultReply) string {
	var e struct {
		Error struct {
			RequestID string `json:"request_id"`
		} `json:"error"`
	}
	if json.Unmarshal(r.body, &e) != nil || e.Error.RequestID == "" {
		return ""
	}
	var lines []string
	for _, l := range strings.Split(s.node.stderr(), "\n") {
		if strings.Contains(l, e.Error.RequestID) {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// waitLog waits until banx logged a line containing text.
func (s *faultStack) waitLog(t *testing.T, text string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(s.node.stderr(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("banx logged no %q in %s\n%s", text, timeout, faultTail(s.node.stderr(), 3000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
