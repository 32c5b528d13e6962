package main

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"
)

// viewToken crafts a token of the right length and alphabet around a payload:
// version byte, article id, then zeros (so it never verifies).
func viewToken(version byte, article uint64) string {
	b := make([]byte, 77)
	b[0] = version
	binary.BigEndian.PutUint64(b[1:9], article)
	return base64.RawURLEncoding.EncodeToString(b)
}

// slowHeaderTimeout bounds how long the test waits for the server to drop a
// client that never finishes its headers: the server's ReadHeaderTimeout
// (10 s) plus room for a loaded machine. It is a guard against a hang, not a
// measurement.
const slowHeaderTimeout = 45 * time.Second

// startSlowClients opens connections that trickle their request headers, one
// byte every 200 ms, forever, and returns the subtest that checks the server
// cut each of them off (http.Server.ReadHeaderTimeout) without answering
// them with anything but an error, and kept serving everyone else meanwhile.
// The clients run while the rest of the catalogue does.
func (f *badInputFixture) startSlowClients(t *testing.T) func(*testing.T) {
	u, err := url.Parse(f.srv.url)
	if err != nil {
		t.Fatal(err)
	}
	starts := []string{
		"GET /healthz HTTP/1.1\r\nHost: " + u.Host + "\r\nX-Slow: ",
		"POST /api/v1/auth/challenge HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Type: application/json\r\nContent-Length: 60\r\nX-Slow: ",
		"POST /api/v1/content HTTP/1.1\r\nHost: " + u.Host + "\r\nAuthorization: Bearer " + f.srv.token + "\r\nContent-Length: 100\r\nX-Slow: ",
	}
	type result struct {
		answer string
		err    error
	}
	results := make([]chan result, len(starts))
	for i, start := range starts {
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		results[i] = make(chan result, 1)
		go func() {
			if _, err := io.WriteString(conn, start); err != nil {
				results[i] <- result{err: err}
				return
			}
			stop := make(chan struct{})
			go func() { // trickle until the server hangs up
				tick := time.NewTicker(200 * time.Millisecond)
				defer tick.Stop()
				for {
					select {
					case <-stop:
						return
					case <-tick.C:
						if _, err := conn.Write([]byte("a")); err != nil {
							return
						}
					}
				}
			}()
			conn.SetReadDeadline(time.Now().Add(slowHeaderTimeout))
			answer, err := io.ReadAll(conn) // returns when the server closes the connection
			close(stop)
			results[i] <- result{answer: string(answer), err: err}
		}()
	}
	return func(t *testing.T) {
		for i, ch := range results {
			r := <-ch
			if ne, ok := r.err.(net.Error); ok && ne.Timeout() {
				t.Errorf("slow client %d: the server still held the connection after %s", i, slowHeaderTimeout)
				continue
			}
			if r.answer != "" && !strings.HasPrefix(r.answer, "HTTP/1.1 408") && !strings.HasPrefix(r.answer, "HTTP/1.1 400") {
				t.Errorf("slow client %d: the server answered %.200q", i, r.answer)
			}
		}
		// The server still serves others.
		if code, body, _ := f.srv.do(t, "GET", "/healthz", "", nil); code != 200 {
			t.Fatalf("/healthz after the slow clients = %d %s", code, body)
		}
	}
}

// byDesign sends bad input that the server records on purpose, one request at
// a time, and checks that only the tables meant to record it changed:
//
//   - a view beacon with a forged token (right shape, wrong signature) is
//     recorded in views, uncounted, so operators see forgeries in the stats
//     (the only table: the chain is append-only, counts derive from it);
//   - a beacon from an automated browser (navigator.webdriver) with a genuine
//     token, sent before the dwell time, is recorded in views, uncounted
//     (early), for the same reason;
//   - a sign-in challenge for a well-formed address that never signs in is
//     stored in auth_challenges, since a nonce must be remembered to be used
//     once; it is pruned an hour after it expires.
func (f *badInputFixture) byDesign(t *testing.T) {
	code, body, hdr := f.srv.do(t, "GET", fmt.Sprintf("/api/v1/articles/%d/view-token", f.articleID), "", nil)
	var vt struct{ Token string }
	if code != 200 || json.Unmarshal(body, &vt) != nil || len(vt.Token) != len(viewToken(1, 1)) {
		t.Fatalf("view token: %d %s", code, body)
	}
	cookie := strings.Split(hdr.Get("Set-Cookie"), ";")[0]
	raw, err := base64.RawURLEncoding.DecodeString(vt.Token)
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)-1] ^= 1 // another signature: same shape, same article
	forged := []byte(base64.RawURLEncoding.EncodeToString(raw))
	cases := []struct {
		name   string
		req    request
		status int
		tables []string
		rows   int
	}{
		{"ForgedBeacon", request{method: "POST", path: "/api/v1/views", contentType: "text/plain", header: map[string]string{"Cookie": cookie}, body: forged}, 201, []string{"views"}, 1},
		{"EarlyWebdriverBeacon", request{method: "POST", path: "/api/v1/views", contentType: "application/json", header: map[string]string{"Cookie": cookie},
			body: js(map[string]any{"token": vt.Token, "webdriver": true})}, 201, []string{"views"}, 1},
		{"ChallengeForStranger", request{method: "POST", path: "/api/v1/auth/challenge", contentType: "application/json",
			body: js(map[string]string{"address": "rrrrrrrrrrrrrrrrrrrrBZbvji"})}, 201, []string{"auth_challenges"}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := dbDump(t, f.srv.dataDir)
			code, body, _ := f.send(t, tc.req)
			if code != tc.status {
				t.Fatalf("status %d, want %d: %s", code, tc.status, body)
			}
			diff := dumpDiff(before, dbDump(t, f.srv.dataDir))
			added := 0
			for _, line := range strings.Split(diff, "\n") {
				allowed := false
				for _, table := range tc.tables {
					allowed = allowed || strings.HasPrefix(line, "+ row "+table+":") || strings.HasPrefix(line, "- count "+table+":") || strings.HasPrefix(line, "+ count "+table+":")
				}
				if !allowed {
					t.Errorf("changed outside %v: %s", tc.tables, line)
				}
				if strings.HasPrefix(line, "+ row ") {
					added++
				}
				if strings.HasPrefix(line, "+ row views:") && !strings.Contains(line, "counted=int64(0)") {
					t.Errorf("bad beacon counted: %s", line)
				}
			}
			if added != tc.rows {
				t.Errorf("%d rows added, want %d:\n%s", added, tc.rows, diff)
			}
		})
	}
	// The first accepted search fills the index with the text of the
	// published versions, and writes nothing else.
	t.Run("SearchFillsIndex", func(t *testing.T) {
		before := dbDump(t, f.srv.dataDir)
		if code, body, _ := f.srv.do(t, "GET", "/api/v1/articles?q=banx", "", nil); code != 200 {
			t.Fatalf("GET /api/v1/articles?q=banx = %d %s: banx serve must wire search (Site.Search, or a DB that is an ArticleSearch)", code, body)
		}
		diff := dumpDiff(before, dbDump(t, f.srv.dataDir))
		if !strings.Contains(diff, "+ row article_text:") {
			t.Errorf("the first search indexed no text:\n%s", diff)
		}
		for _, line := range strings.Split(diff, "\n") {
			if line != "" && !strings.Contains(line, " article_text") && !strings.Contains(line, " article_search") {
				t.Errorf("changed outside the search index: %s", line)
			}
		}
	})
}
