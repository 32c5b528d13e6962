package manifest_test

import (
	"fmt"
	"strings"

	"github.com/banxmedia/banx/internal/manifest"
)

// Example shows the publishing path: an article file becomes a manifest, whose
// canonical bytes go to IPFS and whose hash goes to the ledger.
func Example() {
	m, err := manifest.ParseMarkdown(strings.NewReader(`---
title: Minimal
summary: The fewest fields a manifest can have.
category: opinion
language: en
author: rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh
created: 2026-01-01T00:00:00Z
---

One paragraph.
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	canonical, err := m.Canonical()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(canonical))
	fmt.Println(manifest.Hash(canonical))
	fmt.Println(manifest.ReadingTime(m.Body), "min read")
	// Output:
	// {"author":"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh","body":"One paragraph.","category":"opinion","created":"2026-01-01T00:00:00Z","language":"en","schema":"banx.manifest/1","summary":"The fewest fields a manifest can have.","title":"Minimal"}
	// b049381c2d9de6123a710602e683f27ab6d5753ac48821961af30a54b5a6f023
	// 1 min read
}

// ExampleManifest_Validate shows an error naming its field.
func ExampleManifest_Validate() {
	m, _ := manifest.Parse([]byte(`{"schema":"banx.manifest/1","title":"T","summary":"S","body":"B","category":"world","language":"en","author":"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh","created":"2026-01-01T00:00:00Z"}`))
	m.Sources = []manifest.Source{
		{Name: "BBC", URL: "https://www.bbc.com/news"},
		{Name: "Reuters", URL: "https://www.reuters.com/"},
		{Name: "Trap", URL: "javascript:alert(1)"},
	}
	fmt.Println(m.Validate())
	// Output:
	// invalid: sources[2].url: scheme "javascript" not allowed, want http or https
}
