package main

import (
	"encoding/json"

	"github.com/Peersyst/xrpl-go/binary-codec"
	"github.com/Peersyst/xrpl-go/xrpl/wallet"

	"fmt"
	"github.com/banxmedia/banx/internal/anchor"
	"strings"
	"unicode/utf8"
)

// Hostile spellings reused across the catalogue.
const (
	rtlOverride = "\u202e" // RIGHT-TO-LEFT OVERRIDE: shows text reversed
	zeroWidth   = "\u200b" // ZERO WIDTH SPACE: invisible
	sqlQuote    = "' OR '1'='1' --"
	badUTF8     = "\xff\xfe\xc3"
	unknownCID  = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
	someTxHash  = "C53ECF838647FA5A4C780377025FEC7999AB4182590510CA461444B207AB74A9"
)

// homoglyph swaps the first Latin letter of s that has a Cyrillic double for
// that double: the address looks the same and is not.
func homoglyph(s string) string {
	twins := map[rune]string{'a': "а", 'c': "с", 'e': "е", 'o': "о", 'p': "р", 'x': "х", 'y': "у", 'B': "В", 'H': "Н", 'K': "К", 'M': "М", 'P': "Р", 'T': "Т", 'X': "Х"}
	for i, r := range s {
		if twin, ok := twins[r]; ok {
			return s[:i] + twin + s[i+utf8.RuneLen(r):]
		}
	}
	return "а" + s[1:]
}

