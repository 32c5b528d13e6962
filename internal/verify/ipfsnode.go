package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/ipfs"
	"github.com/ipfs/boxo/ipld/merkledag"
	uio "github.com/ipfs/boxo/ipld/unixfs/io"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	format "github.com/ipfs/go-ipld-format"
)

// IPFSMode says which HTTP interface an IPFS node offers.
type IPFSMode string

// The interfaces IPFSNode speaks. ModeAuto asks POST /api/v0/version once
// and uses the RPC API if it answers, the gateway interface otherwise.
const (
	ModeAuto    IPFSMode = "auto"
	ModeRPC     IPFSMode = "rpc"     // Kubo RPC API: POST /api/v0/block/get
	ModeGateway IPFSMode = "gateway" // HTTP gateway: GET /ipfs/{cid}?format=raw, else GET /ipfs/{cid}
)

// ParseIPFSMode validates a mode given on the command line.
func ParseIPFSMode(s string) (IPFSMode, error) {
	switch m := IPFSMode(s); m {
	case ModeAuto, ModeRPC, ModeGateway:
		return m, nil
	}
	return "", banx.Errorf(banx.EINVALID, "ipfs mode %q is not one of auto, rpc, gateway", clip(s))
}

// Bounds of content fetching: a DAG walk reads at most maxDAGBlocks blocks of
// at most ipfs.MaxBlockSize each, and no more than twice the content limit in
// all (a balanced UnixFS file's interior nodes are a few KiB).
const maxDAGBlocks = 1024

// IPFSNode fetches content from an IPFS node over HTTP, block by block,
// checking every block against its CID before decoding it, and walking the
// UnixFS DAG itself. Only a gateway that cannot serve raw blocks is read as a
// whole file, which is still checked by re-import. It is safe for concurrent use.
type IPFSNode struct {
	base    string // no trailing slash, no /api/v0
	http    *http.Client
	timeout time.Duration

	mu   sync.Mutex
	mode IPFSMode // ModeAuto until detected
}

var _ Content = (*IPFSNode)(nil)

// NewIPFSNode returns a client for the node at rawURL: an http(s) URL (a Kubo
// RPC API such as http://127.0.0.1:5001, or a gateway such as
// https://ipfs.io) or Kubo's multiaddr spelling /ip4/HOST/tcp/PORT. It does
// not connect. timeout bounds each request; 0 means DefaultNodeTimeout.
func NewIPFSNode(rawURL string, mode IPFSMode, timeout time.Duration) (*IPFSNode, error) {
	if _, err := ParseIPFSMode(string(mode)); err != nil {
		return nil, err
	}
	base, err := ipfsBaseURL(rawURL)
	if err != nil {
		return nil, err
	}
	if timeout <= 0 {
		timeout = DefaultNodeTimeout
	}
	return &IPFSNode{base: base, mode: mode, timeout: timeout,
		http: &http.Client{Timeout: timeout, CheckRedirect: limitRedirects}}, nil
}

func limitRedirects(_ *http.Request, via []*http.Request) error {
	if len(via) >= 3 {
		return errors.New("more than 3 redirects")
	}
	return nil
}

func ipfsBaseURL(raw string) (string, error) {
	if strings.HasPrefix(raw, "/") {
		p := strings.Split(strings.Trim(raw, "/"), "/")
		if len(p) < 4 || p[2] != "tcp" || (p[0] != "ip4" && p[0] != "ip6" && p[0] != "dns" && p[0] != "dns4" && p[0] != "dns6") {
			return "", banx.Errorf(banx.EINVALID, "ipfs node %q is not a /ip4/HOST/tcp/PORT multiaddr", clip(raw))
		}
		if _, err := strconv.ParseUint(p[3], 10, 16); err != nil {
			return "", banx.Errorf(banx.EINVALID, "ipfs node %q: port %q is not a number", clip(raw), clip(p[3]))
		}
		host := p[1]
		if p[0] == "ip6" {
			host = "[" + host + "]"
		}
		return "http://" + host + ":" + p[3], nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", banx.Errorf(banx.EINVALID, "ipfs node %q is neither an http(s) URL nor a multiaddr", clip(raw))
	}
	u.RawQuery, u.Fragment = "", ""
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api/v0")
	return strings.TrimSuffix(u.String(), "/"), nil
}

// Mode returns the interface in use: the configured one, or the detected one
// once a fetch has run in auto mode.
func (n *IPFSNode) Mode() IPFSMode {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.mode
}

// Describe implements Content.
func (n *IPFSNode) Describe() string {
	switch n.Mode() {
	case ModeRPC:
		return "Kubo RPC API at " + n.base
	case ModeGateway:
		return "IPFS gateway at " + n.base
	}
	return "IPFS node at " + n.base
}

