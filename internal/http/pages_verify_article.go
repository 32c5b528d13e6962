package http

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/gin-gonic/gin"
)

// A transaction hash alone cannot prove a batch-anchored article: the leaf
// signature, the Merkle path and the content are in the article version's
// proof bundle. The article page and its Verify link therefore verify that
// bundle (the same bytes as GET /api/v1/articles/{id}/versions/{n}/proof),
// against the ledger and IPFS, so every check runs whatever the anchor mode.

// maxVerifyVersion bounds ?version=, far above any real edit count.
const maxVerifyVersion = 1 << 20

// articleVersionQuery reads ?article=ID&version=N, which name the article
// version whose proof bundle the Verify page checks. ok is false when neither
// is given; EINVALID names the exact fault of a malformed or half pair.
func articleVersionQuery(c *gin.Context) (id int64, n int, ok bool, err error) {
	rawID, hasID := c.GetQuery("article")
	rawN, hasN := c.GetQuery("version")
	if !hasID && !hasN {
		return 0, 0, false, nil
	}
	if !hasID || !hasN {
		return 0, 0, false, banx.Errorf(banx.EINVALID, "article and version go together: give both or neither")
	}
	id, err = strconv.ParseInt(rawID, 10, 64)
	if err != nil || id <= 0 {
		return 0, 0, false, banx.Errorf(banx.EINVALID, "article %q is not an article id (a whole number from 1)", truncate(rawID, 40))
	}
	v, err := strconv.Atoi(rawN)
	if err != nil || v <= 0 || v > maxVerifyVersion {
		return 0, 0, false, banx.Errorf(banx.EINVALID, "version %q is not a version number (a whole number from 1 to %d)", truncate(rawN, 40), maxVerifyVersion)
	}
	return id, v, true, nil
}

// articleVersionBundle returns the proof bundle of version n of an article,
// refusing one that does not anchor what the page was asked about: tx, and
// cid and sha when given (EINVALID, with both values).
func (s *Server) articleVersionBundle(ctx context.Context, id int64, n int, tx, cid, sha string) (anchor.ProofBundle, error) {
	if s.Publish == nil {
		return anchor.ProofBundle{}, banx.Errorf(banx.EUNAVAILABLE, "this Banx server publishes no articles; verify the proof bundle file instead")
	}
	b, err := s.Publish.Proof(ctx, id, n)
	if err != nil {
		return anchor.ProofBundle{}, err
	}
	switch {
	case tx != "" && !strings.EqualFold(b.Tx.Hash, tx):
		return anchor.ProofBundle{}, banx.Errorf(banx.EINVALID, "version %d of article %d is anchored by transaction %s, not %s", n, id, b.Tx.Hash, truncate(tx, 80))
	case cid != "" && b.Manifest.CID != cid:
		return anchor.ProofBundle{}, banx.Errorf(banx.EINVALID, "version %d of article %d has CID %s, not %s", n, id, b.Manifest.CID, truncate(cid, 80))
	case sha != "" && !strings.EqualFold(b.Manifest.SHA256, sha):
		return anchor.ProofBundle{}, banx.Errorf(banx.EINVALID, "version %d of article %d has SHA-256 %s, not %s", n, id, b.Manifest.SHA256, truncate(sha, 80))
	}
	return *b, nil
}

// articleURLPath matches an article page path: /a/{id} or /a/{id}/{slug}.
var articleURLPath = regexp.MustCompile(`^/a/([1-9][0-9]{0,17})(?:/[^/]*)?/?$`)

