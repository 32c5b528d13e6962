package views

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimeFormat is how record times are written: UTC, fixed width, nanoseconds, so
// that text order is time order (the same format as the rest of the database).
const TimeFormat = "2006-01-02T15:04:05.000000000Z07:00"

// GenesisHash is the prev_hash of the first record.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Record is one decision as stored: append-only, each linked to the hash of the
// one before, so that altering, inserting or removing a record in the middle
// breaks the chain at that point.
type Record struct {
	ID         int64 // 1, 2, 3, ... in commit order, without gaps
	ArticleID  int64
	Author     string // the article author's classic address when recorded
	Counted    bool
	Reason     Reason
	RecordedAt time.Time // UTC
	ReaderHash string    // "" when the beacon had no reader cookie
	NetHash    string
	TokenID    string // "" when the token's signature did not verify
	Agent      string // the bot marker for Reason Bot, else ""
	PrevHash   string
	Hash       string
}

// canonicalTag separates view record hashes from any other SHA-256 in Banx.
const canonicalTag = "banx.view.v1"

// Canonical returns the bytes the record's hash covers: a tag, then every field
// except Hash, each as its decimal or text form prefixed by its length as a
// uvarint. Length prefixes make the encoding unambiguous without escaping.
func (r *Record) Canonical() []byte { return r.appendCanonical(nil) }

// appendCanonical appends the canonical encoding to b. Every record of every
// beacon is hashed, so the numbers and the time are formatted in place rather
// than through intermediate strings.
func (r *Record) appendCanonical(b []byte) []byte {
	var num [40]byte
	counted := "0"
	if r.Counted {
		counted = "1"
	}
	b = appendField(b, canonicalTag)
	b = appendField(b, strconv.AppendInt(num[:0], r.ID, 10))
	b = appendField(b, strconv.AppendInt(num[:0], r.ArticleID, 10))
	b = appendField(b, r.Author)
	b = appendField(b, counted)
	b = appendField(b, string(r.Reason))
	b = appendField(b, r.RecordedAt.UTC().AppendFormat(num[:0], TimeFormat))
	b = appendField(b, r.ReaderHash)
	b = appendField(b, r.NetHash)
	b = appendField(b, r.TokenID)
	b = appendField(b, r.Agent)
	return appendField(b, r.PrevHash)
}

func appendField[T string | []byte](b []byte, f T) []byte {
	b = binary.AppendUvarint(b, uint64(len(f)))
	return append(b, f...)
}

// ComputeHash returns the lowercase hex SHA-256 of the canonical encoding.
func (r *Record) ComputeHash() string {
	var buf [512]byte
	sum := sha256.Sum256(r.appendCanonical(buf[:0]))
	var out [2 * sha256.Size]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}

// Seal links the record to prevHash and sets its hash.
func (r *Record) Seal(prevHash string) {
	r.PrevHash = prevHash
	r.Hash = r.ComputeHash()
}

// ChainBreak is the first place where the stored chain disagrees with itself.
type ChainBreak struct {
	ID     int64  // the record that was altered, or the first missing one
	Detail string // what differs, in words for the operator
}

// Error implements error, so an audit can return a break as its failure.
func (b *ChainBreak) Error() string {
	return fmt.Sprintf("view chain broken at record %d: %s", b.ID, b.Detail)
}

// ChainVerifier re-walks a chain one record at a time, in id order.
type ChainVerifier struct {
	next    int64
	prev    *Record
	records int64
}

// NewChainVerifier returns a verifier expecting record 1 first.
func NewChainVerifier() *ChainVerifier { return &ChainVerifier{next: 1} }

// Records is how many records have been verified.
func (v *ChainVerifier) Records() int64 { return v.records }

// Head is the hash of the last verified record, GenesisHash for none.
func (v *ChainVerifier) Head() string {
	if v.prev == nil {
		return GenesisHash
	}
	return v.prev.Hash
}

// Check verifies the next record and returns the first break it shows, nil when
// the chain holds. After a break the verifier's state is undefined.
func (v *ChainVerifier) Check(r *Record) *ChainBreak {
	prevHash := GenesisHash
	if v.prev != nil {
		prevHash = v.prev.Hash
	}
	switch {
	case r.ID > v.next:
		return &ChainBreak{ID: v.next, Detail: fmt.Sprintf("records %d to %d are missing (deleted): record %d follows record %d", v.next, r.ID-1, r.ID, v.next-1)}
	case r.ID < v.next:
		return &ChainBreak{ID: r.ID, Detail: fmt.Sprintf("record %d appears after record %d", r.ID, v.next-1)}
	case r.PrevHash != prevHash:
		if v.prev == nil {
			return &ChainBreak{ID: r.ID, Detail: fmt.Sprintf("prev_hash is %s, want the genesis hash", r.PrevHash)}
		}
		// The previous record's own hash matched its fields, so it was altered
		// and re-hashed: this record still holds its original hash.
		return &ChainBreak{ID: v.prev.ID, Detail: fmt.Sprintf("record %d was altered and re-hashed: its hash %s is not the prev_hash %s that record %d holds; %s",
			v.prev.ID, v.prev.Hash, r.PrevHash, r.ID, diagnose(v.prev, r.PrevHash))}
	}
	if want := r.ComputeHash(); r.Hash != want {
		return &ChainBreak{ID: r.ID, Detail: fmt.Sprintf("stored hash %s does not match the record's fields (they hash to %s): %s", r.Hash, want, diagnose(r, r.Hash))}
	}
	if err := r.consistent(); err != "" {
		return &ChainBreak{ID: r.ID, Detail: err}
	}
	v.prev = r
	v.next++
	v.records++
	return nil
}

// consistent checks the record's fields against each other; a sealed record
// that fails was written by something other than the view ledger.
func (r *Record) consistent() string {
	switch {
	case !r.Reason.Valid():
		return fmt.Sprintf("unknown reason %q", r.Reason)
	case r.Counted != (r.Reason == Counted):
		return fmt.Sprintf("counted=%v contradicts reason %q", r.Counted, r.Reason)
	}
	return ""
}

// diagnose names what was changed in r, when the change is one of the few that
// pay: flipping counted and reason. It tries every original (counted, reason)
// and reports the one that reproduces the original hash.
func diagnose(r *Record, original string) string {
	for _, reason := range Reasons() {
		for _, counted := range []bool{false, true} {
			c := *r
			c.Counted, c.Reason = counted, reason
			if c.ComputeHash() == original && (counted != r.Counted || reason != r.Reason) {
				return fmt.Sprintf("counted was %s with reason %q when recorded, now %s with reason %q",
					bit(counted), reason, bit(r.Counted), r.Reason)
			}
		}
	}
	return "a field other than counted and reason (or the hash itself) was changed"
}

func bit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// Audit is the result of re-walking the whole chain.
type Audit struct {
	Records int64       // records verified before the break, or all of them
	Head    string      // hash of the last verified record
	Break   *ChainBreak // nil when the chain is intact
}

// String is the one-line report `banx views audit` prints.
func (a *Audit) String() string {
	if a.Break != nil {
		return fmt.Sprintf("views chain BROKEN: %s (%d records verified before it)", strings.TrimPrefix(a.Break.Error(), "view chain broken "), a.Records)
	}
	return fmt.Sprintf("views chain intact: %d records, head %s", a.Records, a.Head)
}
