package http

import (
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	binarycodec "github.com/Peersyst/xrpl-go/binary-codec"
	"github.com/gin-gonic/gin"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/xrpl"
)

// The dashboard adds an author's BXE trust line from the browser: the page
// asks for the unsigned TrustSet (POST /api/v1/token/trustline/prepare), signs
// it with the in-page wallet (the seed never leaves the page) and hands the
// signed blob to POST /api/v1/token/trustline/submit. The relay is for the
// signed-in author only and submits nothing but that TrustSet: the blob must
// be, field for field, what prepare makes for the session's account now
// (only Fee, Sequence and LastLedgerSequence may be the ones the page got a
// moment earlier, within bounds), carry a valid single signature, and is then
// submitted and waited for until validated.

// maxTrustSetFeeDrops is the largest fee the relay submits for an author; the
// Publish page's self anchor has the same bound.
const maxTrustSetFeeDrops = 100_000

// trustSetFields are the fields a signed TrustSet may have (true: required).
var trustSetFields = map[string]bool{
	"TransactionType": true, "Account": true, "Fee": true, "Sequence": true, "LastLedgerSequence": true,
	"Flags": true, "LimitAmount": true, "SigningPubKey": true, "TxnSignature": true, "NetworkID": false,
}

type trustLineSubmitRequest struct {
	TxBlob string `json:"tx_blob"`
}

// trustLineSubmitResponse is the validated TrustSet and the line it made.
type trustLineSubmitResponse struct {
	Hash        string `json:"hash"`
	Result      string `json:"result"`
	LedgerIndex uint32 `json:"ledger_index"`
	Account     string `json:"account"`
	Currency    string `json:"currency"`
	Issuer      string `json:"issuer"`
	Limit       string `json:"limit"`
	Balance     string `json:"balance"`
}

// handleSubmitTrustLine answers POST /api/v1/token/trustline/submit {tx_blob}
// for a signed-in author: it checks the blob is exactly the author's prepared
// TrustSet, submits it and waits for the validated result.
func (s *Server) handleSubmitTrustLine(c *gin.Context) {
	var req trustLineSubmitRequest
	if !s.readJSON(c, &req) {
		return
	}
	me := sessionOf(c).Address
	svc := s.payoutService()
	if svc == nil || svc.Token == nil || svc.Token.Ledger == nil {
		s.writeError(c, banx.Errorf(banx.EUNAVAILABLE, "the token service is not available on this server"))
		return
	}
	ctx := c.Request.Context()
	signed, err := decodeTxBlob("tx_blob", req.TxBlob)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if a, _ := signed["Account"].(string); a != me || signed["TransactionType"] != "TrustSet" {
		s.writeError(c, banx.Errorf(banx.EFORBIDDEN, "tx_blob is a %v from %v: signed in as %s, only your own BXE TrustSet is relayed", signed["TransactionType"], signed["Account"], me))
		return
	}
	prepared, err := svc.PrepareTrustLine(ctx, me)
	if err != nil {
		s.writeError(c, err)
		return
	}
	want, err := canonicalTx(prepared)
	if err != nil {
		s.writeError(c, banx.Wrap(banx.EINTERNAL, err, "prepared TrustSet"))
		return
	}
	st, err := checkSignedTrustSet(signed, want)
	if err != nil {
		s.writeError(c, err)
		return
	}
	st.Blob = strings.ToUpper(req.TxBlob)
	tx, err := svc.Token.Ledger.SubmitSignedAndWait(ctx, st)
	if err != nil {
		var ee *xrpl.EngineError
		switch {
		case errors.As(err, &ee):
			s.writeError(c, banx.Errorf(banx.ECONFLICT, "the XRP Ledger refused the TrustSet %s with %s: %s", st.Hash, ee.Result, trustSetAdvice(ee.Result)))
		case errors.Is(err, xrpl.ErrExpired):
			s.writeError(c, banx.Errorf(banx.EUNAVAILABLE, "the TrustSet %s expired before a validated ledger took it: add the trust line again", st.Hash))
		default:
			s.writeError(c, err)
		}
		return
	}
	out := trustLineSubmitResponse{Hash: tx.Hash, Result: tx.Result, LedgerIndex: tx.LedgerIndex, Account: me,
		Currency: svc.Token.Currency, Issuer: svc.Token.Issuer}
	if h := s.holdingOf(ctx, me); h.HasLine {
		out.Limit, out.Balance = h.Limit, h.Balance
	}
	c.JSON(http.StatusOK, out)
}

// trustSetAdvice says what an author can do about a refused TrustSet.
func trustSetAdvice(result string) string {
	switch result {
	case "tecINSUF_RESERVE_LINE", "tecNO_LINE_INSUF_RESERVE", "terINSUF_FEE_B", "tecINSUFF_FEE":
		return "the account needs more XRP: a trust line holds one owner reserve"
	case "tefPAST_SEQ":
		return "the account has sent another transaction since: add the trust line again"
	}
	return "nothing changed; try again, or use `banx token trustline --seed-file author.seed`"
}