// articleOfURL reads the article id from raw when it is the URL of an article
// page of this site (host is the one the reader used); ok is false when raw
// is not a URL at all (a transaction hash, say). EINVALID when it is a URL
// but not one of this site's article pages.
func articleOfURL(raw, host string) (id int64, ok bool, err error) {
	if !strings.Contains(raw, "/") {
		return 0, false, nil
	}
	raw = strings.TrimSpace(raw)
	if !strings.Contains(raw, "://") && !strings.HasPrefix(raw, "/") {
		raw = "http://" + raw // a URL typed without its scheme
	}
	u, perr := url.Parse(raw)
	if perr != nil {
		return 0, false, banx.Errorf(banx.EINVALID, "%q is neither a transaction hash nor an article URL", truncate(raw, 80))
	}
	if u.Host != "" && !strings.EqualFold(u.Host, host) {
		return 0, false, banx.Errorf(banx.EINVALID, "%s is not an article of this site (%s): verify it with banx verify URL, or upload its proof bundle", truncate(raw, 80), host)
	}
	m := articleURLPath.FindStringSubmatch(u.Path)
	if m == nil {
		return 0, false, banx.Errorf(banx.EINVALID, "%s is not an article page: an article URL is /a/{id} or /a/{id}/{slug}", truncate(raw, 80))
	}
	id, _ = strconv.ParseInt(m[1], 10, 64)
	return id, true, nil
}

// latestVersion is the newest published, anchored version of an article.
// ENOTFOUND when it has none.
func (s *Server) latestVersion(ctx context.Context, id int64) (int, error) {
	if s.Publish == nil {
		return 0, banx.Errorf(banx.EUNAVAILABLE, "this Banx server publishes no articles; verify the proof bundle file instead")
	}
	_, versions, err := s.Publish.Article(ctx, id)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, v := range versions {
		if v.Version.Status == banx.StatusPublished && v.Anchor != nil && v.Version.Version > n {
			n = v.Version.Version
		}
	}
	if n == 0 {
		return 0, banx.Errorf(banx.ENOTFOUND, "article %d has no published version to verify", id)
	}
	return n, nil
}

// verifyPageBundle settles what the Verify page verifies: the proof bundle of
// the article version named by ?article=&version= or by an article URL in
// ?tx=. ok is false when the request names only a transaction hash, which is
// then verified alone. p's transaction, CID and SHA-256 become the bundle's.
func (s *Server) verifyPageBundle(c *gin.Context, p *verifyPage) (b anchor.ProofBundle, ok bool, err error) {
	ctx := c.Request.Context()
	id, n, ok, err := articleVersionQuery(c)
	if err != nil {
		return b, false, err
	}
	tx := p.TxHash
	if !ok {
		if id, ok, err = articleOfURL(p.TxHash, c.Request.Host); !ok || err != nil {
			return b, false, err
		}
		if n, err = s.latestVersion(ctx, id); err != nil {
			return b, false, err
		}
		tx = ""
	}
	if b, err = s.articleVersionBundle(ctx, id, n, tx, p.CID, p.SHA256); err != nil {
		return b, false, err
	}
	p.TxHash, p.CID, p.SHA256 = b.Tx.Hash, b.Manifest.CID, b.Manifest.SHA256
	return b, true, nil
}

// bundleReport verifies a proof bundle with the server's verifier and returns
// the part of the result the pages show.
func (s *Server) bundleReport(ctx context.Context, b anchor.ProofBundle) (*pageReport, error) {
	res, err := s.Verifier.VerifyBundle(ctx, b)
	if err != nil {
		return nil, err
	}
	raw, err := res.MarshalJSON()
	if err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "encode verification report")
	}
	var r pageReport
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, banx.Wrap(banx.EINTERNAL, err, "decode verification report")
	}
	return &r, nil
}

// settledBundleReport is the verification of a published version's proof
// bundle, asked once per process: the bundle of a version in a validated
// ledger never changes, so a verdict of verified or failed is final. It
// returns nil when there is no verifier or it cannot answer now.
func (s *Server) settledBundleReport(ctx context.Context, b anchor.ProofBundle) *pageReport {
	if s.Verifier == nil {
		return nil
	}
	key := "bundle/" + b.Tx.Hash + "/" + b.Manifest.CID
	if r, ok := s.Site.verified.Load(key); ok {
		return r.(*pageReport)
	}
	ctx, cancel := context.WithTimeout(ctx, verifyPageTimeout)
	defer cancel()
	r, err := s.bundleReport(ctx, b)
	if err != nil {
		s.Logger.Warn("article verification", "tx", b.Tx.Hash, "err", err)
		return nil
	}
	if r.Verdict == string(anchor.VerdictVerified) || r.Verdict == string(anchor.VerdictFailed) {
		s.Site.verified.Store(key, r)
	}
	return r
}
