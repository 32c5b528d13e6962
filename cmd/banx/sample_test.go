package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestServeSample checks what `make run` shows a person first: with --sample, a
// fresh embedded stack publishes the seed article, anchored and readable, with
// its cover served from IPFS.
func TestServeSample(t *testing.T) {
	s := startServe(t, nil, "--sample")
	var list []struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(list) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the sample article was not published within 30s")
		}
		time.Sleep(100 * time.Millisecond)
		code, body, _ := s.do(t, "GET", "/api/v1/articles", "", nil)
		if code != http.StatusOK {
			t.Fatalf("GET /api/v1/articles = %d %s", code, body)
		}
		var page struct {
			Articles []struct {
				ID    int64  `json:"id"`
				Title string `json:"title"`
			} `json:"articles"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		list = page.Articles
	}
	if len(list) != 1 || !strings.Contains(list[0].Title, "A New Opening?") {
		t.Fatalf("articles = %+v", list)
	}
	code, page, _ := s.do(t, "GET", "/a/"+strconv.FormatInt(list[0].ID, 10), "", nil)
	if code != http.StatusOK {
		t.Fatalf("article page = %d", code)
	}
	for _, want := range []string{"A New Opening?", "5 min read", "Credibility Score", "AI Image Disclaimer", "/ipfs/bafk",
		`<span class="avatar" aria-hidden="true">H</span>`, `data-testid="author-name"><span class="visually-hidden">Author </span>Harryrednap</span>`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("article page lacks %q", want)
		}
	}
}
