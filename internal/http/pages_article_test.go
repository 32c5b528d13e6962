package http_test

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/publish/publishtest"
	"github.com/banxmedia/banx/internal/sqlite"
	"github.com/banxmedia/banx/internal/views"
)

// TestArticlePageViewCount reads an article page, records counted views on
// the view ledger, and reads the page again: the count must include every
// view counted before the request, although the page is served from the
// incremental tally and the rendered page cache; the headers of a page served
// from the cache are those of a rendered one.
func TestArticlePageViewCount(t *testing.T) {
	ctx := t.Context()
	a := startAuthorTools(t)
	w := publishtest.NewWallet(t)
	publishtest.Fund(t, publishtest.Context(t), a.client, w, 20_000_000)
	token := a.signIn(t, w)
	me := w.ClassicAddress.String()
	id, _ := a.publishSelf(t, w, token, pubManifest(me, "Counted", ""))

	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	l, err := a.db.OpenViewLedger(ctx, sqlite.ViewLedgerConfig{Key: bytes.Repeat([]byte{7}, views.MinKeySize), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	view := func(i int) {
		t.Helper()
		reader := views.NewReaderID()
		tok, err := l.IssueViewToken(ctx, id, reader)
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		now = now.Add(l.Policy().Dwell + time.Second)
		mu.Unlock()
		rec, err := l.RecordView(ctx, views.Beacon{Token: tok.Token, ReaderID: reader,
			Addr: netip.AddrFrom4([4]byte{10, byte(i), 0, 1}), UserAgent: firefox})
		if err != nil || !rec.Counted {
			t.Fatalf("view %d: %+v, %v; want counted", i, rec, err)
		}
	}
	page := fmt.Sprintf("%s/a/%d", a.url, id)
	count := func(want int) (string, map[string]string) {
		t.Helper()
		code, h, body := get(t, page)
		if code != 200 || !strings.Contains(body, fmt.Sprintf(`<span data-testid="view-count">%d</span>`, want)) {
			t.Fatalf("GET %s = %d, want %d views:\n%s", page, code, want, body)
		}
		hs := map[string]string{}
		for _, k := range []string{"Content-Type", "Content-Security-Policy", "Referrer-Policy", "Cache-Control", "X-Content-Type-Options"} {
			hs[k] = h.Get(k)
		}
		return body, hs
	}
	first, h1 := count(0)
	again, h2 := count(0)
	if again != first || fmt.Sprint(h1) != fmt.Sprint(h2) || h1["Content-Security-Policy"] == "" {
		t.Fatalf("a cached page differs from the rendered one: headers %v and %v", h1, h2)
	}
	for i := range 3 {
		view(i)
		count(i + 1)
	}
	if _, h3 := count(3); !bytes.Equal([]byte(fmt.Sprint(h3)), []byte(fmt.Sprint(h1))) {
		t.Fatalf("headers changed: %v, want %v", h3, h1)
	}
}