// js encodes v as JSON (for bodies that are well-formed JSON with bad values).
func js(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// deepJSON nests n arrays in an object field: past encoding/json's depth limit.
func deepJSON(field string, n int) []byte {
	return []byte(`{"` + field + `":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`)
}

// httpCatalogue is every hostile request, grouped by endpoint in the order of
// internal/http/routes.go.
func httpCatalogue(f *badInputFixture) []httpCase {
	me := f.author.ClassicAddress.String()
	other := f.author2.ClassicAddress.String()
	draft := fmt.Sprint(f.draftID)
	art := fmt.Sprint(f.articleID)
	huge := strings.Repeat("A", 100<<10)
	get := func(path string) request { return request{method: "GET", path: path} }
	post := func(path, auth string, body []byte) request {
		return request{method: "POST", path: path, auth: auth, contentType: "application/json", body: body}
	}
	put := func(path string, body []byte) request {
		return request{method: "PUT", path: path, auth: "operator", contentType: "application/json", body: body}
	}
	crossSite := map[string]string{"Sec-Fetch-Site": "cross-site"}
	sameOrigin := map[string]string{"Origin": f.srv.url}

	// A well-formed unused sign-in message, altered in one place at a time.
	msg := f.openChallenge
	pub2, sig2 := mustSign(msg, f.author2)
	pub1, sig1 := mustSign(msg, f.author)
	otherText := strings.Replace(msg, "nonce: ", "nonce: 0", 1)
	prepared := fmt.Sprint(f.prepared.ID)
	leaf := anchor.Leaf{NetworkID: f.draft.NetworkID, Author: me, SHA256: f.draft.SHA256, CID: f.draft.CID}
	leaf2 := mustLeaf(leaf, f.author2)
	leafOther := mustLeaf(anchor.Leaf{NetworkID: f.draft.NetworkID, Author: me, SHA256: f.prepared.SHA256, CID: f.prepared.CID}, f.author)
	otherMemo := []any{map[string]any{"Memo": map[string]any{"MemoData": "00", "MemoType": "00"}}}

	return []httpCase{
		// /healthz
		{"Healthz/ErrMethod", request{method: "POST", path: "/healthz"}, 405, "method_not_allowed", "not allowed on /healthz"},
		{"Healthz/ErrTraversal", get("/healthz/../api/v1/token"), 404, "not_found", "no route"},

		// /metrics (operator)
		{"Metrics/ErrNoToken", get("/metrics"), 401, "unauthorized", "operator credentials required"},
		{"Metrics/ErrBasicAuth", request{method: "GET", path: "/metrics", auth: "Basic YWRtaW46YWRtaW4="}, 401, "unauthorized", "operator credentials required"},
		{"Metrics/ErrZeroWidthToken", request{method: "GET", path: "/metrics", auth: "Bearer " + f.srv.token + zeroWidth}, 401, "unauthorized", "operator token is not valid"},
		{"Metrics/ErrHomoglyphToken", request{method: "GET", path: "/metrics", auth: "Bearer " + homoglyph(f.srv.token)}, 401, "unauthorized", "operator token is not valid"},

		// /ipfs/{cid}
		{"IPFS/ErrMalformedCID", get("/ipfs/not-a-cid"), 400, "invalid", `malformed CID "not-a-cid": invalid cid`},
		{"IPFS/ErrDotDot", get("/ipfs/%2e%2e"), 400, "invalid", `malformed CID ".."`},
		{"IPFS/ErrEncodedTraversal", get("/ipfs/..%2F..%2Fetc%2Fpasswd"), 404, "not_found", "no route"},
		{"IPFS/ErrSQL", get("/ipfs/" + unknownCID + "%27%20OR%201=1--"), 400, "invalid", `malformed CID "` + unknownCID + `' OR 1=1--": invalid cid: illegal base32 data`},
		{"IPFS/ErrRTLOverride", get("/ipfs/" + rtlOverride + unknownCID), 400, "invalid", `malformed CID "\u202e` + unknownCID + `"`},
		{"IPFS/ErrNUL", get("/ipfs/" + unknownCID + "%00"), 400, "invalid", `malformed CID "` + unknownCID + `\x00": invalid cid: illegal base32 data`},
		{"IPFS/ErrHuge", get("/ipfs/" + huge[:6000]), 400, "invalid", `malformed CID "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…": invalid cid`},
		{"IPFS/ErrHugeNonASCII", get("/ipfs/a" + strings.Repeat("é", 100)), 400, "invalid", `malformed CID "a` + strings.Repeat("é", 49) + `…"`},
		{"IPFS/ErrUnknown", get("/ipfs/" + unknownCID), 404, "not_found", "block " + unknownCID + " not found"},
		{"IPFS/ErrHeadMalformed", request{method: "HEAD", path: "/ipfs/xyz"}, 400, "", ""},
		{"IPFS/ErrMethod", request{method: "DELETE", path: "/ipfs/" + unknownCID}, 405, "method_not_allowed", "method DELETE is not allowed on /ipfs/"},

		// POST /api/v1/content (operator)
		{"Content/ErrNoToken", post("/api/v1/content", "", []byte("x")), 401, "unauthorized", "operator credentials required"},
		{"Content/ErrWrongToken", post("/api/v1/content", "Bearer 0000000000000000000000000000000000000000000000000000000000000000", []byte("x")), 401, "unauthorized", "not valid"},
		{"Content/ErrAuthorToken", post("/api/v1/content", "author", []byte("x")), 401, "unauthorized", "not valid"},
		{"Content/ErrTooLarge", post("/api/v1/content", "operator", make([]byte, 11<<20+1)), 413, "too_large", "larger than 11534336 bytes"},
		{"Content/ErrTooLargeChunked", request{method: "POST", path: "/api/v1/content", auth: "operator", chunked: true, body: make([]byte, 11<<20+1)}, 413, "too_large", "request body is larger than 11534336 bytes"},
		{"Content/ErrCrossSite", request{method: "POST", path: "/api/v1/content", header: crossSite, body: []byte("x")}, 403, "forbidden", "cross-origin write refused"},
		{"Content/ErrForeignOrigin", request{method: "POST", path: "/api/v1/content", header: map[string]string{"Origin": "http://evil.example"}, body: []byte("x")}, 403, "forbidden", "Origin http://evil.example is not this server"},
		{"Content/ErrMethod", get("/api/v1/content"), 405, "method_not_allowed", "method GET is not allowed on /api/v1/content"},

		// POST /api/v1/auth/challenge
		{"Challenge/ErrNumber", post("/api/v1/auth/challenge", "", []byte(`{"address":123}`)), 400, "invalid", "cannot unmarshal number"},
		{"Challenge/ErrMissing", post("/api/v1/auth/challenge", "", []byte(`{}`)), 400, "invalid", `address "" is not a classic XRP Ledger address`},
		{"Challenge/ErrUnknownField", post("/api/v1/auth/challenge", "", js(map[string]any{"address": me, "admin": true})), 400, "invalid", `unknown field "admin"`},
		{"Challenge/ErrNotAddress", post("/api/v1/auth/challenge", "", js(map[string]string{"address": "rNOTANADDRESS"})), 400, "invalid", "not a classic XRP Ledger address"},
		{"Challenge/ErrChecksum", post("/api/v1/auth/challenge", "", js(map[string]string{"address": me[:len(me)-1] + flip(me[len(me)-1])})), 400, "invalid", "not a classic XRP Ledger address"},
		{"Challenge/ErrHomoglyph", post("/api/v1/auth/challenge", "", js(map[string]string{"address": homoglyph(me)})), 400, "invalid", `address "` + homoglyph(me) + `" is not a classic XRP Ledger address`},
		{"Challenge/ErrRTLOverride", post("/api/v1/auth/challenge", "", js(map[string]string{"address": rtlOverride + me})), 400, "invalid", `address "\u202e` + me + `" is not a classic XRP Ledger address`},
		{"Challenge/ErrZeroWidth", post("/api/v1/auth/challenge", "", js(map[string]string{"address": me[:5] + zeroWidth + me[5:]})), 400, "invalid", `address "` + me[:5] + `\u200b` + me[5:] + `" is not a classic XRP Ledger address`},
		{"Challenge/ErrNUL", post("/api/v1/auth/challenge", "", js(map[string]string{"address": me + "\x00"})), 400, "invalid", `address "` + me + `\x00" is not a classic XRP Ledger address`},
		{"Challenge/ErrInvalidUTF8", post("/api/v1/auth/challenge", "", []byte(`{"address":"`+me+badUTF8+`"}`)), 400, "invalid", `address "` + me + "\uFFFD\uFFFD\uFFFD" + `" is not a classic XRP Ledger address`},
		{"Challenge/ErrSQL", post("/api/v1/auth/challenge", "", js(map[string]string{"address": "r" + sqlQuote})), 400, "invalid", `address "r' OR '1'='1' --" is not a classic XRP Ledger address`},
		{"Challenge/ErrHuge", post("/api/v1/auth/challenge", "", js(map[string]string{"address": huge})), 400, "invalid", `address "AAAAAAAAAA`},
		{"Challenge/ErrTrailing", post("/api/v1/auth/challenge", "", []byte(`{"address":"`+me+`"}{"address":"`+other+`"}`)), 400, "invalid", "trailing data"},
		{"Challenge/ErrForm", request{method: "POST", path: "/api/v1/auth/challenge", contentType: "application/x-www-form-urlencoded", body: []byte("address=" + me)}, 400, "invalid", "invalid character 'a'"},
		{"Challenge/ErrEmpty", post("/api/v1/auth/challenge", "", nil), 400, "invalid", "request body: EOF"},
		{"Challenge/ErrArray", post("/api/v1/auth/challenge", "", []byte(`["`+me+`"]`)), 400, "invalid", "request body: cannot unmarshal array into Go value of type http.challengeRequest"},
		{"Challenge/ErrDeep", post("/api/v1/auth/challenge", "", deepJSON("address", 20000)), 400, "invalid", "invalid character '[' exceeded max depth"},
		{"Challenge/ErrCrossSite", request{method: "POST", path: "/api/v1/auth/challenge", contentType: "application/json", header: crossSite, body: js(map[string]string{"address": me})}, 403, "forbidden", "cross-origin write refused"},

		// POST /api/v1/auth/session
		{"SignIn/ErrEmptyObject", post("/api/v1/auth/session", "", []byte(`{}`)), 400, "invalid", "sign-in message: must end with a newline"},
		{"SignIn/ErrNotBanxMessage", post("/api/v1/auth/session", "", js(map[string]string{"message": "Please sign: transfer 1000 XRP\n", "public_key": pub1, "signature": sig1})), 400, "invalid", `sign-in message: first line must be "BANX-LOGIN-V1": this is not a Banx sign-in message`},
		{"SignIn/ErrWrongType", post("/api/v1/auth/session", "", []byte(`{"message":["x"],"public_key":1,"signature":true}`)), 400, "invalid", "cannot unmarshal array"},
		{"SignIn/ErrUnknownField", post("/api/v1/auth/session", "", js(map[string]string{"message": msg, "public_key": pub1, "signature": sig1, "address": me})), 400, "invalid", `unknown field "address"`},
		{"SignIn/ErrGarbageSignature", post("/api/v1/auth/session", "", js(map[string]string{"message": msg, "public_key": pub1, "signature": "ZZ"})), 401, "unauthorized", `sign-in refused: signature "ZZ" is not a signature`},
		{"SignIn/ErrTruncatedSignature", post("/api/v1/auth/session", "", js(map[string]string{"message": msg, "public_key": pub1, "signature": sig1[:len(sig1)-2]})), 401, "unauthorized", "sign-in refused: signature does not verify for this message and public key " + pub1},
		{"SignIn/ErrOtherKey", post("/api/v1/auth/session", "", js(map[string]string{"message": msg, "public_key": pub2, "signature": sig2})), 401, "unauthorized", "sign-in refused: key " + pub2 + " (address " + other + ") is neither the master key nor the regular key of " + me},
		{"SignIn/ErrKeySwap", post("/api/v1/auth/session", "", js(map[string]string{"message": msg, "public_key": pub2, "signature": sig1})), 401, "unauthorized", "sign-in refused: signature does not verify for this message and public key " + pub2},
		{"SignIn/ErrSignatureOverOtherText", post("/api/v1/auth/session", "", js(map[string]string{"message": otherText, "public_key": pub1, "signature": sig1})), 401, "unauthorized", "sign-in refused: nonce must be 32 lower-case hex characters"},
		{"SignIn/ErrForeignDomain", post("/api/v1/auth/session", "", js(map[string]string{"message": strings.Replace(msg, "domain: ", "domain: evil.", 1), "public_key": pub1, "signature": sig1})), 401, "unauthorized", "sign-in refused: the challenge is for domain"},
		{"SignIn/ErrRTLInMessage", post("/api/v1/auth/session", "", js(map[string]string{"message": strings.Replace(msg, "address: ", "address: "+rtlOverride, 1), "public_key": pub1, "signature": sig1})), 401, "unauthorized", "sign-in refused: the message differs from the challenge"},
		{"SignIn/ErrReplay", post("/api/v1/auth/session", "", js(map[string]string{"message": f.usedProof[0], "public_key": f.usedProof[1], "signature": f.usedProof[2]})), 401, "unauthorized", "has already been used"},
		{"SignIn/ErrHugeMessage", post("/api/v1/auth/session", "", js(map[string]string{"message": huge + "\n", "public_key": pub1, "signature": sig1})), 400, "invalid", "sign-in message: 102401 bytes, at most 1024"},

		// GET and DELETE /api/v1/auth/session
		{"Session/ErrNoToken", get("/api/v1/auth/session"), 401, "unauthorized", "sign in first"},
		{"Session/ErrUnknownToken", request{method: "GET", path: "/api/v1/auth/session", auth: "Bearer " + strings.Repeat("ab", 32)}, 401, "unauthorized", "session token is not valid"},
		{"Session/ErrHugeToken", request{method: "GET", path: "/api/v1/auth/session", auth: "Bearer " + huge[:300]}, 401, "unauthorized", "missing or malformed"},
		{"Session/ErrOperatorToken", request{method: "GET", path: "/api/v1/auth/session", auth: "operator"}, 401, "unauthorized", "session token is not valid"},
		{"Session/ErrSQLCookie", request{method: "GET", path: "/api/v1/auth/session", header: map[string]string{"Cookie": "banx_session=x%27%20OR%201%3D1"}}, 401, "unauthorized", "session token is not valid"},
		{"SignOut/ErrNoToken", request{method: "DELETE", path: "/api/v1/auth/session"}, 401, "unauthorized", "sign in first"},
		{"SignOut/ErrUnknownToken", request{method: "DELETE", path: "/api/v1/auth/session", auth: "Bearer " + strings.Repeat("cd", 32)}, 401, "unauthorized", "session token is not valid"},
		{"SignOut/ErrCrossSiteCookie", request{method: "DELETE", path: "/api/v1/auth/session", header: map[string]string{"Cookie": "banx_session=" + f.session, "Sec-Fetch-Site": "same-site"}}, 403, "forbidden", "same-site page (Sec-Fetch-Site)"},

		// POST /api/v1/drafts (author)
		{"Drafts/ErrNoSession", post("/api/v1/drafts", "", f.draftDoc), 401, "unauthorized", "sign in first"},
		{"Drafts/ErrEmpty", post("/api/v1/drafts", "author", nil), 400, "invalid", "manifest: invalid JSON: empty document"},
		{"Drafts/ErrNotJSON", post("/api/v1/drafts", "author", []byte("# just markdown")), 400, "invalid", "manifest: invalid JSON at byte offset 1: invalid character '#'"},
		{"Drafts/ErrOtherAuthor", post("/api/v1/drafts", "author", []byte(strings.ReplaceAll(string(f.draftDoc), me, other))), 403, "forbidden", "manifest author " + other + " is not the signed-in author " + me},
		{"Drafts/ErrInvalidUTF8", post("/api/v1/drafts", "author", []byte(strings.Replace(string(f.draftDoc), "Draft under attack", "Draft "+badUTF8, 1))), 400, "invalid", "manifest: invalid UTF-8 at byte offset"},
		{"Drafts/ErrDuplicateKey", post("/api/v1/drafts", "author", []byte(strings.Replace(string(f.draftDoc), "{", `{"title":"Shadow",`, 1))), 400, "invalid", "title: duplicate key"},
		{"Drafts/ErrTitleRTLOverride", post("/api/v1/drafts", "author", []byte(strings.Replace(string(f.draftDoc), `"Draft under attack"`, `"Invoice `+rtlOverride+`fdp.exe"`, 1))), 400, "invalid", "title: invisible format character U+202E (right-to-left override) not allowed"},
		{"Drafts/ErrTitleZeroWidth", post("/api/v1/drafts", "author", []byte(strings.Replace(string(f.draftDoc), `"Draft under attack"`, `"Draft `+zeroWidth+`under attack"`, 1))), 400, "invalid", "title: invisible format character U+200B (zero width space) not allowed"},
		{"Drafts/ErrWrongType", post("/api/v1/drafts", "author", []byte(strings.Replace(string(f.draftDoc), `"Draft under attack"`, `42`, 1))), 400, "invalid", "title: want string, got number"},
		{"Drafts/ErrTextPlain", request{method: "POST", path: "/api/v1/drafts", auth: "author", contentType: "text/plain", body: f.draftDoc}, 415, "unsupported_media_type", `a draft is a JSON manifest: send Content-Type: application/json, not "text/plain"`},
		{"Drafts/ErrForm", request{method: "POST", path: "/api/v1/drafts", auth: "author", contentType: "application/x-www-form-urlencoded", body: f.draftDoc}, 415, "unsupported_media_type", `not "application/x-www-form-urlencoded"`},
		{"Drafts/ErrMultipart", request{method: "POST", path: "/api/v1/drafts", auth: "author", contentType: multipartType, body: multipartBundle(string(f.draftDoc))}, 415, "unsupported_media_type", "a draft is a JSON manifest"},
		{"Drafts/ErrMalformedType", request{method: "POST", path: "/api/v1/drafts", auth: "author", contentType: "application/json; ;=", body: f.draftDoc}, 415, "unsupported_media_type", "a draft is a JSON manifest"},
		{"Drafts/ErrArticleNotNumber", post("/api/v1/drafts?article=abc", "author", f.draftDoc), 400, "invalid", `article must be a positive integer, got "abc"`},
		{"Drafts/ErrArticleNegative", post("/api/v1/drafts?article=-1", "author", f.draftDoc), 400, "invalid", "article must be a positive integer"},
		{"Drafts/ErrArticleOverflow", post("/api/v1/drafts?article=99999999999999999999", "author", f.draftDoc), 400, "invalid", "article must be a positive integer"},
		{"Drafts/ErrArticleSQL", post("/api/v1/drafts?article=1%27%20OR%201%3D1", "author", f.draftDoc), 400, "invalid", "article must be a positive integer"},
		{"Drafts/ErrCoverNotStored", post("/api/v1/drafts", "author", withMedia(f.draftDoc, "cover", unknownCID)), 400, "invalid",
			"media[0].cid: cover image " + unknownCID + " is not in this server's content store: upload it first (POST /api/v1/media, or banx media add FILE)"},
		{"Drafts/ErrInlineNotStored", post("/api/v1/drafts", "author", withMedia(f.draftDoc, "inline", unknownCID)), 400, "invalid",
			"media[0].cid: inline image " + unknownCID + " is not in this server's content store"},
		{"Drafts/ErrTooLarge", post("/api/v1/drafts", "author", make([]byte, 12<<20)), 413, "too_large", "larger than"},
		{"Drafts/ErrCrossSiteBasicAuthCookie", request{method: "POST", path: "/api/v1/drafts", auth: "Basic YTpi", contentType: "application/json", header: map[string]string{"Cookie": "banx_session=" + f.session, "Sec-Fetch-Site": "cross-site"}, body: f.draftDoc}, 403, "forbidden", "cross-origin write refused"},
		{"Drafts/ErrCrossSiteEmptyBearerCookie", request{method: "POST", path: "/api/v1/drafts", auth: "Bearer ", contentType: "application/json", header: map[string]string{"Cookie": "banx_session=" + f.session, "Origin": "http://evil.example"}, body: f.draftDoc}, 403, "forbidden", "cross-origin write refused"},
		{"Drafts/ErrTooLargeChunked", request{method: "POST", path: "/api/v1/drafts", auth: "author", contentType: "application/json", chunked: true, body: make([]byte, 12<<20)}, 413, "too_large", "request body is larger than 11534336 bytes"},
		{"Drafts/ErrCrossSiteCookie", request{method: "POST", path: "/api/v1/drafts", contentType: "application/json", header: map[string]string{"Cookie": "banx_session=" + f.session, "Sec-Fetch-Site": "cross-site"}, body: f.draftDoc}, 403, "forbidden", "cross-origin write refused"},

		// GET /api/v1/drafts/{id}
		{"Draft/ErrNoSession", get("/api/v1/drafts/" + draft), 401, "unauthorized", "sign in first"},
		{"Draft/ErrNotNumber", request{method: "GET", path: "/api/v1/drafts/abc", auth: "author"}, 400, "invalid", `id must be a positive integer, got "abc"`},
		{"Draft/ErrZero", request{method: "GET", path: "/api/v1/drafts/0", auth: "author"}, 400, "invalid", "id must be a positive integer"},
		{"Draft/ErrExponent", request{method: "GET", path: "/api/v1/drafts/1e3", auth: "author"}, 400, "invalid", "id must be a positive integer"},
		{"Draft/ErrNUL", request{method: "GET", path: "/api/v1/drafts/1%00", auth: "author"}, 400, "invalid", `"1\x00"`},
		{"Draft/ErrUnknown", request{method: "GET", path: "/api/v1/drafts/999999", auth: "author"}, 404, "not_found", "article version 999999: not found"},

		// POST /api/v1/drafts/{id}/anchor
		{"Anchor/ErrNoMode", post("/api/v1/drafts/"+draft+"/anchor", "author", []byte(`{}`)), 400, "invalid", `mode must be "self" or "batch", got ""`},
		{"Anchor/ErrModeCase", post("/api/v1/drafts/"+draft+"/anchor", "author", js(map[string]string{"mode": "SELF"})), 400, "invalid", `got "SELF"`},
		{"Anchor/ErrModeType", post("/api/v1/drafts/"+draft+"/anchor", "author", []byte(`{"mode":1}`)), 400, "invalid", "cannot unmarshal number"},
		{"Anchor/ErrModeRTL", post("/api/v1/drafts/"+draft+"/anchor", "author", js(map[string]string{"mode": "self" + rtlOverride})), 400, "invalid", "mode must be"},
		{"Anchor/ErrSelfWithSignature", post("/api/v1/drafts/"+draft+"/anchor", "author", js(map[string]string{"mode": "self", "signature": "AB"})), 400, "invalid", "mode self takes no public_key or signature"},
		{"Anchor/ErrBatchGarbageSignature", post("/api/v1/drafts/"+draft+"/anchor", "author", js(map[string]string{"mode": "batch", "public_key": pub1, "signature": "ZZ"})), 400, "invalid", `leaf: signature "ZZ" is not a signature`},
		{"Anchor/ErrBatchOtherKey", post("/api/v1/drafts/"+draft+"/anchor", "author", js(map[string]string{"mode": "batch", "public_key": leaf2.PublicKey, "signature": leaf2.Signature})), 403, "forbidden", "is neither the master key nor the regular key of " + me},
		{"Anchor/ErrBatchSignatureOverSignIn", post("/api/v1/drafts/"+draft+"/anchor", "author", js(map[string]string{"mode": "batch", "public_key": pub1, "signature": sig1})), 400, "invalid", "leaf: author signature: signature does not verify"},
		{"Anchor/ErrBatchLeafOfOtherDraft", post("/api/v1/drafts/"+draft+"/anchor", "author", js(map[string]string{"mode": "batch", "public_key": leafOther.PublicKey, "signature": leafOther.Signature})), 400, "invalid", "leaf: author signature: signature does not verify"},
		{"Anchor/ErrUnknownField", post("/api/v1/drafts/"+draft+"/anchor", "author", js(map[string]string{"mode": "batch", "fee": "1"})), 400, "invalid", `unknown field "fee"`},
		{"Anchor/ErrPublished", post("/api/v1/drafts/1/anchor", "author", js(map[string]string{"mode": "self"})), 409, "conflict", "version 1 is published: only a stored or failed version can be anchored"},
		{"Anchor/ErrBadID", post("/api/v1/drafts/-1/anchor", "author", js(map[string]string{"mode": "self"})), 400, "invalid", "id must be a positive integer"},
		{"Anchor/ErrNoSession", post("/api/v1/drafts/"+draft+"/anchor", "", js(map[string]string{"mode": "self"})), 401, "unauthorized", "sign in first"},

		// POST /api/v1/drafts/{id}/submit
		{"Submit/ErrEmptyBlob", post("/api/v1/drafts/"+prepared+"/submit", "author", []byte(`{"tx_blob":""}`)), 400, "invalid", "signed transaction must be 1 to 4096 bytes of hexadecimal"},
		{"Submit/ErrNotHex", post("/api/v1/drafts/"+prepared+"/submit", "author", js(map[string]string{"tx_blob": "zz" + sqlQuote})), 400, "invalid", "signed transaction must be 1 to 4096 bytes of hexadecimal"},
		{"Submit/ErrRandomHex", post("/api/v1/drafts/"+prepared+"/submit", "author", js(map[string]string{"tx_blob": strings.Repeat("12", 120)})), 400, "invalid", "signed transaction cannot be decoded as an XRPL transaction"},
		{"Submit/ErrUnsigned", post("/api/v1/drafts/"+prepared+"/submit", "author", js(map[string]string{"tx_blob": encodeTx(f.preparedTx)})), 400, "invalid", "it is not signed (SigningPubKey and TxnSignature are required)"},
		{"Submit/ErrSignedByOther", post("/api/v1/drafts/"+prepared+"/submit", "author", js(map[string]string{"tx_blob": signTx(f.preparedTx, f.author2, nil)})), 403, "forbidden", "is neither the master key nor the regular key of " + me},
		{"Submit/ErrFeeChanged", post("/api/v1/drafts/"+prepared+"/submit", "author", js(map[string]string{"tx_blob": signTx(f.preparedTx, f.author, map[string]any{"Fee": "999999"})})), 400, "invalid", "field Fee is 999999, prepared " + fmt.Sprint(f.preparedTx["Fee"]) + ": it must be exactly the prepared transaction"},
		{"Submit/ErrMemoChanged", post("/api/v1/drafts/"+prepared+"/submit", "author", js(map[string]string{"tx_blob": signTx(f.preparedTx, f.author, map[string]any{"Memos": otherMemo})})), 400, "invalid", "the memo differs from this draft's anchor memo"},
		{"Submit/ErrOtherDraft", post("/api/v1/drafts/"+draft+"/submit", "author", js(map[string]string{"tx_blob": signTx(f.preparedTx, f.author, nil)})), 409, "conflict", "no prepared self anchor"},
		{"Submit/ErrBlobType", post("/api/v1/drafts/"+draft+"/submit", "author", []byte(`{"tx_blob":{"Account":"`+me+`"}}`)), 400, "invalid", "cannot unmarshal object"},
		{"Submit/ErrNotPrepared", post("/api/v1/drafts/"+draft+"/submit", "author", js(map[string]string{"tx_blob": strings.Repeat("12", 120)})), 409, "conflict", "prepare"},
		{"Submit/ErrPublished", post("/api/v1/drafts/1/submit", "author", js(map[string]string{"tx_blob": strings.Repeat("12", 120)})), 409, "conflict", "already submitted (validated)"},

		// POST /api/v1/preview (author)
		{"Preview/ErrNoSession", post("/api/v1/preview", "", js(map[string]any{"body": "hi"})), 401, "unauthorized", "sign in first"},
		{"Preview/ErrBodyType", post("/api/v1/preview", "author", []byte(`{"body":{"html":"<script>"}}`)), 400, "invalid", "cannot unmarshal object into Go struct field previewRequest.body of type string"},
		{"Preview/ErrUnknownField", post("/api/v1/preview", "author", []byte(`{"body":"hi","html":"<script>alert(1)</script>"}`)), 400, "invalid", `unknown field "html"`},
		{"Preview/ErrMediaNotCID", post("/api/v1/preview", "author", js(map[string]any{"body": "![x](javascript:alert(1))", "media": []string{"javascript:alert(1)"}})), 400, "invalid", `media[0]: "javascript:alert(1)" is not a CIDv1 in base32`},
		{"Preview/ErrMediaTraversal", post("/api/v1/preview", "author", js(map[string]any{"body": "x", "media": []string{"../../etc/passwd"}})), 400, "invalid", `media[0]: "../../etc/passwd" is not a CIDv1 in base32`},
		{"Preview/ErrMediaRTL", post("/api/v1/preview", "author", js(map[string]any{"body": "x", "media": []string{unknownCID + rtlOverride}})), 400, "invalid", `is not a CIDv1 in base32`},
		{"Preview/ErrTooManyMedia", post("/api/v1/preview", "author", js(map[string]any{"body": "x", "media": make([]string, 1000)})), 413, "too_large", "media: 1000 items, max"},
		{"Preview/ErrHugeBody", post("/api/v1/preview", "author", js(map[string]any{"body": strings.Repeat("a", 3<<20)})), 413, "too_large", "body: 3145728 bytes, max"},
		{"Preview/ErrCrossSiteCookie", request{method: "POST", path: "/api/v1/preview", contentType: "application/json", header: map[string]string{"Cookie": "banx_session=" + f.session, "Sec-Fetch-Site": "cross-site"}, body: []byte(`{"body":"x"}`)}, 403, "forbidden", "cross-origin write refused"},

		// POST /api/v1/media (author)
		{"Media/ErrNoSession", request{method: "POST", path: "/api/v1/media", contentType: "image/png", body: pngHeader}, 401, "unauthorized", "sign in first"},
		{"Media/ErrSVG", request{method: "POST", path: "/api/v1/media", auth: "author", contentType: "image/png", body: []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)}, 415, "unsupported_media_type", "only PNG, JPEG, GIF and WebP images are accepted, found SVG"},
		{"Media/ErrHTMLAsPNG", request{method: "POST", path: "/api/v1/media", auth: "author", contentType: "image/png", body: []byte("<!doctype html><script>alert(1)</script>")}, 415, "unsupported_media_type", "found text/html"},
		{"Media/ErrEmpty", request{method: "POST", path: "/api/v1/media", auth: "author", contentType: "image/png"}, 415, "unsupported_media_type", "found an empty body"},
		{"Media/ErrBarePNGSignature", request{method: "POST", path: "/api/v1/media", auth: "author", contentType: "image/png", body: pngHeader}, 400, "invalid", "starts like image/png but its header cannot be read"},
		{"Media/ErrTooLarge", request{method: "POST", path: "/api/v1/media", auth: "author", contentType: "image/png", body: append(append([]byte{}, pngHeader...), make([]byte, 10<<20)...)}, 413, "too_large", "image is larger than 10485760 bytes"},

		// GET /api/v1/articles, /articles/{id}, /articles/{id}/versions/{n}/proof
		{"Articles/ErrLimitNotNumber", get("/api/v1/articles?limit=ten"), 400, "invalid", `limit must be an integer, got "ten"`},
		{"Articles/ErrLimitNegative", get("/api/v1/articles?limit=-1"), 400, "invalid", "limit must be 1 to 100, got -1"},
		{"Articles/ErrLimitHuge", get("/api/v1/articles?limit=1000000"), 400, "invalid", "limit must be 1 to 100, got 1000000"},
		{"Articles/ErrOffsetNegative", get("/api/v1/articles?offset=-5"), 400, "invalid", "offset must not be negative, got -5"},
		{"Articles/ErrOffsetSQL", get("/api/v1/articles?offset=0%3B%20DROP%20TABLE%20articles"), 400, "invalid", "offset must be an integer"},
		{"Search/ErrEmpty", get("/api/v1/articles?q="), 400, "invalid", "the search is empty: type at least one word"},
		{"Search/ErrOnlyOperators", get("/api/v1/articles?q=%22%29%28*%20-%20%5E%20%3A"), 400, "invalid", "the search has no letter or digit to look for"},
		{"Search/ErrInvalidUTF8", get("/api/v1/articles?q=%FF%FE"), 400, "invalid", "the search is not valid UTF-8 text"},
		{"Search/ErrHuge", get("/api/v1/articles?q=" + strings.Repeat("a", 4000)), 400, "invalid", "the search is 4000 bytes long"},
		{"Search/ErrManyWords", get("/api/v1/articles?q=" + strings.Repeat("w+", 40)), 400, "invalid", "the search has 40 words; at most"},
		{"Search/ErrZeroWidth", get("/api/v1/articles?q=" + zeroWidth + rtlOverride), 400, "invalid", "the search has no letter or digit to look for"},
		{"Search/ErrLimitHuge", get("/api/v1/articles?q=banx&limit=1000"), 400, "invalid", "limit must be from 1 to 100, got 1000"},
		{"Search/ErrOffsetNegative", get("/api/v1/articles?q=banx&offset=-1"), 400, "invalid", "offset must not be negative, got -1"},
		{"Article/ErrNotNumber", get("/api/v1/articles/abc"), 400, "invalid", `id must be a positive integer, got "abc"`},
		{"Article/ErrOverflow", get("/api/v1/articles/9223372036854775808"), 400, "invalid", "id must be a positive integer"},
		{"Article/ErrSQL", get("/api/v1/articles/1%20OR%201=1"), 400, "invalid", "id must be a positive integer"},
		{"Article/ErrUnknown", get("/api/v1/articles/999999"), 404, "not_found", "article 999999: not found"},
		{"Proof/ErrVersionZero", get("/api/v1/articles/" + art + "/versions/0/proof"), 400, "invalid", "n must be a positive integer"},
		{"Proof/ErrVersionUnknown", get("/api/v1/articles/" + art + "/versions/99/proof"), 404, "not_found", "version 99 of article " + art + ": not found"},
		{"Proof/ErrUnpublished", get(fmt.Sprintf("/api/v1/articles/%d/versions/1/proof", f.draftArticle)), 409, "conflict", "it has a proof once its anchor is validated"},

		// GET /api/v1/articles/{id}/view-token, POST /api/v1/views, GET /api/v1/views/stats
		{"ViewToken/ErrNotNumber", get("/api/v1/articles/x/view-token"), 400, "invalid", `article id "x" is not a positive integer`},
		{"ViewToken/ErrUnknown", get("/api/v1/articles/999999/view-token"), 404, "not_found", "article 999999 does not exist"},
		{"ViewToken/ErrUnpublished", get(fmt.Sprintf("/api/v1/articles/%d/view-token", f.draftArticle)), 409, "conflict", "no published version"},
		{"Beacon/ErrEmpty", request{method: "POST", path: "/api/v1/views", contentType: "text/plain"}, 400, "invalid", "beacon body is empty"},
		{"Beacon/ErrTooLarge", request{method: "POST", path: "/api/v1/views", contentType: "text/plain", body: []byte(huge[:2000])}, 413, "too_large", "beacon body is larger than 1024 bytes"},
		{"Beacon/ErrContentType", request{method: "POST", path: "/api/v1/views", contentType: "image/png", body: []byte("tok")}, 400, "invalid", `beacon Content-Type "image/png" is not supported`},
		{"Beacon/ErrMalformedContentType", request{method: "POST", path: "/api/v1/views", contentType: "text/plain; ;;=", body: []byte("tok")}, 400, "invalid", "is malformed"},
		{"Beacon/ErrJSONNoToken", request{method: "POST", path: "/api/v1/views", contentType: "application/json", body: []byte(`{"webdriver":false}`)}, 400, "invalid", `beacon JSON has no "token"`},
		{"Beacon/ErrJSONUnknownField", request{method: "POST", path: "/api/v1/views", contentType: "application/json", body: []byte(`{"token":"x","counted":true}`)}, 400, "invalid", `unknown field "counted"`},
		{"Beacon/ErrJSONWrongType", request{method: "POST", path: "/api/v1/views", contentType: "text/plain", body: []byte(`{"token":7}`)}, 400, "invalid", "beacon JSON is malformed"},
		{"Beacon/ErrGarbageToken", request{method: "POST", path: "/api/v1/views", contentType: "text/plain", body: []byte("not-a-token")}, 400, "invalid", "view token must be 103 characters, got 11"},
		{"Beacon/ErrNULToken", request{method: "POST", path: "/api/v1/views", contentType: "text/plain", body: []byte("v1.\x00\x00")}, 400, "invalid", "view token must be 103 characters, got 5"},
		{"Beacon/ErrRTLToken", request{method: "POST", path: "/api/v1/views", contentType: "application/json", body: js(map[string]string{"token": rtlOverride + "v1.abc"})}, 400, "invalid", "view token must be 103 characters, got 9"},
		{"Beacon/ErrNotBase64", request{method: "POST", path: "/api/v1/views", contentType: "text/plain", body: []byte(strings.Repeat("/", len(viewToken(1, 1))))}, 400, "invalid", "view token is not base64url"},
		{"Beacon/ErrVersion", request{method: "POST", path: "/api/v1/views", contentType: "text/plain", body: []byte(viewToken(9, 1))}, 400, "invalid", "view token version 9 is not supported"},
		{"Beacon/ErrArticleZero", request{method: "POST", path: "/api/v1/views", contentType: "text/plain", body: []byte(viewToken(1, 0))}, 400, "invalid", "view token names article 0"},
		{"Beacon/ErrArticleNegative", request{method: "POST", path: "/api/v1/views", contentType: "application/x-www-form-urlencoded", body: []byte("token=" + viewToken(1, 1<<63))}, 400, "invalid", "view token names article -9223372036854775808"},
		{"Beacon/ErrUnknownArticle", request{method: "POST", path: "/api/v1/views", contentType: "application/json", body: js(map[string]string{"token": viewToken(1, 999999)})}, 404, "not_found", "999999"},
		{"Beacon/ErrFormNoToken", request{method: "POST", path: "/api/v1/views", contentType: "application/x-www-form-urlencoded", body: []byte("tok=1&webdriver=false")}, 400, "invalid", `beacon form has no "token" field`},
		{"Beacon/ErrCrossSite", request{method: "POST", path: "/api/v1/views", contentType: "text/plain", header: crossSite, body: []byte("x")}, 403, "forbidden", "cross-origin write refused"},
		{"ViewStats/ErrNoToken", get("/api/v1/views/stats"), 401, "unauthorized", "operator credentials required"},
		{"ViewStats/ErrFromNotDate", request{method: "GET", path: "/api/v1/views/stats?from=yesterday", auth: "operator"}, 400, "invalid", `from "yesterday" is not a date`},
		{"ViewStats/ErrToMonth13", request{method: "GET", path: "/api/v1/views/stats?to=2026-13-01", auth: "operator"}, 400, "invalid", `to "2026-13-01" is not a date`},
		{"ViewStats/ErrReversed", request{method: "GET", path: "/api/v1/views/stats?from=2026-11-20&to=2026-11-01", auth: "operator"}, 400, "invalid", "stats range ends (2026-11-01) before it starts (2026-11-20)"},
		{"ViewStats/ErrCentury", request{method: "GET", path: "/api/v1/views/stats?from=1926-01-01&to=2026-01-01", auth: "operator"}, 400, "invalid", "days"},

		// GET /api/v1/verify/{tx}, POST /api/v1/verify
		{"VerifyTx/ErrShortHash", get("/api/v1/verify/abc"), 400, "invalid", `transaction hash "ABC" is not 64 hexadecimal characters`},
		{"VerifyTx/ErrSQLHash", get("/api/v1/verify/" + someTxHash[:60] + "%27%20OR%201=1"), 400, "invalid", `transaction hash "C53ECF838647FA5A4C780377025FEC7999AB4182590510CA461444B207AB' OR 1=1" is not 64 hexadecimal characters`},
		{"VerifyTx/ErrBadCID", get("/api/v1/verify/" + someTxHash + "?cid=not-a-cid"), 400, "invalid", `expected cid "not-a-cid" is malformed`},
		{"VerifyTx/ErrBadSHA", get("/api/v1/verify/" + someTxHash + "?sha256=abc"), 400, "invalid", `expected sha256 "abc" is not 64 hexadecimal characters`},
		{"VerifyBundle/ErrEmpty", post("/api/v1/verify", "", nil), 400, "invalid", "proof bundle: $: malformed JSON: unexpected end of input"},
		{"VerifyBundle/ErrTooLarge", post("/api/v1/verify", "", []byte(`{"bundle":"`+strings.Repeat("A", 7<<20)+`"}`)), 413, "too_large", "proof bundle: 6291457 bytes, at most 6291456 are allowed"},
		{"VerifyBundle/ErrTooLargeChunked", request{method: "POST", path: "/api/v1/verify", contentType: "application/json", chunked: true, body: make([]byte, 12<<20)}, 413, "too_large", "proof bundle: 6291457 bytes, at most 6291456 are allowed"},
		{"Challenge/ErrTooLargeChunked", request{method: "POST", path: "/api/v1/auth/challenge", contentType: "application/json", chunked: true, body: make([]byte, 12<<20)}, 413, "too_large", "request body is larger than 11534336 bytes"},
		{"VerifyBundle/ErrUnknownVersion", post("/api/v1/verify", "", []byte(`{"bundle":"banx.proof/9"}`)), 400, "invalid", `proof bundle: bundle "banx.proof/9" is not a version this reader knows`},
		{"VerifyBundle/ErrWrongType", post("/api/v1/verify", "", []byte(`{"bundle":1}`)), 400, "invalid", "proof bundle: cannot unmarshal number into Go struct field bundleJSON.bundle of type string"},
		{"VerifyBundle/ErrDeep", post("/api/v1/verify", "", deepJSON("bundle", 20000)), 400, "invalid", "proof bundle: $.bundle[0][0]: nested deeper than 3 levels"},
		{"VerifyBundle/ErrCrossSite", request{method: "POST", path: "/api/v1/verify", contentType: "application/json", header: crossSite, body: []byte(`{}`)}, 403, "forbidden", "cross-origin write refused"},

		// /api/v1/token, /api/v1/token/trustline/prepare
		{"Token/ErrMethod", post("/api/v1/token", "operator", nil), 405, "method_not_allowed", "method POST is not allowed on /api/v1/token"},
		{"TrustLine/ErrMissing", post("/api/v1/token/trustline/prepare", "", []byte(`{}`)), 400, "invalid", "account is required"},
		{"TrustLine/ErrNumber", post("/api/v1/token/trustline/prepare", "", []byte(`{"account":1}`)), 400, "invalid", "cannot unmarshal number"},
		{"TrustLine/ErrHomoglyph", post("/api/v1/token/trustline/prepare", "", js(map[string]string{"account": homoglyph(me)})), 400, "invalid", "is not a classic XRPL address"},
		{"TrustLine/ErrSQL", post("/api/v1/token/trustline/prepare", "", js(map[string]string{"account": me + sqlQuote})), 400, "invalid", `account "` + me + `' OR '1'='1' --" is not a classic XRPL address`},
		{"TrustLine/ErrNUL", post("/api/v1/token/trustline/prepare", "", js(map[string]string{"account": "\x00" + me})), 400, "invalid", `account "\x00` + me + `" is not a classic XRPL address`},

		// /api/v1/payouts/...
		{"Payouts/ErrEpochWord", get("/api/v1/payouts/first"), 400, "invalid", `epoch "first": want a decimal number`},
		{"Payouts/ErrEpochNegative", get("/api/v1/payouts/-1"), 400, "invalid", `epoch "-1"`},
		{"Payouts/ErrEpochLeadingZero", get("/api/v1/payouts/01"), 400, "invalid", `epoch "01"`},
		{"Payouts/ErrEpochPlus", get("/api/v1/payouts/+1"), 400, "invalid", `epoch "+1"`},
		{"Payouts/ErrEpochOverflow", get("/api/v1/payouts/18446744073709551616"), 400, "invalid", "want a decimal number"},
		{"Payouts/ErrEpochFullwidth", get("/api/v1/payouts/" + "１"), 400, "invalid", "want a decimal number"},
		{"Payouts/ErrFormat", get("/api/v1/payouts/0?format=xml"), 400, "invalid", `format "xml": want json or csv`},
		{"Payouts/ErrUnplanned", get("/api/v1/payouts/3"), 404, "not_found", "epoch 3 has no plan: run `banx payout plan --epoch 3` first"},
		{"Plan/ErrEpoch", get("/api/v1/payouts/1.5/plan"), 400, "invalid", `epoch "1.5"`},
		{"Plan/ErrUnplanned", get("/api/v1/payouts/3/plan"), 404, "not_found", "epoch 3 has no plan"},
		{"PlanEpoch/ErrNoToken", post("/api/v1/payouts/0/plan", "", nil), 401, "unauthorized", "operator credentials required"},
		{"PlanEpoch/ErrDryRun", post("/api/v1/payouts/0/plan?dry_run=maybe", "operator", nil), 400, "invalid", `dry_run "maybe": want true or false`},
		{"PlanEpoch/ErrNotClosed", post("/api/v1/payouts/100000/plan", "operator", nil), 409, "conflict", "100000"},
		{"PlanEpoch/ErrTooFar", post("/api/v1/payouts/99999999999/plan", "operator", nil), 400, "invalid", "want a decimal number from 0 to"},
		{"RunPayouts/ErrNoToken", post("/api/v1/payouts/0/run", "", nil), 401, "unauthorized", "operator credentials required"},
		{"RunPayouts/ErrAuthorToken", post("/api/v1/payouts/0/run", "author", nil), 401, "unauthorized", "operator token is not valid"},
		{"RunPayouts/ErrUnplanned", post("/api/v1/payouts/3/run", "operator", nil), 404, "not_found", "epoch 3 has no plan"},
		{"RunPayouts/ErrFormat", post("/api/v1/payouts/3/run?format=pdf", "operator", nil), 400, "invalid", `format "pdf"`},
		{"LeafProof/ErrEpoch", get("/api/v1/payouts/x/proofs/" + me), 400, "invalid", `epoch "x"`},
		{"LeafProof/ErrHomoglyph", get("/api/v1/payouts/3/proofs/" + homoglyph(me)), 400, "invalid", `author "` + homoglyph(me) + `" is not a classic XRPL address`},
		{"LeafProof/ErrUnplanned", get("/api/v1/payouts/3/proofs/" + me), 404, "not_found", "epoch 3 has no plan"},

		// /api/v1/authors/{address}/beneficiaries and /rewards
		{"Beneficiaries/ErrAddress", get("/api/v1/authors/nobody/beneficiaries"), 400, "invalid", `author "nobody" is not a classic XRPL address`},
		{"Beneficiaries/ErrHomoglyph", get("/api/v1/authors/" + homoglyph(me) + "/beneficiaries"), 400, "invalid", `author "` + homoglyph(me) + `" is not a classic XRPL address`},
		{"Beneficiaries/ErrSQL", get("/api/v1/authors/" + me + "%27%20OR%20%271%27=%271/beneficiaries"), 400, "invalid", `author "` + me + `' OR '1'='1" is not a classic XRPL address`},
		{"SetBeneficiaries/ErrNoToken", request{method: "PUT", path: "/api/v1/authors/" + me + "/beneficiaries", contentType: "application/json", body: []byte(`{"beneficiaries":[]}`)}, 401, "unauthorized", "sign in first"},
		{"SetBeneficiaries/ErrOtherAuthor", request{method: "PUT", path: "/api/v1/authors/" + other + "/beneficiaries", auth: "author", contentType: "application/json", body: []byte(`{"beneficiaries":[]}`)}, 403, "forbidden", "signed in as " + me + ": an author may change only their own reward settings, not those of " + other},
		{"SetBeneficiaries/ErrSelfSum", request{method: "PUT", path: "/api/v1/authors/" + me + "/beneficiaries", auth: "author", contentType: "application/json", body: js(map[string]any{"beneficiaries": []map[string]any{{"account": other, "basis_points": 9999}}})}, 400, "invalid", "shares sum to 9999 basis points"},
		{"SetBeneficiaries/ErrSum", put("/api/v1/authors/"+me+"/beneficiaries", js(map[string]any{"beneficiaries": []map[string]any{{"account": other, "basis_points": 5000}}})), 400, "invalid", "shares sum to 5000 basis points (50.00%), they must sum to exactly 10000 (100%)"},
		{"SetBeneficiaries/ErrNegative", put("/api/v1/authors/"+me+"/beneficiaries", js(map[string]any{"beneficiaries": []map[string]any{{"account": other, "basis_points": 20000}, {"account": me, "basis_points": -10000}}})), 400, "invalid", other + " has 20000 basis points, want 1 to 10000"},
		{"SetBeneficiaries/ErrStringPoints", put("/api/v1/authors/"+me+"/beneficiaries", []byte(`{"beneficiaries":[{"account":"`+other+`","basis_points":"10000"}]}`)), 400, "invalid", "cannot unmarshal string"},
		{"SetBeneficiaries/ErrFloatPoints", put("/api/v1/authors/"+me+"/beneficiaries", []byte(`{"beneficiaries":[{"account":"`+other+`","basis_points":9999.5},{"account":"`+me+`","basis_points":0.5}]}`)), 400, "invalid", "cannot unmarshal number 9999.5"},
		{"SetBeneficiaries/ErrHugePoints", put("/api/v1/authors/"+me+"/beneficiaries", []byte(`{"beneficiaries":[{"account":"`+other+`","basis_points":1e40}]}`)), 400, "invalid", "cannot unmarshal number 1e40"},
		{"SetBeneficiaries/ErrHomoglyphAccount", put("/api/v1/authors/"+me+"/beneficiaries", js(map[string]any{"beneficiaries": []map[string]any{{"account": homoglyph(other), "basis_points": 10000}}})), 400, "invalid", `[0]: beneficiary account "` + homoglyph(other) + `" is not a classic XRPL address`},
		{"SetBeneficiaries/ErrDuplicate", put("/api/v1/authors/"+me+"/beneficiaries", js(map[string]any{"beneficiaries": []map[string]any{{"account": other, "basis_points": 5000}, {"account": other, "basis_points": 5000}}})), 400, "invalid", other + " appears twice"},
		{"SetBeneficiaries/ErrTooMany", put("/api/v1/authors/"+me+"/beneficiaries", manyShares(other, 200)), 400, "invalid", "200 given, at most 8 are allowed"},
		{"SetBeneficiaries/ErrPathAddress", put("/api/v1/authors/"+homoglyph(me)+"/beneficiaries", js(map[string]any{"beneficiaries": []map[string]any{}})), 400, "invalid", `author "` + homoglyph(me) + `" is not a classic XRPL address`},
		{"SetBeneficiaries/ErrNull", put("/api/v1/authors/"+me+"/beneficiaries", []byte(`{"beneficiaries":[null]}`)), 400, "invalid", `[0]: beneficiary account "" is not a classic XRPL address`},
		{"SetRewards/ErrMissing", put("/api/v1/authors/"+me+"/rewards", []byte(`{}`)), 400, "invalid", "declined (true or false) is required"},
		{"SetRewards/ErrString", put("/api/v1/authors/"+me+"/rewards", []byte(`{"declined":"yes"}`)), 400, "invalid", "cannot unmarshal string"},
		{"SetRewards/ErrNull", put("/api/v1/authors/"+me+"/rewards", []byte(`{"declined":null}`)), 400, "invalid", "declined (true or false) is required"},
		{"SetRewards/ErrAddress", put("/api/v1/authors/r"+zeroWidth+me[1:]+"/rewards", []byte(`{"declined":true}`)), 400, "invalid", `author "r\u200b` + me[1:] + `" is not a classic XRPL address`},
		{"SetRewards/ErrNoToken", request{method: "PUT", path: "/api/v1/authors/" + me + "/rewards", contentType: "application/json", body: []byte(`{"declined":true}`)}, 401, "unauthorized", "sign in first"},
		{"SetRewards/ErrOtherAuthor", request{method: "PUT", path: "/api/v1/authors/" + homoglyph(me) + "/rewards", auth: "author", contentType: "application/json", body: []byte(`{"declined":true}`)}, 403, "forbidden", "an author may change only their own reward settings"},
		{"SetRewards/ErrSelfType", request{method: "PUT", path: "/api/v1/authors/" + me + "/rewards", auth: "author", contentType: "application/json", body: []byte(`{"declined":1}`)}, 400, "invalid", "cannot unmarshal number into Go struct field rewardsPreference.declined of type bool"},

		// Pages (HTML): the reason is in the page.
		{"Page/ErrArticleID", get("/a/abc"), 404, "", "article &#34;abc&#34; does not exist"},
		{"Page/ErrArticleUnknown", get("/a/999999"), 404, "", "article 999999: not found"},
		{"Page/ErrAuthor", get("/author/" + homoglyph(me)), 400, "", "is not an XRPL classic address"},
		{"Page/ErrTagHuge", get("/tag/" + huge[:3000]), 400, "", "a tag has 1 to 32 characters"},
		{"Page/ErrSlugTraversal", get("/a/" + art + "/..%2F..%2Fadmin"), 404, "not_found", "no route for GET /a/" + art + "/../../admin"},
		{"Page/ErrHomePage", get("/?page=-1"), 400, "", "page must be a number from 1 to 1000, got &#34;-1&#34;"},
		{"Page/ErrHomePageHuge", get("/?page=99999999999999999999"), 400, "", "page must be a number from 1 to 1000"},
		{"Page/ErrAuthorSQL", get("/author/" + me + "%27%20OR%201=1"), 400, "", "is not an XRPL classic address"},
		{"Page/ErrVerifyQuery", get("/verify?tx=" + someTxHash + "&cid=" + rtlOverride), 400, "", `expected cid &#34;\u202e&#34; is malformed`},
		{"Page/ErrCategory", get("/category/" + sqlQuote), 404, "", "there is no category &#34;&#39; OR &#39;1&#39;=&#39;1&#39; --&#34;"},
		{"Page/ErrStaticTraversal", get("/static/..%2F..%2Fgo.mod"), 404, "not_found", "no route for GET /static/../../go.mod"},
		{"Page/ErrStaticDotDot", get("/static/%2e%2e"), 404, "not_found", "no route for GET /static/.."},
		{"Page/ErrVerifyTx", get("/verify/zz"), 400, "", "transaction hash &#34;ZZ&#34; is not 64 hexadecimal characters"},
		{"Page/ErrVerifyUploadNoFile", request{method: "POST", path: "/verify", contentType: "application/x-www-form-urlencoded", body: []byte("bundle=x")}, 400, "", "choose a proof bundle file"},
		{"Page/ErrVerifyUploadGarbage", request{method: "POST", path: "/verify", contentType: multipartType, body: multipartBundle("{]")}, 400, "", "proof bundle: $: malformed JSON"},
		{"Page/ErrVerifyUploadTooLarge", request{method: "POST", path: "/verify", contentType: multipartType, chunked: true, body: multipartBundle(strings.Repeat("{", 12<<20))}, 413, "", "larger than 11534336 bytes"},
		{"Page/ErrVerifyUploadBundleTooLarge", request{method: "POST", path: "/verify", contentType: multipartType, body: multipartBundle(strings.Repeat(" ", 7<<20))}, 413, "", "a proof bundle has at most 6291456 bytes"},
		{"Page/ErrOperatorLogin", request{method: "POST", path: "/operator/login", contentType: "application/x-www-form-urlencoded", header: sameOrigin, body: []byte("token=" + homoglyph(f.srv.token))}, 401, "", "That operator token is not valid."},
		{"Page/ErrOperatorLoginCrossSite", request{method: "POST", path: "/operator/login", contentType: "application/x-www-form-urlencoded", header: map[string]string{"Origin": "http://evil.example"}, body: []byte("token=" + f.srv.token)}, 403, "", "cross-origin requests are refused"},
		{"Page/ErrOperatorLogoutCrossSite", request{method: "POST", path: "/operator/logout", contentType: "application/x-www-form-urlencoded", header: map[string]string{"Origin": "null"}}, 403, "", "cross-origin requests are refused"},
		{"Page/ErrDashboardBeneficiariesNoSession", request{method: "POST", path: "/dashboard/beneficiaries", contentType: "application/x-www-form-urlencoded", header: sameOrigin, body: []byte("account=" + other + "&percent=100")}, 401, "", "Sign in"},
		{"Page/ErrDashboardBeneficiariesPercent", request{method: "POST", path: "/dashboard/beneficiaries", contentType: "application/x-www-form-urlencoded", header: withCookie(sameOrigin, f.session), body: []byte("account=" + other + "&percent=1e2")}, 400, "", "percent"},
		{"Page/ErrDashboardBeneficiariesHomoglyph", request{method: "POST", path: "/dashboard/beneficiaries", contentType: "application/x-www-form-urlencoded", header: withCookie(sameOrigin, f.session), body: []byte("account=" + homoglyph(other) + "&percent=100")}, 400, "", "is not an XRP Ledger account address"},
		{"Page/ErrDashboardBeneficiariesCrossSite", request{method: "POST", path: "/dashboard/beneficiaries", contentType: "application/x-www-form-urlencoded", header: withCookie(map[string]string{"Origin": "http://evil.example"}, f.session), body: []byte("account=" + other + "&percent=100")}, 403, "", "cross-origin requests are refused"},
		{"Page/ErrDashboardRewards", request{method: "POST", path: "/dashboard/rewards", contentType: "application/x-www-form-urlencoded", header: withCookie(sameOrigin, f.session), body: []byte("declined=perhaps")}, 400, "", "declined must be true or false, got &#34;perhaps&#34;"},
		{"Page/ErrSearch", get("/?q=%FF"), 400, "", "the search is not valid UTF-8 text"},
		{"Page/ErrSearchEmpty", get("/?q=%20"), 400, "", "the search is empty: type at least one word"},
		{"Page/ErrSearchZeroWidth", get("/?q=" + zeroWidth + rtlOverride), 400, "", "the search has no letter or digit to look for"},
		{"Page/ErrSearchManyWords", get("/?q=" + strings.Repeat("w+", 40)), 400, "", "the search has 40 words; at most"},
		{"Page/ErrTagRTLOverride", get("/tag/" + rtlOverride + "banx"), 400, "", "tag: character U&#43;202E not allowed, want letters, digits or &#39;_&#39;"},
		{"Page/ErrTagZeroWidth", get("/tag/ba" + zeroWidth + "nx"), 400, "", "tag: character U&#43;200B not allowed"},
		{"Page/ErrDashboardBadCookie", request{method: "GET", path: "/dashboard", header: map[string]string{"Cookie": "banx_session=" + sqlQuote}}, 401, "", "Your session has expired or was ended: sign in again."},
		{"Page/ErrOperatorBadCookie", request{method: "GET", path: "/operator", header: map[string]string{"Cookie": "banx_operator=" + strings.Repeat("f", 64)}}, 401, "", `data-testid="operator-login"`},
		{"Page/ErrPublishEdit", request{method: "GET", path: "/publish?edit=abc", header: withCookie(nil, f.session)}, 400, "", "edit must be an article id (a positive integer), got &#34;abc&#34;"},
		{"Page/ErrPublishEditOther", request{method: "GET", path: "/publish?edit=999999", header: withCookie(nil, f.session)}, 404, "", "article 999999: not found"},
		{"Page/ErrJoinMethod", request{method: "POST", path: "/authors/join", header: sameOrigin}, 405, "method_not_allowed", "method POST is not allowed on /authors/join"},
		{"Page/ErrRobotsMethod", request{method: "PUT", path: "/robots.txt"}, 405, "method_not_allowed", "method PUT is not allowed on /robots.txt"},
		{"Page/ErrOperatorPlan", request{method: "POST", path: "/operator/plan", contentType: "application/x-www-form-urlencoded", header: sameOrigin, body: []byte("epoch=0")}, 401, "", "Sign in as the operator first."},
		{"Page/ErrOperatorRun", request{method: "POST", path: "/operator/run", contentType: "application/x-www-form-urlencoded", header: sameOrigin, body: []byte("epoch=0")}, 401, "", "Sign in as the operator first."},
	}
}