// detect resolves ModeAuto: a Kubo RPC API answers POST /api/v0/version with
// JSON naming its version; anything else that answers HTTP is a gateway. An
// unreachable node is not remembered as either.
func (n *IPFSNode) detect(ctx context.Context) (IPFSMode, error) {
	if m := n.Mode(); m != ModeAuto {
		return m, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.base+"/api/v0/version", nil)
	if err != nil {
		return "", banx.Wrap(banx.EINVALID, err, "ipfs node %s: %v", n.base, err)
	}
	resp, err := n.http.Do(req)
	if err != nil {
		return "", banx.Wrap(banx.EUNAVAILABLE, err, "the IPFS node at %s does not answer: %v", n.base, unwrapURLError(err))
	}
	defer resp.Body.Close()
	mode := ModeGateway
	if resp.StatusCode == http.StatusOK {
		data, _ := readLimited(resp.Body, 64<<10, "version answer")
		var v struct{ Version string }
		if json.Unmarshal(data, &v) == nil && v.Version != "" {
			mode = ModeRPC
		}
	}
	n.mu.Lock()
	n.mode = mode
	n.mu.Unlock()
	return mode, nil
}

// Fetch implements Content.
func (n *IPFSNode) Fetch(ctx context.Context, c string, max int64) ([]byte, error) {
	id, err := ipfs.ParseCID(c)
	if err != nil {
		return nil, err
	}
	mode, err := n.detect(ctx)
	if err != nil {
		return nil, err
	}
	g := &blockGetter{n: n, mode: mode, budget: 2*max + ipfs.MaxBlockSize, blocksLeft: maxDAGBlocks}
	root, whole, err := g.fetchRoot(ctx, id, max)
	if err != nil {
		return nil, err
	}
	if whole != nil {
		return whole, nil
	}
	dr, err := uio.NewDagReader(ctx, root, g)
	if err != nil {
		return nil, banx.Wrap(banx.EINVALID, err, "cid %s does not name a UnixFS file: %v", c, err)
	}
	if size := dr.Size(); size > uint64(max) {
		return nil, banx.Errorf(banx.ETOOLARGE, "content %s is %d bytes, more than the %d allowed", c, size, max)
	}
	data, err := io.ReadAll(io.LimitReader(dr, max+1))
	if err != nil {
		if banx.ErrorCode(err) == banx.EINTERNAL {
			return nil, banx.Wrap(banx.EINVALID, err, "cid %s: the DAG cannot be read as a file: %v", c, err)
		}
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, banx.Errorf(banx.ETOOLARGE, "content %s is larger than %d bytes", c, max)
	}
	return data, nil
}

// blockGetter serves boxo's UnixFS reader from the node, one verified block
// at a time, within a budget of blocks and bytes.
type blockGetter struct {
	n          *IPFSNode
	mode       IPFSMode
	mu         sync.Mutex
	budget     int64
	blocksLeft int
}

var _ format.NodeGetter = (*blockGetter)(nil)

// fetchRoot fetches the root block. A gateway that answers the raw-block
// request with the file itself (it ignores ?format=raw) or refuses it yields
// the whole file instead, bounded by max.
func (g *blockGetter) fetchRoot(ctx context.Context, id cid.Cid, max int64) (format.Node, []byte, error) {
	data, raw, err := g.n.block(ctx, g.mode, id, max)
	if err != nil {
		return nil, nil, err
	}
	if !raw {
		return nil, data, nil
	}
	nd, err := decodeBlock(id, data)
	return nd, nil, err
}

// Get implements format.NodeGetter.
func (g *blockGetter) Get(ctx context.Context, id cid.Cid) (format.Node, error) {
	if err := ipfs.CheckCID(id); err != nil {
		return nil, banx.Errorf(banx.EINVALID, "the DAG links to %s, which %s", id, err.Error())
	}
	g.mu.Lock()
	if g.blocksLeft <= 0 || g.budget <= 0 {
		g.mu.Unlock()
		return nil, banx.Errorf(banx.ETOOLARGE, "the DAG has more blocks or bytes than a manifest can (%d blocks)", maxDAGBlocks)
	}
	g.blocksLeft--
	g.mu.Unlock()
	data, raw, err := g.n.block(ctx, g.mode, id, ipfs.MaxBlockSize)
	if err != nil {
		return nil, err
	}
	if !raw {
		return nil, banx.Errorf(banx.EINVALID, "the gateway does not serve raw blocks, and %s is not a single block", id)
	}
	g.mu.Lock()
	g.budget -= int64(len(data))
	g.mu.Unlock()
	return decodeBlock(id, data)
}

// GetMany implements format.NodeGetter, one block after the other: a manifest
// has at most a few dozen blocks.
func (g *blockGetter) GetMany(ctx context.Context, ids []cid.Cid) <-chan *format.NodeOption {
	out := make(chan *format.NodeOption, len(ids))
	go func() {
		defer close(out)
		for _, id := range ids {
			nd, err := g.Get(ctx, id)
			out <- &format.NodeOption{Node: nd, Err: err}
			if err != nil {
				return
			}
		}
	}()
	return out
}

