// Package kubo stores Banx content in a Kubo (go-ipfs) daemon through its RPC API,
// using go-ipfs-api. It is the store for deployments that want their content on
// the public IPFS network; the embedded store offers the same method set without
// a daemon.
//
// Every add passes the full import contract as explicit flags, so the daemon's
// Import.* defaults cannot change a CID. Every read runs with --offline: Banx asks
// its own node for content it stored, and a CID the node does not hold must be
// answered "not found" at once instead of hanging while Kubo searches the network.
package kubo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs"
	"github.com/ipfs/boxo/files"
	shell "github.com/ipfs/go-ipfs-api"
	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"
)

// DefaultTimeout bounds each RPC call, including reading its response body.
// go-ipfs-api has no timeout of its own, and a wedged daemon must not hold
// request goroutines forever.
const DefaultTimeout = 2 * time.Minute

// Config says how to reach the daemon.
type Config struct {
	// API is the daemon's RPC address, as a multiaddr (/ip4/127.0.0.1/tcp/5001,
	// the form Kubo writes to $IPFS_PATH/api) or a URL (http://127.0.0.1:5001).
	API string
	// Timeout bounds each call; zero means DefaultTimeout.
	Timeout time.Duration
	// Client is an optional shared HTTP client. Nil means one of the store's own
	// that keeps connections alive: a new connection per call (go-ipfs-api's
	// NewShell) leaves thousands of sockets in TIME_WAIT under load.
	Client *http.Client
}

// Store is a content store backed by a Kubo daemon. It is safe for concurrent use.
type Store struct {
	api      string
	sh       *shell.Shell
	ownedTr  *http.Transport // closed by Close when the store made it
	settings ipfs.ImportSettings
	addOpts  map[string]string
	timeout  time.Duration
}

// Open validates cfg and returns a store. It does not contact the daemon, so Banx
// can start before its daemon; Ping reports whether the daemon answers.
func Open(cfg Config) (*Store, error) {
	base, err := parseAPI(cfg.API)
	if err != nil {
		return nil, err
	}
	settings, err := ipfs.LoadImportSettings()
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "load IPFS import contract")
	}
	s := &Store{api: cfg.API, settings: settings, addOpts: settings.KuboAddOptions(), timeout: cfg.Timeout}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	client := cfg.Client
	if client == nil {
		s.ownedTr = &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConns:        64,
			MaxIdleConnsPerHost: 64, // the default of 2 forces new connections under parallel load
			IdleConnTimeout:     90 * time.Second,
		}
		client = &http.Client{Transport: s.ownedTr}
	}
	s.sh = shell.NewShellWithClient(base, client)
	s.sh.SetTimeout(s.timeout)
	return s, nil
}