// decodeTxBlob decodes a signed transaction in hex with the binary codec and
// requires it to re-encode to the same bytes. The codec reads untrusted
// bytes, so its panics become refusals.
func decodeTxBlob(what, blob string) (fields map[string]any, err error) {
	if blob == "" || len(blob)%2 != 0 || len(blob) > 2*anchor.MaxTxBlobBytes {
		return nil, banx.Errorf(banx.EINVALID, "%s must be 1 to %d bytes of hexadecimal", what, anchor.MaxTxBlobBytes)
	}
	if _, err := hex.DecodeString(blob); err != nil {
		return nil, banx.Errorf(banx.EINVALID, "%s is not hexadecimal", what)
	}
	defer func() {
		if r := recover(); r != nil {
			fields, err = nil, banx.Errorf(banx.EINVALID, "%s cannot be decoded as an XRPL transaction", what)
		}
	}()
	if fields, err = binarycodec.Decode(blob); err != nil {
		return nil, banx.Errorf(banx.EINVALID, "%s cannot be decoded as an XRPL transaction: %v", what, err)
	}
	again, err := binarycodec.Encode(fields)
	if err != nil || !strings.EqualFold(again, blob) {
		return nil, banx.Errorf(banx.EINVALID, "%s is not in canonical binary form", what)
	}
	return fields, nil
}

// canonicalTx is tx as the binary codec decodes it back, so it compares
// field for field with a decoded blob.
func canonicalTx(tx map[string]any) (map[string]any, error) {
	blob, err := binarycodec.Encode(tx)
	if err != nil {
		return nil, err
	}
	return binarycodec.Decode(blob)
}

// checkSignedTrustSet compares a signed TrustSet with the one prepared now
// and checks its signature; it returns what submitting it needs (without the
// blob). EINVALID with the reason for anything else.
func checkSignedTrustSet(signed, prepared map[string]any) (*xrpl.SignedTx, error) {
	bad := func(format string, args ...any) (*xrpl.SignedTx, error) {
		return nil, banx.Errorf(banx.EINVALID, "tx_blob: "+format, args...)
	}
	for k := range signed {
		if _, ok := trustSetFields[k]; !ok {
			return bad("unexpected field %s: only the prepared TrustSet is relayed", k)
		}
	}
	for k, required := range trustSetFields {
		if _, ok := signed[k]; required && !ok {
			return bad("field %s is missing", k)
		}
	}
	for _, k := range []string{"TransactionType", "Account", "Flags", "LimitAmount", "NetworkID"} {
		if !reflect.DeepEqual(signed[k], prepared[k]) {
			return bad("field %s is %s, the prepared TrustSet has %s: it must be exactly the prepared transaction", k, clipValue(signed[k]), clipValue(prepared[k]))
		}
	}
	u32 := func(k string, m map[string]any) uint32 {
		v, _ := strconv.ParseUint(fmt.Sprint(m[k]), 10, 32)
		return uint32(v)
	}
	fee, err := strconv.ParseUint(fmt.Sprint(signed["Fee"]), 10, 64)
	switch {
	case err != nil || fee > maxTrustSetFeeDrops:
		return bad("Fee %v is above the limit of %d drops", signed["Fee"], maxTrustSetFeeDrops)
	case u32("Sequence", signed) != u32("Sequence", prepared):
		return bad("Sequence %v is not the account's next one (%v): prepare the TrustSet again", signed["Sequence"], prepared["Sequence"])
	case u32("LastLedgerSequence", signed) == 0 || u32("LastLedgerSequence", signed) > u32("LastLedgerSequence", prepared):
		return bad("LastLedgerSequence %v is not one the server prepared (at most %v)", signed["LastLedgerSequence"], prepared["LastLedgerSequence"])
	}
	pub, _ := signed["SigningPubKey"].(string)
	sig, _ := signed["TxnSignature"].(string)
	if pub == "" || sig == "" {
		return bad("it is not signed (SigningPubKey and TxnSignature are required)")
	}
	payload, err := binarycodec.EncodeForSigning(signed)
	if err != nil {
		return bad("cannot be re-encoded for signing: %v", err)
	}
	raw, _ := hex.DecodeString(payload)
	if err := anchor.VerifySignature(raw, strings.ToUpper(pub), strings.ToUpper(sig)); err != nil {
		return bad("%s", banx.ErrorMessage(err))
	}
	blob, _ := binarycodec.Encode(signed)
	b, _ := hex.DecodeString(blob)
	sum := sha512.Sum512(append([]byte{'T', 'X', 'N', 0}, b...))
	return &xrpl.SignedTx{Hash: strings.ToUpper(hex.EncodeToString(sum[:32])), Account: signed["Account"].(string),
		Sequence: u32("Sequence", signed), LastLedgerSequence: u32("LastLedgerSequence", signed), Fee: fee}, nil
}

// clipValue prints a field's value for a refusal, bounded.
func clipValue(v any) string {
	if v == nil {
		return "absent"
	}
	return truncate(fmt.Sprint(v), 80)
}