// flip changes one base58 character into another valid one.
// withMedia is the manifest doc naming one image with the given role and
// CID (a camera picture, so no AI disclosure is needed).
func withMedia(doc []byte, role, cid string) []byte {
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		panic(err)
	}
	m["media"] = []map[string]any{{"cid": cid, "role": role, "mime_type": "image/png", "size": 1234,
		"alt": "A picture that was never uploaded", "digital_source_type": "digitalCapture"}}
	return js(m)
}

func flip(c byte) string {
	if c == 'a' {
		return "b"
	}
	return "a"
}

func manyShares(account string, n int) []byte {
	shares := make([]map[string]any, n)
	for i := range shares {
		shares[i] = map[string]any{"account": account, "basis_points": 50}
	}
	return js(map[string]any{"beneficiaries": shares})
}

// pngHeader is the 8-byte PNG signature and nothing else: it names a PNG
// without being one.
var pngHeader = []byte("\x89PNG\r\n\x1a\n")

// withCookie adds the author's session cookie to headers.
func withCookie(h map[string]string, session string) map[string]string {
	out := map[string]string{"Cookie": "banx_session=" + session}
	for k, v := range h {
		out[k] = v
	}
	return out
}

const multipartType = "multipart/form-data; boundary=XbanxX"

func multipartBundle(content string) []byte {
	return []byte("--XbanxX\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"a.proof.json\"\r\nContent-Type: application/json\r\n\r\n" +
		content + "\r\n--XbanxX--\r\n")
}

// mustLeaf signs a batch leaf with w's seed (whoever the leaf names).
func mustLeaf(l anchor.Leaf, w *wallet.Wallet) anchor.Leaf {
	signed, err := anchor.SignLeaf(l, w.Seed)
	if err != nil {
		panic(err)
	}
	return signed
}

// encodeTx serialises transaction fields unsigned.
func encodeTx(fields map[string]any) string {
	blob, err := binarycodec.Encode(fields)
	if err != nil {
		panic(err)
	}
	return blob
}

// signTx signs a copy of fields, with some replaced, using w.
func signTx(fields map[string]any, w *wallet.Wallet, replace map[string]any) string {
	tx := make(map[string]any, len(fields))
	for k, v := range fields {
		tx[k] = v
	}
	for k, v := range replace {
		tx[k] = v
	}
	delete(tx, "SigningPubKey")
	delete(tx, "TxnSignature")
	blob, _, err := w.Sign(tx)
	if err != nil {
		panic(err)
	}
	return blob
}