// decodeBlock checks that data hashes to id and decodes it as the node type
// boxo's UnixFS reader expects.
func decodeBlock(id cid.Cid, data []byte) (format.Node, error) {
	// blocks.NewBlockWithCid checks the hash only in its debug mode: hash here.
	if sum, err := id.Prefix().Sum(data); err != nil || !sum.Equals(id) {
		return nil, banx.Errorf(banx.EINVALID, "the node served block %s with bytes that do not hash to it: it is not the anchored content", id)
	}
	b, err := blocks.NewBlockWithCid(data, id)
	if err != nil {
		return nil, banx.Wrap(banx.EINVALID, err, "block %s: %v", id, err)
	}
	var nd format.Node
	switch id.Type() {
	case cid.Raw:
		nd, err = merkledag.DecodeRawBlock(b)
	default:
		nd, err = merkledag.DecodeProtobufBlock(b)
	}
	if err != nil {
		return nil, banx.Wrap(banx.EINVALID, err, "block %s cannot be decoded: %v", id, err)
	}
	return nd, nil
}

// block fetches one block of at most max bytes. raw is false when a gateway
// answered with the deserialized file instead (only for the root).
func (n *IPFSNode) block(ctx context.Context, mode IPFSMode, id cid.Cid, max int64) (data []byte, raw bool, err error) {
	var req *http.Request
	if mode == ModeRPC {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, n.base+"/api/v0/block/get?arg="+url.QueryEscape(id.String()), nil)
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, n.base+"/ipfs/"+id.String()+"?format=raw", nil)
		if err == nil {
			req.Header.Set("Accept", "application/vnd.ipld.raw")
		}
	}
	if err != nil {
		return nil, false, banx.Wrap(banx.EINVALID, err, "ipfs request: %v", err)
	}
	resp, err := n.http.Do(req)
	if err != nil {
		return nil, false, banx.Wrap(banx.EUNAVAILABLE, err, "the IPFS node at %s does not answer for %s: %v", n.base, id, unwrapURLError(err))
	}
	defer resp.Body.Close()
	if mode == ModeGateway && (resp.StatusCode == http.StatusNotAcceptable || resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusNotImplemented) {
		resp.Body.Close()
		data, err := n.wholeFile(ctx, id, max)
		return data, false, err
	}
	if err := fetchStatus(resp, id); err != nil {
		return nil, false, err
	}
	data, err = readLimited(resp.Body, max, "content "+id.String())
	if err != nil {
		return nil, false, err
	}
	if mode == ModeGateway {
		if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct != "application/vnd.ipld.raw" {
			return data, false, nil
		}
	}
	return data, true, nil
}

// wholeFile reads GET /ipfs/{cid} from a gateway that serves no raw blocks.
func (n *IPFSNode) wholeFile(ctx context.Context, id cid.Cid, max int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, n.base+"/ipfs/"+id.String(), nil)
	if err != nil {
		return nil, banx.Wrap(banx.EINVALID, err, "ipfs request: %v", err)
	}
	resp, err := n.http.Do(req)
	if err != nil {
		return nil, banx.Wrap(banx.EUNAVAILABLE, err, "the IPFS gateway at %s does not answer for %s: %v", n.base, id, unwrapURLError(err))
	}
	defer resp.Body.Close()
	if err := fetchStatus(resp, id); err != nil {
		return nil, err
	}
	return readLimited(resp.Body, max, "content "+id.String())
}

// fetchStatus turns a failed fetch into a coded error. Kubo's RPC API answers
// a block it cannot find offline with HTTP 500 and a message saying so.
func fetchStatus(resp *http.Response, id cid.Cid) error {
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	msg := strings.TrimSpace(string(body))
	var kubo struct{ Message string }
	if json.Unmarshal(body, &kubo) == nil && kubo.Message != "" {
		msg = kubo.Message
	}
	notFound := resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone ||
		bytes.Contains(bytes.ToLower(body), []byte("not found"))
	switch {
	case notFound:
		return banx.Errorf(banx.ENOTFOUND, "the IPFS node does not have %s (HTTP %d: %s)", id, resp.StatusCode, clip(msg))
	case resp.StatusCode >= 500:
		return banx.Errorf(banx.EUNAVAILABLE, "the IPFS node failed to serve %s (HTTP %d: %s)", id, resp.StatusCode, clip(msg))
	}
	return banx.Errorf(banx.EINVALID, "the IPFS node refused %s (HTTP %d: %s)", id, resp.StatusCode, clip(msg))
}

// String describes the node, for logs.
func (n *IPFSNode) String() string { return fmt.Sprintf("ipfs(%s, %s)", n.base, n.Mode()) }
