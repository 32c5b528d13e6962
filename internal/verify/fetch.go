package verify

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
)

// articlePage matches the path of an article version's page on a Banx site.
var articlePage = regexp.MustCompile(`^/articles/([A-Za-z0-9._~-]{1,128})/versions/([0-9]{1,9})/?$`)

// ProofURL returns where the proof bundle of an article URL is served: the
// URL itself when it already names the API (or anything else), or, for an
// article version's page /articles/{id}/versions/{n}, the API path
// /api/v1/articles/{id}/versions/{n}/proof on the same site. It returns
// banx.EINVALID for anything but an absolute http(s) URL.
func ProofURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", banx.Errorf(banx.EINVALID, "%q is not an http(s) URL", clip(raw))
	}
	if m := articlePage.FindStringSubmatch(u.Path); m != nil {
		u.Path = "/api/v1/articles/" + m[1] + "/versions/" + m[2] + "/proof"
		u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	}
	return u.String(), nil
}

// FetchBundle downloads and parses the proof bundle at an article URL (see
// ProofURL). The site is not trusted: the bundle is verified like any other,
// and what is read is bounded by anchor.MaxProofBundleBytes, by hc's timeout
// and, unless hc has its own policy, by 3 redirects. Errors: EINVALID (not a URL, not a bundle), ENOTFOUND,
// ETOOLARGE, EUNAVAILABLE.
func FetchBundle(ctx context.Context, hc *http.Client, articleURL string) (anchor.ProofBundle, error) {
	target, err := ProofURL(articleURL)
	if err != nil {
		return anchor.ProofBundle{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return anchor.ProofBundle{}, banx.Wrap(banx.EINVALID, err, "proof URL: %v", err)
	}
	req.Header.Set("Accept", "application/json")
	if hc.CheckRedirect == nil {
		bounded := *hc
		bounded.CheckRedirect = limitRedirects
		hc = &bounded
	}
	resp, err := hc.Do(req)
	if err != nil {
		return anchor.ProofBundle{}, banx.Wrap(banx.EUNAVAILABLE, err, "fetch proof bundle from %s: %v", target, unwrapURLError(err))
	}
	defer resp.Body.Close()
	data, err := readLimited(resp.Body, anchor.MaxProofBundleBytes, "proof bundle from "+target)
	if err != nil {
		return anchor.ProofBundle{}, err
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return anchor.ProofBundle{}, banx.Errorf(banx.ENOTFOUND, "no proof bundle at %s (HTTP 404)", target)
	case resp.StatusCode >= 500:
		return anchor.ProofBundle{}, banx.Errorf(banx.EUNAVAILABLE, "%s answered HTTP %d", target, resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return anchor.ProofBundle{}, banx.Errorf(banx.EINVALID, "%s answered HTTP %d, not a proof bundle", target, resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "json") {
		return anchor.ProofBundle{}, banx.Errorf(banx.EINVALID, "%s served %s, not a proof bundle (JSON)", target, clip(ct))
	}
	return anchor.ParseProofBundle(data)
}
