package manifest_test

import (
	"testing"

	"github.com/banxmedia/banx/internal/manifest"
)

// BenchmarkCanonicalHash measures what publishing and verifying pay per
// manifest: validation, JCS canonicalization and SHA-256 of the seed article.
func BenchmarkCanonicalHash(b *testing.B) {
	m, err := manifest.Parse(readFile(b, "seed.input.json"))
	if err != nil {
		b.Fatal(err)
	}
	c, _ := m.Canonical()
	b.SetBytes(int64(len(c)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Hash(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse measures strict decoding and validation of the seed article.
func BenchmarkParse(b *testing.B) {
	data := readFile(b, "seed.input.json")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := manifest.Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCanonicalHashLargeBody is the worst case the limits allow for the
// body: 1 MiB of text.
func BenchmarkCanonicalHashLargeBody(b *testing.B) {
	m, err := manifest.Parse(readFile(b, "minimal.input.json"))
	if err != nil {
		b.Fatal(err)
	}
	body := make([]byte, manifest.MaxBodyBytes)
	for i := range body {
		body[i] = "abcdefghij klmnop\n"[i%18]
	}
	body[len(body)-1] = 'x'
	m.Body = string(body)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Hash(); err != nil {
			b.Fatal(err)
		}
	}
}
