package reward

import (
	"crypto/sha256"
	"strconv"
	"strings"
)

// LeafVersion is the first line of every leaf's canonical text. A change to the
// leaf's fields or spelling is a new version, so a proof never means two things.
const LeafVersion = "banx.reward-leaf/1"

// Leaf is one author's line in a plan: what they earned in the epoch and where it
// goes. Share + CarryIn = Amount + CarryOut exactly; Amount is the sum of Payments.
type Leaf struct {
	Author   string         `json:"author"`
	Articles []ArticleCount `json:"articles"`
	Views    int64          `json:"views"`
	Share    string         `json:"share"`     // allocated this epoch, rounded towards zero
	CarryIn  string         `json:"carry_in"`  // carried from earlier epochs
	Amount   string         `json:"amount"`    // paid this epoch: sum of Payments
	CarryOut string         `json:"carry_out"` // carried to the author's next epoch
	Capped   bool           `json:"capped,omitempty"`
	Payments []Payment      `json:"payments"`
}

// ArticleCount is one article's counted views in the epoch.
type ArticleCount struct {
	ID    int64 `json:"id"`
	Views int64 `json:"views"`
}

// Payment is one BXE payment of a leaf: to the author, or to a beneficiary.
type Payment struct {
	Account string `json:"account"`
	Amount  string `json:"amount"`
}

// canonical returns the exact bytes hashed for the leaf: one "name: value" line
// each, every line ending in "\n", lists in their plan order (articles by id,
// payments by account). Every field is a number, an address or a decimal, none
// of which can hold a space or a newline, so the text parses one way only. The
// network and epoch are included so a leaf proven for one plan cannot be shown
// as part of another.
func (l Leaf) canonical(network string, epoch uint64) []byte {
	var b strings.Builder
	line := func(k, v string) { b.WriteString(k); b.WriteString(": "); b.WriteString(v); b.WriteByte('\n') }
	b.WriteString(LeafVersion + "\n")
	line("network", network)
	line("epoch", strconv.FormatUint(epoch, 10))
	line("author", l.Author)
	line("views", strconv.FormatInt(l.Views, 10))
	arts := make([]string, len(l.Articles))
	for i, a := range l.Articles {
		arts[i] = strconv.FormatInt(a.ID, 10) + "=" + strconv.FormatInt(a.Views, 10)
	}
	line("articles", strings.Join(arts, " "))
	line("share", l.Share)
	line("carry_in", l.CarryIn)
	line("amount", l.Amount)
	line("carry_out", l.CarryOut)
	line("capped", strconv.FormatBool(l.Capped))
	for _, p := range l.Payments {
		line("pay", p.Account+" "+p.Amount)
	}
	return []byte(b.String())
}

// LeafHash returns the RFC 6962 leaf hash of l in the plan of network and epoch:
// SHA-256(0x00 || canonical text).
func LeafHash(network string, epoch uint64, l Leaf) [32]byte {
	c := l.canonical(network, epoch)
	buf := make([]byte, 0, 1+len(c))
	buf = append(buf, 0x00)
	buf = append(buf, c...)
	return sha256.Sum256(buf)
}
