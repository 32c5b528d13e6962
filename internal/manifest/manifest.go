// Package manifest defines the article manifest: the canonical, versioned JSON
// document that Banx stores on IPFS and whose SHA-256 it anchors on the XRP
// Ledger. Once anchored, a manifest's bytes can never change, so this package is
// strict about what it accepts (it rejects rather than repairs) and produces one
// byte sequence per manifest (RFC 8785, JSON Canonicalization Scheme).
//
// The format is specified in contracts/manifest.md and contracts/manifest.schema.json;
// this package is the normative validator. It is pure: no I/O beyond the readers
// handed to it.
package manifest

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/banxmedia/banx/contracts"
)

// Version is the only format version this package reads and writes. Any change
// to the fields or rules of the format yields a new version ("banx.manifest/2"):
// readers reject fields they do not know, so there are no minor versions. The
// one exception is the optional author_name, added to version 1: manifests
// without it keep their bytes and hashes (contracts/manifest.md, Versioning).
const Version = "banx.manifest/1"

// Limits of the format (contracts/manifest.md). "Characters" are Unicode code
// points; exceeding a maximum is reported with banx.ETOOLARGE.
const (
	MaxManifestBytes     = 4 << 20 // a manifest document as received by Parse
	MaxMarkdownBytes     = 2 << 20 // an article file as read by ParseMarkdown
	MaxFrontMatterBytes  = 256 << 10
	MaxTitleChars        = 200
	MaxSummaryChars      = 500
	MaxBodyBytes         = 1 << 20 // UTF-8 bytes, not characters
	MaxTags              = 10
	MaxTagChars          = 32
	MaxSources           = 20
	MaxSourceNameChars   = 100
	MaxURLBytes          = 2048 // URLs are ASCII, so bytes are characters
	MaxMedia             = 20
	MaxAltChars          = 500
	MaxAIDisclosureChars = 500
	MaxAuthorNameChars   = 64
	MaxImageBytes        = 10 << 20
)

// Manifest is one version of an article. Every field is text exactly as the
// author wrote it; nothing is normalized on the way in or out, so the struct
// holds precisely what is hashed. Empty optional fields ("" or nil) are omitted
// from the JSON, and a JSON "" or [] for them means the same as leaving them out.
type Manifest struct {
	Schema       string   `json:"schema"`                  // Version
	Title        string   `json:"title"`                   // one line
	Summary      string   `json:"summary"`                 // one line, shown under the title and on cards
	Body         string   `json:"body"`                    // Markdown
	Category     string   `json:"category"`                // an id from contracts/categories.json
	Tags         []string `json:"tags,omitempty"`          // hashtags without '#'
	Sources      []Source `json:"sources,omitempty"`       // outlets the article draws on
	Media        []Media  `json:"media,omitempty"`         // images stored on IPFS
	AIDisclosure string   `json:"ai_disclosure,omitempty"` // required when any media is AI-generated
	Language     string   `json:"language"`                // BCP 47
	Author       string   `json:"author"`                  // XRPL classic address
	AuthorName   string   `json:"author_name,omitempty"`   // the author's own display name, one line; signed like the rest
	Created      string   `json:"created"`                 // RFC 3339 UTC, seconds: 2025-04-14T09:30:00Z
	Previous     string   `json:"previous,omitempty"`      // anchor tx hash of the version this one replaces
}

// Source is an outlet or document the article draws on, shown under "Sources".
type Source struct {
	Name string `json:"name"`
	URL  string `json:"url"` // absolute http(s), printable ASCII
}

// Media is an image stored on IPFS and referenced by CID, with what a reader
// needs to display it honestly: alt text and where the picture came from.
type Media struct {
	CID               string `json:"cid"`                 // CIDv1 base32, sha2-256, raw or dag-pb
	Role              string `json:"role"`                // RoleCover or RoleInline
	MIMEType          string `json:"mime_type"`           // as found by SniffImage
	Size              int64  `json:"size"`                // bytes, 1..MaxImageBytes
	Alt               string `json:"alt"`                 // alt text, one line
	DigitalSourceType string `json:"digital_source_type"` // an IPTC term, see DigitalSourceTypes
}

// Media roles. At most one image is the cover; inline images appear in the body.
const (
	RoleCover  = "cover"
	RoleInline = "inline"
)

// imageTypes are the MIME types an image may have, in the order messages list them.
var imageTypes = []string{"image/png", "image/jpeg", "image/webp", "image/gif"}

// DigitalSourceTypeBase is the IRI prefix of the IPTC digital source type
// vocabulary; a manifest stores the term only, and the IRI is this prefix + term.
const DigitalSourceTypeBase = "http://cv.iptc.org/newscodes/digitalsourcetype/"

// digitalSourceTypes are the accepted IPTC terms (C2PA uses the same
// vocabulary); the value is true for terms that mean the image was made or
// partly made by generative AI, which makes an AI disclosure mandatory.
var digitalSourceTypes = map[string]bool{
	"digitalCapture":                       false,
	"computationalCapture":                 false,
	"negativeFilm":                         false,
	"positiveFilm":                         false,
	"print":                                false,
	"screenCapture":                        false,
	"virtualRecording":                     false,
	"minorHumanEdits":                      false,
	"humanEdits":                           false,
	"compositeCapture":                     false,
	"algorithmicallyEnhanced":              false,
	"dataDrivenMedia":                      false,
	"digitalArt":                           false,
	"digitalCreation":                      false,
	"algorithmicMedia":                     false,
	"compositeSynthetic":                   true,
	"trainedAlgorithmicMedia":              true,
	"compositeWithTrainedAlgorithmicMedia": true,
}

// DigitalSourceTypes returns the accepted IPTC digital source type terms and
// whether each one obliges the manifest to carry an AI disclosure.
func DigitalSourceTypes() map[string]bool {
	out := make(map[string]bool, len(digitalSourceTypes))
	for k, v := range digitalSourceTypes {
		out[k] = v
	}
	return out
}

// IsAIGenerated reports whether an image with this IPTC digital source type was
// made, wholly or partly, by generative AI.
func (m Media) IsAIGenerated() bool { return digitalSourceTypes[m.DigitalSourceType] }

// Category is an entry of contracts/categories.json.
type Category struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// categoryList parses the embedded categories once; the embedded bytes are part
// of the binary, so a failure here is a build defect and is reported by every
// call that needs the list rather than hidden.
var categoryList = sync.OnceValues(func() ([]Category, error) {
	var doc struct {
		Categories []Category `json:"categories"`
	}
	if err := json.Unmarshal(contracts.CategoriesJSON, &doc); err != nil {
		return nil, fmt.Errorf("contracts/categories.json: %w", err)
	}
	if len(doc.Categories) == 0 {
		return nil, fmt.Errorf("contracts/categories.json: no categories")
	}
	return doc.Categories, nil
})

// Categories returns the categories a manifest may name, in display order.
func Categories() ([]Category, error) {
	list, err := categoryList()
	if err != nil {
		return nil, err
	}
	return append([]Category(nil), list...), nil
}
