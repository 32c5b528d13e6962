// Package contracts holds the formats other parties depend on (the IPFS import
// settings, memo format, token config, API description) as embedded files, so the
// code and its tests read the very bytes that are published.
package contracts

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// IPFSImportJSON is the UnixFS import contract: the settings with which both
// content stores (Kubo over its RPC API, and the embedded store on boxo) chunk,
// hash and link a document. A reader holding a CID published by Banx can rebuild
// it from the bytes with these settings; change nothing here without accepting
// that every new CID differs from the old ones.
//
//go:embed ipfs-import.json
var IPFSImportJSON []byte

// IPFSImport is the typed form of IPFSImportJSON. Only the combination the stores
// implement is accepted by ParseIPFSImport, so a contract edit that the code cannot
// honour fails at load instead of silently producing different CIDs.
type IPFSImport struct {
	About        string `json:"about"`
	CIDVersion   int    `json:"cidVersion"`   // 1: base32 "b..." CIDs, raw leaves by default in Kubo
	HashFunction string `json:"hashFunction"` // multihash name; only "sha2-256" is implemented
	RawLeaves    bool   `json:"rawLeaves"`    // leaves are raw blocks, not dag-pb wrapped
	Chunker      string `json:"chunker"`      // Kubo chunker syntax, fixed size only: "size-<bytes>"
	Layout       string `json:"layout"`       // "balanced" (Kubo's default; trickle is not implemented)
	MaxLinks     int    `json:"maxLinks"`     // links per dag-pb file node
	Inline       bool   `json:"inline"`       // identity CIDs for small blocks; must be false
	Pin          bool   `json:"pin"`          // every add is pinned recursively
	Kubo         struct {
		Version  string   `json:"version"`  // the Kubo release the settings were measured against
		AddFlags []string `json:"addFlags"` // `ipfs add` flags; the RPC options are the same names
		// DaemonConfig lists Import.* settings that change CIDs and have no add
		// flag, so they must hold on the daemon (links-first is Kubo's default).
		DaemonConfig map[string]string `json:"daemonConfig"`
	} `json:"kubo"`
	Boxo struct {
		Version string `json:"version"` // the boxo release whose importer the embedded store uses
	} `json:"boxo"`
}

// LoadIPFSImport parses and validates the embedded contract.
func LoadIPFSImport() (IPFSImport, error) {
	return ParseIPFSImport(IPFSImportJSON)
}

// ParseIPFSImport decodes an import contract strictly (unknown fields are errors,
// because a misspelt setting would otherwise be ignored) and validates it.
func ParseIPFSImport(b []byte) (IPFSImport, error) {
	var c IPFSImport
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return IPFSImport{}, fmt.Errorf("ipfs import contract: %w", err)
	}
	if err := c.Validate(); err != nil {
		return IPFSImport{}, fmt.Errorf("ipfs import contract: %w", err)
	}
	return c, nil
}

// maxChunkSize keeps every leaf block well inside the 2 MiB block limit of the
// bitswap spec, so content added here can be fetched by any IPFS peer.
const maxChunkSize = 1 << 20

// Validate reports the first setting the stores cannot honour, and checks that the
// Kubo flags say exactly what the typed fields say.
func (c IPFSImport) Validate() error {
	switch {
	case c.CIDVersion != 0 && c.CIDVersion != 1:
		return fmt.Errorf("cidVersion %d: must be 0 or 1", c.CIDVersion)
	case c.HashFunction != "sha2-256":
		return fmt.Errorf("hashFunction %q: only sha2-256 is implemented", c.HashFunction)
	case c.Layout != "balanced":
		return fmt.Errorf("layout %q: only balanced is implemented", c.Layout)
	case c.MaxLinks < 2:
		return fmt.Errorf("maxLinks %d: must be at least 2", c.MaxLinks)
	case c.Inline:
		return fmt.Errorf("inline: must be false (identity CIDs are not stored as blocks)")
	case !c.Pin:
		return fmt.Errorf("pin: must be true (unpinned content can be garbage-collected)")
	}
	if _, err := c.ChunkSize(); err != nil {
		return err
	}
	if want := c.KuboAddFlags(); !slices.Equal(c.Kubo.AddFlags, want) {
		return fmt.Errorf("kubo.addFlags %q disagree with the settings, want %q", c.Kubo.AddFlags, want)
	}
	if v, ok := c.Kubo.DaemonConfig["Import.UnixFSPBNodeFieldOrder"]; ok && v != "links-first" {
		return fmt.Errorf("kubo.daemonConfig Import.UnixFSPBNodeFieldOrder %q: must be links-first", v)
	}
	return nil
}

// ChunkSize returns the fixed chunk size in bytes named by Chunker.
func (c IPFSImport) ChunkSize() (int, error) {
	s, ok := strings.CutPrefix(c.Chunker, "size-")
	if !ok {
		return 0, fmt.Errorf("chunker %q: only fixed-size chunkers (size-<bytes>) are implemented", c.Chunker)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxChunkSize || strconv.Itoa(n) != s {
		return 0, fmt.Errorf("chunker %q: size must be a plain integer from 1 to %d", c.Chunker, maxChunkSize)
	}
	return n, nil
}

// KuboAddFlags returns the `ipfs add` flags that reproduce the settings, in the
// contract's order. Every CID-relevant flag is explicit so that no daemon
// Import.* default can change the result.
func (c IPFSImport) KuboAddFlags() []string {
	return []string{
		"--cid-version=" + strconv.Itoa(c.CIDVersion),
		"--hash=" + c.HashFunction,
		"--raw-leaves=" + strconv.FormatBool(c.RawLeaves),
		"--chunker=" + c.Chunker,
		"--trickle=" + strconv.FormatBool(c.Layout == "trickle"),
		"--max-file-links=" + strconv.Itoa(c.MaxLinks),
		"--inline=" + strconv.FormatBool(c.Inline),
		"--pin=" + strconv.FormatBool(c.Pin),
	}
}

// KuboAddOptions returns AddFlags as RPC query options (name without dashes ->
// value), the form /api/v0/add takes them in.
func (c IPFSImport) KuboAddOptions() map[string]string {
	opts := make(map[string]string, len(c.Kubo.AddFlags))
	for _, f := range c.Kubo.AddFlags {
		name, value, _ := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		opts[name] = value
	}
	return opts
}
