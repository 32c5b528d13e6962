package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestServeSearch checks full-text search as `banx serve` wires it: the sample
// article is found by a word of its body (indexed from its manifest on IPFS,
// not from the title the database holds), by a tag, and on the home page; a
// search with nothing to look for is refused with its reason.
func TestServeSearch(t *testing.T) {
	s := startServe(t, nil, "--sample")
	search := func(q string) (int, []byte) {
		code, body, _ := s.do(t, "GET", "/api/v1/articles?q="+url.QueryEscape(q), "", nil)
		return code, body
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, body := search("intractable conflicts")
		var page struct {
			Total    int `json:"total"`
			Articles []struct {
				Title string `json:"title"`
			} `json:"articles"`
		}
		if code == http.StatusOK {
			if err := json.Unmarshal(body, &page); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
		}
		if code == http.StatusOK && page.Total == 1 {
			if !strings.Contains(page.Articles[0].Title, "A New Opening?") {
				t.Fatalf("search found %+v", page.Articles)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("search for a body word: %d %s", code, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code, body := search("middleeastdiplomacy"); code != http.StatusOK || !strings.Contains(string(body), `"total":1`) {
		t.Errorf("search by tag: %d %s", code, body)
	}
	if code, body := search("zzyzx-not-a-word"); code != http.StatusOK || !strings.Contains(string(body), `"total":0`) {
		t.Errorf("search without match: %d %s", code, body)
	}
	if code, body := search(`"*:-`); code != http.StatusBadRequest || !strings.Contains(string(body), "no letter or digit") {
		t.Errorf("search without words: %d %s", code, body)
	}
	code, page, _ := s.do(t, "GET", "/?q=intractable", "", nil)
	if code != http.StatusOK || !strings.Contains(string(page), "A New Opening?") || !strings.Contains(string(page), "<mark>") {
		t.Errorf("home page search: %d, has title %v, has <mark> %v", code,
			strings.Contains(string(page), "A New Opening?"), strings.Contains(string(page), "<mark>"))
	}
}
