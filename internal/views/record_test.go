package views_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/views"
)

// chain returns n sealed records as the ledger would write them.
func chain(n int) []*views.Record {
	var out []*views.Record
	prev := views.GenesisHash
	for i := 1; i <= n; i++ {
		reason := views.Duplicate
		if i%3 == 0 {
			reason = views.Counted
		}
		r := &views.Record{ID: int64(i), ArticleID: 7, Author: "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
			Counted: reason == views.Counted, Reason: reason, RecordedAt: t0.Add(time.Duration(i) * time.Second),
			ReaderHash: "00112233445566778899aabbccddeeff", NetHash: "ffeeddccbbaa99887766554433221100",
			TokenID: "0123456789abcdef01234567"}
		r.Seal(prev)
		prev = r.Hash
		out = append(out, r)
	}
	return out
}

func verify(recs []*views.Record) (*views.ChainVerifier, *views.ChainBreak) {
	v := views.NewChainVerifier()
	for _, r := range recs {
		if b := v.Check(r); b != nil {
			return v, b
		}
	}
	return v, nil
}

// TestRecordHashVector pins the canonical encoding: a change to it would make
// every stored chain fail its audit, so it must be a deliberate new version.
func TestRecordHashVector(t *testing.T) {
	r := chain(1)[0]
	// The encoding written out by hand: each field's length as one varint byte
	// (all are shorter than 128), then the field.
	fields := []string{"banx.view.v1", "1", "7", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "0", "duplicate",
		"2026-11-25T12:00:01.000000000Z", "00112233445566778899aabbccddeeff", "ffeeddccbbaa99887766554433221100",
		"0123456789abcdef01234567", "", views.GenesisHash}
	var want []byte
	for _, f := range fields {
		want = append(append(want, byte(len(f))), f...)
	}
	if got := r.Canonical(); string(got) != string(want) {
		t.Fatalf("canonical encoding\n got %q\nwant %q", got, want)
	}
	sum := sha256.Sum256(want)
	const pinned = "ba30dd6a55e63d5c6171c1b0177caeb2d099de919fa01e8260e53ed3b8469b7b"
	if r.Hash != hex.EncodeToString(sum[:]) || r.Hash != pinned || r.PrevHash != views.GenesisHash {
		t.Fatalf("hash = %s, want %s", r.Hash, pinned)
	}
}

func TestRecordCanonicalUnambiguous(t *testing.T) {
	a := views.Record{ID: 1, Author: "ab", Reason: "c"}
	b := views.Record{ID: 1, Author: "a", Reason: "bc"}
	if a.ComputeHash() == b.ComputeHash() {
		t.Fatal("moving a byte between fields keeps the hash")
	}
	c := views.Record{ID: 1, RecordedAt: t0.In(time.FixedZone("X", 3600))}
	d := views.Record{ID: 1, RecordedAt: t0}
	if c.ComputeHash() != d.ComputeHash() {
		t.Fatal("the same instant in another zone hashes differently")
	}
}

func TestChainVerifier(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		recs := chain(10)
		v, b := verify(recs)
		if b != nil || v.Records() != 10 || v.Head() != recs[9].Hash {
			t.Fatalf("break %v, records %d, head %s", b, v.Records(), v.Head())
		}
	})
	t.Run("OKEmpty", func(t *testing.T) {
		if v := views.NewChainVerifier(); v.Head() != views.GenesisHash || v.Records() != 0 {
			t.Fatal("empty verifier")
		}
	})
	cases := []struct {
		name   string
		tamper func([]*views.Record) []*views.Record
		id     int64
		detail string
	}{
		{"ErrCountedFlipped", func(r []*views.Record) []*views.Record {
			r[4].Counted, r[4].Reason = true, views.Counted
			return r
		}, 5, `counted was 0 with reason "duplicate" when recorded, now 1 with reason "counted"`},
		{"ErrFlippedAndRehashed", func(r []*views.Record) []*views.Record {
			r[4].Counted, r[4].Reason = true, views.Counted
			r[4].Hash = r[4].ComputeHash()
			return r
		}, 5, `record 5 was altered and re-hashed`},
		{"ErrAuthorSwapped", func(r []*views.Record) []*views.Record {
			r[2].Author = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe"
			return r
		}, 3, "a field other than counted and reason"},
		{"ErrDeleted", func(r []*views.Record) []*views.Record {
			return append(r[:6:6], r[7:]...)
		}, 7, "records 7 to 7 are missing"},
		{"ErrFirstDeleted", func(r []*views.Record) []*views.Record {
			return r[1:]
		}, 1, "records 1 to 1 are missing"},
		{"ErrInserted", func(r []*views.Record) []*views.Record {
			extra := *r[3]
			return append(r[:4:4], append([]*views.Record{&extra}, r[4:]...)...)
		}, 4, "appears after record 4"},
		{"ErrInconsistentResealed", func(r []*views.Record) []*views.Record {
			// A forger who rewrites the whole chain from a point on still cannot
			// write a record the ledger would never write.
			prev := r[7].PrevHash
			for _, x := range r[7:] {
				x.Counted = true
				x.Seal(prev)
				prev = x.Hash
			}
			return r
		}, 8, `contradicts reason "duplicate"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, b := verify(tc.tamper(chain(10)))
			if b == nil {
				t.Fatal("tampered chain verified")
			}
			if b.ID != tc.id || !strings.Contains(b.Detail, tc.detail) {
				t.Fatalf("break = %v, want record %d with %q", b, tc.id, tc.detail)
			}
		})
	}
}

func TestAuditString(t *testing.T) {
	ok := (&views.Audit{Records: 3, Head: "ab"}).String()
	if ok != "views chain intact: 3 records, head ab" {
		t.Fatalf("%q", ok)
	}
	bad := (&views.Audit{Records: 4, Break: &views.ChainBreak{ID: 5, Detail: "x"}}).String()
	if !strings.Contains(bad, "BROKEN") || !strings.Contains(bad, "record 5: x") {
		t.Fatalf("%q", bad)
	}
}
