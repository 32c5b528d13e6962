package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"github.com/banxmedia/banx/internal/auth"
	"github.com/banxmedia/banx/internal/banx"
)

// defaultServer is where the author CLI finds Banx unless told otherwise.
const defaultServer = "http://127.0.0.1:8080"

// apiClient is the author CLI's view of a Banx server's HTTP API.
type apiClient struct {
	base  *url.URL
	http  *http.Client
	token string
}

func newAPIClient(server string) (*apiClient, error) {
	u, err := url.Parse(strings.TrimRight(server, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usageError(fmt.Sprintf("--server %q is not an http(s) URL", server))
	}
	return &apiClient{base: u, http: &http.Client{Timeout: 30 * time.Second}}, nil
}

// do sends a JSON request (body: nil, []byte sent as is, or a value to
// encode) and decodes a 2xx answer into out. An error answer becomes a
// *banx.Error with the server's code and reason.
func (c *apiClient) do(ctx context.Context, method, path string, body, out any) error {
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return banx.Wrap(banx.EINTERNAL, err, "encode request")
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, r)
	if err != nil {
		return banx.Wrap(banx.EINVALID, err, "build request %s %s", method, path)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "Banx server %s unreachable", c.base)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "read answer to %s %s", method, path)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if json.Unmarshal(data, &e) != nil || e.Error.Code == "" {
			return banx.Errorf(banx.EUNAVAILABLE, "%s %s: HTTP %d", method, path, resp.StatusCode)
		}
		return banx.Errorf(e.Error.Code, "%s", e.Error.Message)
	}
	if out == nil {
		return nil
	}
	if raw, ok := out.(*[]byte); ok {
		*raw = data
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return banx.Wrap(banx.EUNAVAILABLE, err, "malformed answer to %s %s", method, path)
	}
	return nil
}

// signIn proves control of w's account to the server (challenge-response) and
// keeps the session token. It signs only a Banx sign-in message for this
// server's own address and for w's account, so a server cannot get the author
// to sign anything else, or a sign-in meant for another site.
func (c *apiClient) signIn(ctx context.Context, w *wallet.Wallet) (*banx.Session, error) {
	var ch struct {
		Address, Domain, Message string
	}
	if err := c.do(ctx, "POST", "/api/v1/auth/challenge", map[string]string{"address": w.ClassicAddress.String()}, &ch); err != nil {
		return nil, err
	}
	parsed, err := auth.ParseMessage(ch.Message)
	switch {
	case err != nil:
		return nil, banx.Errorf(banx.EINVALID, "the server's challenge is not a Banx sign-in message: %s", banx.ErrorMessage(err))
	case parsed.Domain != c.base.Host:
		return nil, banx.Errorf(banx.EINVALID, "the server's challenge is for %q, but you are connecting to %q: not signing", parsed.Domain, c.base.Host)
	case parsed.Address != w.ClassicAddress.String():
		return nil, banx.Errorf(banx.EINVALID, "the server's challenge is for account %s, not yours (%s): not signing", parsed.Address, w.ClassicAddress)
	}
	pub, sig, err := auth.SignWith(ch.Message, w)
	if err != nil {
		return nil, err
	}
	var sess struct {
		Token, Address, PublicKey string
		ExpiresAt                 time.Time `json:"expires_at"`
	}
	if err := c.do(ctx, "POST", "/api/v1/auth/session", map[string]string{"message": ch.Message, "public_key": pub, "signature": sig}, &sess); err != nil {
		return nil, err
	}
	c.token = sess.Token
	return &banx.Session{Address: sess.Address, PublicKey: pub, ExpiresAt: sess.ExpiresAt}, nil
}

// authorEnvHelp names the environment variables of the author commands
// (login, publish), which -h lists.
const authorEnvHelp = `environment:
  BANX_SERVER      the Banx server URL (default ` + defaultServer + `; --server)
  BANX_SEED_FILE   the author seed file, mode 0600 (--seed-file)
  BANX_SEED        the author seed itself, instead of a seed file
`

// runLogin implements `banx login`: sign in with the local key and print the
// session (and, with --print-token, the bearer token for scripts).
func runLogin(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("login", e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: banx login [flags]

Signs in to a Banx server with your key (signed locally; the seed is never
sent) and prints the session's account and expiry: it checks that the key and
the server work. It stores nothing: `+"`banx publish`"+` signs in again itself.

`+authorEnvHelp+`
flags:
`)
		fs.PrintDefaults()
	}
	server := fs.String("server", orDefault(e.getenv("BANX_SERVER"), defaultServer), "Banx server URL [$BANX_SERVER]")
	seedFile := fs.String("seed-file", e.getenv("BANX_SEED_FILE"), "author seed file, mode 0600 [$BANX_SEED_FILE]; or the seed in $BANX_SEED")
	printToken := fs.Bool("print-token", false, "print the session's bearer token (treat it like a password)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("login takes no arguments")
	}
	w, err := authorWallet(*seedFile, e.getenv)
	if err != nil {
		return err
	}
	c, err := newAPIClient(*server)
	if err != nil {
		return err
	}
	sess, err := c.signIn(ctx, w)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "signed in   %s\nexpires     %s\n", sess.Address, sess.ExpiresAt.Format(time.RFC3339))
	if *printToken {
		fmt.Fprintf(e.stdout, "token       %s\n", c.token)
	}
	return nil
}
