package verify

import (
	"context"
	"encoding/json"
	"fmt"
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
	data, err := FetchBundleData(ctx, hc, target)
	if err != nil {
		return anchor.ProofBundle{}, err
	}
	return anchor.ParseProofBundle(data)
}

// FetchBundleData downloads the JSON document at target, a proof URL, without
// parsing it: its errors are all about the URL (the site refused it, served
// something else than JSON, or did not answer), so a caller can tell a
// refused URL from a bundle that does not parse. Errors: EINVALID, ENOTFOUND,
// ETOOLARGE, EUNAVAILABLE.
func FetchBundleData(ctx context.Context, hc *http.Client, target string) ([]byte, error) {
	resp, data, err := get(ctx, hc, target, anchor.MaxProofBundleBytes, "proof bundle from "+target)
	if err != nil {
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, banx.Errorf(banx.ENOTFOUND, "no proof bundle at %s (HTTP 404)", target)
	case resp.StatusCode >= 500:
		return nil, banx.Errorf(banx.EUNAVAILABLE, "%s answered HTTP %d", target, resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return nil, banx.Errorf(banx.EINVALID, "%s answered HTTP %d, not a proof bundle", target, resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "json") {
		return nil, banx.Errorf(banx.EINVALID, "%s served %s, not a proof bundle (JSON)", target, clip(ct))
	}
	return data, nil
}

// get fetches target asking for JSON, reading at most limit bytes.
func get(ctx context.Context, hc *http.Client, target string, limit int64, what string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, nil, banx.Wrap(banx.EINVALID, err, "proof URL: %v", err)
	}
	req.Header.Set("Accept", "application/json")
	if hc.CheckRedirect == nil {
		bounded := *hc
		bounded.CheckRedirect = limitRedirects
		hc = &bounded
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, banx.Wrap(banx.EUNAVAILABLE, err, "fetch %s: %v", what, unwrapURLError(err))
	}
	defer resp.Body.Close()
	data, err := readLimited(resp.Body, limit, what)
	if err != nil {
		return nil, nil, err
	}
	return resp, data, nil
}

// articleReaderPage matches the path of an article's reader page on a Banx
// site, /a/{id} or /a/{id}/{slug}: the URL a reader has in the address bar.
var articleReaderPage = regexp.MustCompile(`^/a/([1-9][0-9]{0,17})(?:/[^/]*)?/?$`)

// maxArticleJSONBytes bounds the article document read to find its latest
// version: a few hundred versions of metadata.
const maxArticleJSONBytes = 1 << 20

// ArticleProof is where ResolveProofURL found an article's proof bundle.
type ArticleProof struct {
	URL string // the proof bundle's URL
	// Version and CID are set for an article's reader page: the latest
	// published version, and the manifest CID the site lists for it.
	Version int
	CID     string
}

// ResolveProofURL returns where the proof bundle of an article URL is served.
// For an article's reader page /a/{id}[/{slug}] it asks the same site for the
// article (GET /api/v1/articles/{id}) and names the proof of its latest
// published version, /api/v1/articles/{id}/versions/{n}/proof; any other
// URL goes through ProofURL. Only where to look comes from the site: the
// bundle is then verified against the nodes the caller chose. Errors:
// EINVALID (not an http(s) URL, the site's answer is not an article),
// ENOTFOUND (no such article, or no published version), ETOOLARGE,
// EUNAVAILABLE.
func ResolveProofURL(ctx context.Context, hc *http.Client, raw string) (ArticleProof, error) {
	target, err := ProofURL(raw)
	if err != nil {
		return ArticleProof{}, err
	}
	u, _ := url.Parse(target)
	m := articleReaderPage.FindStringSubmatch(u.Path)
	if m == nil {
		return ArticleProof{URL: target}, nil
	}
	api := url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/api/v1/articles/" + m[1]}
	resp, data, err := get(ctx, hc, api.String(), maxArticleJSONBytes, "article "+m[1]+" from "+api.String())
	if err != nil {
		return ArticleProof{}, err
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return ArticleProof{}, banx.Errorf(banx.ENOTFOUND, "%s has no article %s (HTTP 404 from %s)", u.Host, m[1], api.String())
	case resp.StatusCode >= 500:
		return ArticleProof{}, banx.Errorf(banx.EUNAVAILABLE, "%s answered HTTP %d", api.String(), resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return ArticleProof{}, banx.Errorf(banx.EINVALID, "%s answered HTTP %d, not an article", api.String(), resp.StatusCode)
	}
	var art struct {
		Versions []struct {
			Version int    `json:"version"`
			Status  string `json:"status"`
			CID     string `json:"cid"`
		} `json:"versions"`
	}
	if err := json.Unmarshal(data, &art); err != nil {
		return ArticleProof{}, banx.Errorf(banx.EINVALID, "%s is not a Banx article (JSON): %v", api.String(), clip(err.Error()))
	}
	var latest ArticleProof
	for _, v := range art.Versions {
		if v.Status == string(banx.StatusPublished) && v.Version > latest.Version {
			latest.Version, latest.CID = v.Version, v.CID
		}
	}
	if latest.Version == 0 {
		return ArticleProof{}, banx.Errorf(banx.ENOTFOUND, "article %s on %s has no published version to verify", m[1], u.Host)
	}
	api.Path = fmt.Sprintf("/api/v1/articles/%s/versions/%d/proof", m[1], latest.Version)
	latest.URL = api.String()
	return latest, nil
}