// parseAPI accepts a multiaddr or an http(s) URL and returns what go-ipfs-api
// expects: the multiaddr itself, or scheme://host:port.
func parseAPI(api string) (string, error) {
	if api == "" {
		return "", banx.Errorf(banx.EINVALID, "IPFS API address is empty")
	}
	if strings.HasPrefix(api, "/") {
		m, err := ma.NewMultiaddr(api)
		if err != nil {
			return "", banx.Wrap(banx.EINVALID, err, "IPFS API address %q is not a valid multiaddr: %v", api, err)
		}
		if _, _, err := manet.DialArgs(m); err != nil {
			return "", banx.Wrap(banx.EINVALID, err, "IPFS API address %q is not dialable: %v", api, err)
		}
		return api, nil
	}
	u, err := url.Parse(api)
	switch {
	case err != nil:
		return "", banx.Wrap(banx.EINVALID, err, "IPFS API address %q is not a valid URL: %v", api, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", banx.Errorf(banx.EINVALID, "IPFS API address %q: scheme must be http or https (or use a multiaddr)", api)
	case u.Host == "" || u.Port() == "":
		return "", banx.Errorf(banx.EINVALID, "IPFS API address %q: host and port are required", api)
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil || u.Fragment != "":
		return "", banx.Errorf(banx.EINVALID, "IPFS API address %q: only scheme://host:port is allowed (the /api/v0 path is implied)", api)
	}
	return u.Scheme + "://" + u.Host, nil
}

// Kind names the store in health reports and logs.
func (s *Store) Kind() string { return "kubo" }

// Close releases idle connections of the store's own HTTP client.
func (s *Store) Close() error {
	if s.ownedTr != nil {
		s.ownedTr.CloseIdleConnections()
	}
	return nil
}

// Ping asks the daemon for its version. It returns banx.EUNAVAILABLE naming the
// address when the daemon does not answer.
func (s *Store) Ping(ctx context.Context) error {
	var v struct{ Version string }
	if err := s.sh.Request("version").Exec(ctx, &v); err != nil {
		return s.translate(err, "ping")
	}
	return nil
}

// Verify checks that the daemon's configuration cannot change CIDs: every
// Import.* setting the contract lists under kubo.daemonConfig (settings with no
// add flag) must be unset or hold the contract's value. Call it once at startup;
// a daemon that fails it would publish CIDs the embedded store cannot reproduce.
// Errors: EINVALID (misconfigured daemon), EUNAVAILABLE.
func (s *Store) Verify(ctx context.Context) error {
	for key, want := range s.settings.Kubo.DaemonConfig {
		var out struct{ Value any }
		if err := s.sh.Request("config", key).Exec(ctx, &out); err != nil {
			return s.translate(err, "read daemon config "+key)
		}
		if out.Value != nil && out.Value != want {
			return banx.Errorf(banx.EINVALID, "IPFS daemon at %s has %s = %v; the import contract needs %q (CIDs would differ)",
				s.api, key, out.Value, want)
		}
	}
	return nil
}

// Add imports r as one UnixFS file with the contract's settings, pins it, and
// returns its CID. Errors: EUNAVAILABLE (daemon unreachable), or the code of the
// error r itself returned (so a size limit in the caller's reader keeps its code).
func (s *Store) Add(ctx context.Context, r io.Reader) (string, error) {
	src := &errReader{r: r}
	dir := files.NewSliceDirectory([]files.DirEntry{files.FileEntry("", files.NewReaderFile(src))})
	rb := s.sh.Request("add").Body(files.NewMultiFileReader(dir, true, false))
	for name, value := range s.addOpts {
		rb.Option(name, value)
	}
	resp, err := rb.Option("progress", false).Send(ctx)
	if err == nil && resp.Error != nil {
		err = resp.Error
	}
	if err != nil {
		if src.err != nil {
			return "", fmt.Errorf("add: read content: %w", src.err)
		}
		return "", s.translate(err, "add")
	}
	defer resp.Close()
	var last string
	dec := json.NewDecoder(resp.Output)
	for {
		var ev struct{ Hash string }
		if err := dec.Decode(&ev); err == io.EOF {
			break
		} else if err != nil {
			if src.err != nil {
				return "", fmt.Errorf("add: read content: %w", src.err)
			}
			return "", s.translate(err, "add")
		}
		if ev.Hash != "" {
			last = ev.Hash
		}
	}
	c, err := ipfs.ParseCID(last)
	if err != nil {
		return "", banx.Wrap(banx.EINTERNAL, err, "add: Kubo at %s answered an unusable CID %q", s.api, last)
	}
	return c.String(), nil
}

// Cat streams the content of the UnixFS file c from the node's own blocks.
// Errors: EINVALID (malformed CID), ENOTFOUND (not on this node), EUNAVAILABLE.
// A failure after the stream started surfaces as an error from Read.
func (s *Store) Cat(ctx context.Context, c string) (io.ReadCloser, error) {
	id, err := ipfs.ParseCID(c)
	if err != nil {
		return nil, err
	}
	resp, err := s.sh.Request("cat", id.String()).Option("offline", true).Send(ctx)
	if err == nil && resp.Error != nil {
		err = resp.Error
	}
	if err != nil {
		return nil, s.translate(err, "cat "+id.String())
	}
	return resp.Output, nil
}

// Has reports whether the node holds the root block of c.
// Errors: EINVALID (malformed CID), EUNAVAILABLE.
func (s *Store) Has(ctx context.Context, c string) (bool, error) {
	id, err := ipfs.ParseCID(c)
	if err != nil {
		return false, err
	}
	var stat struct{ Key string }
	err = s.sh.Request("block/stat", id.String()).Option("offline", true).Exec(ctx, &stat)
	if err != nil {
		if err = s.translate(err, "has "+id.String()); banx.ErrorCode(err) == banx.ENOTFOUND {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// Size returns the byte length of the UnixFS file c, from its root block alone.
// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
func (s *Store) Size(ctx context.Context, c string) (int64, error) {
	id, err := ipfs.ParseCID(c)
	if err != nil {
		return 0, err
	}
	var stat struct {
		Size int64
		Type string
	}
	err = s.sh.Request("files/stat", "/ipfs/"+id.String()).Option("offline", true).Exec(ctx, &stat)
	if err != nil {
		return 0, s.translate(err, "size "+id.String())
	}
	if stat.Type != "file" {
		return 0, banx.Errorf(banx.EINVALID, "cid %s names a %s, not a file", id, stat.Type)
	}
	return stat.Size, nil
}
