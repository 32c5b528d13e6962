package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/Peersyst/xrpl-go/xrpl/wallet"
	xaddress "github.com/banxmedia/banx/internal/address"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/xrpl"
)

// Defaults: a challenge is short-lived (the wallet signs at once); a session
// lasts a working day.
const (
	DefaultChallengeTTL = 5 * time.Minute
	DefaultSessionTTL   = 24 * time.Hour
	// clockSkew tolerates a challenge issued slightly in the future by a
	// server whose clock moved; the nonce is what prevents replay.
	clockSkew = time.Minute
)

// Store keeps challenges and sessions.
type Store interface {
	// CreateChallenge stores a new challenge.
	CreateChallenge(ctx context.Context, c *banx.Challenge) error
	// FindChallenge returns a challenge and whether it was used; ENOTFOUND if unknown.
	FindChallenge(ctx context.Context, nonce string) (*banx.Challenge, bool, error)
	// CreateSession uses the nonce up and stores the session atomically;
	// ECONFLICT if the nonce was already used.
	CreateSession(ctx context.Context, nonce string, s *banx.Session, tokenHash string) error
	// FindSession returns the live session of a token hash; ENOTFOUND otherwise.
	FindSession(ctx context.Context, tokenHash string) (*banx.Session, error)
	// RevokeSession ends a session; ENOTFOUND if none is live.
	RevokeSession(ctx context.Context, tokenHash string) error
}

// AccountReader reads an account's keys from the newest validated ledger;
// *xrpl.Client implements it. An unknown account is ENOTFOUND (xrpl.IsNotFound).
type AccountReader interface {
	AccountInfo(ctx context.Context, address string) (*xrpl.AccountInfo, error)
}

// Service signs authors in and out.
type Service struct {
	Store    Store
	Accounts AccountReader
	// Domain is the host (and port, if not the default) the server is reached
	// at. A proof made for another domain is refused, so a site that relays
	// Banx challenges to its visitors cannot sign in as them.
	Domain string
	// DomainOf, when Domain is empty, gives the domain at each request: the
	// server's own listen address, known only once it listens.
	DomainOf     func() string
	ChallengeTTL time.Duration
	SessionTTL   time.Duration
	Now          func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) domain() string {
	if s.Domain == "" && s.DomainOf != nil {
		return s.DomainOf()
	}
	return s.Domain
}

func (s *Service) challengeTTL() time.Duration {
	if s.ChallengeTTL > 0 {
		return s.ChallengeTTL
	}
	return DefaultChallengeTTL
}

func (s *Service) sessionTTL() time.Duration {
	if s.SessionTTL > 0 {
		return s.SessionTTL
	}
	return DefaultSessionTTL
}

// Challenge issues a sign-in challenge for address. EINVALID for a malformed address.
func (s *Service) Challenge(ctx context.Context, address string) (banx.Challenge, error) {
	if !xaddress.IsClassic(address) {
		return banx.Challenge{}, banx.Errorf(banx.EINVALID, "address %q is not a classic XRP Ledger address", clip(address))
	}
	var n [16]byte
	if _, err := rand.Read(n[:]); err != nil {
		return banx.Challenge{}, banx.Wrap(banx.EINTERNAL, err, "draw a nonce")
	}
	now := s.now().Truncate(time.Second)
	c := banx.Challenge{Address: address, Domain: s.domain(), Nonce: hex.EncodeToString(n[:]), IssuedAt: now, ExpiresAt: now.Add(s.challengeTTL())}
	c.Message = Message(c)
	if err := s.Store.CreateChallenge(ctx, &c); err != nil {
		return banx.Challenge{}, err
	}
	return c, nil
}

// SignIn checks a signed challenge and opens a session. It returns the session
// and its bearer token, which exists only in this answer. Every refusal is
// EUNAUTHORIZED (EINVALID for a malformed request) and says why: foreign
// domain, expired, unknown or already used nonce, a signature over other text,
// or a key that is not the account's.
func (s *Service) SignIn(ctx context.Context, message, publicKey, signature string) (*banx.Session, string, error) {
	c, err := ParseMessage(message)
	if err != nil {
		return nil, "", err
	}
	deny := func(format string, args ...any) (*banx.Session, string, error) {
		return nil, "", banx.Errorf(banx.EUNAUTHORIZED, "sign-in refused: "+format, args...)
	}
	now := s.now()
	switch {
	case c.Domain != s.domain():
		return deny("the challenge is for domain %q, this server is %q", clip(c.Domain), s.domain())
	case !now.Before(c.ExpiresAt):
		return deny("the challenge expired at %s; ask for a new one", c.ExpiresAt.Format(time.RFC3339))
	case c.IssuedAt.After(now.Add(clockSkew)):
		return deny("the challenge is issued in the future (%s)", c.IssuedAt.Format(time.RFC3339))
	case checkNonce(c.Nonce) != nil:
		return deny("%v", checkNonce(c.Nonce))
	}
	stored, used, err := s.Store.FindChallenge(ctx, c.Nonce)
	switch {
	case banx.ErrorCode(err) == banx.ENOTFOUND:
		return deny("nonce %s was not issued by this server", c.Nonce)
	case err != nil:
		return nil, "", err
	case used:
		return deny("the challenge with nonce %s has already been used", c.Nonce)
	case stored.Address != c.Address || stored.Domain != c.Domain || !stored.IssuedAt.Equal(c.IssuedAt) || !stored.ExpiresAt.Equal(c.ExpiresAt):
		return deny("the message differs from the challenge issued with nonce %s", c.Nonce)
	}
	publicKey = strings.ToUpper(publicKey)
	if err := anchor.VerifySignature([]byte(message), publicKey, strings.ToUpper(signature)); err != nil {
		return deny("%s", banx.ErrorMessage(err))
	}
	if err := KeyBelongs(ctx, s.Accounts, c.Address, publicKey); err != nil {
		if banx.ErrorCode(err) == banx.EFORBIDDEN {
			return deny("%s", banx.ErrorMessage(err))
		}
		return nil, "", err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, "", banx.Wrap(banx.EINTERNAL, err, "draw a session token")
	}
	token := hex.EncodeToString(raw[:])
	sess := &banx.Session{Address: c.Address, PublicKey: publicKey, ExpiresAt: now.Add(s.sessionTTL())}
	if err := s.Store.CreateSession(ctx, c.Nonce, sess, TokenHash(token)); err != nil {
		if banx.ErrorCode(err) == banx.ECONFLICT {
			return deny("the challenge with nonce %s has already been used", c.Nonce)
		}
		return nil, "", err
	}
	return sess, token, nil
}

// Authenticate returns the live session of a bearer token. EUNAUTHORIZED for
// an unknown, revoked or expired token.
func (s *Service) Authenticate(ctx context.Context, token string) (*banx.Session, error) {
	if token == "" || len(token) > 256 {
		return nil, banx.Errorf(banx.EUNAUTHORIZED, "session token missing or malformed")
	}
	sess, err := s.Store.FindSession(ctx, TokenHash(token))
	if banx.ErrorCode(err) == banx.ENOTFOUND {
		return nil, banx.Errorf(banx.EUNAUTHORIZED, "session token is not valid (unknown or signed out)")
	}
	if err != nil {
		return nil, err
	}
	if !s.now().Before(sess.ExpiresAt) {
		return nil, banx.Errorf(banx.EUNAUTHORIZED, "session expired at %s; sign in again", sess.ExpiresAt.Format(time.RFC3339))
	}
	return sess, nil
}

// SignOut revokes the session of token. EUNAUTHORIZED if it is not live.
func (s *Service) SignOut(ctx context.Context, token string) error {
	err := s.Store.RevokeSession(ctx, TokenHash(token))
	if banx.ErrorCode(err) == banx.ENOTFOUND {
		return banx.Errorf(banx.EUNAUTHORIZED, "session token is not valid (unknown or signed out)")
	}
	return err
}

// TokenHash is how a session token is stored: SHA-256, hex.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// KeyBelongs checks that publicKey may sign for address: it is the master key
// (and the account, if it exists, has not disabled it) or the account's
// current RegularKey on the validated ledger. EFORBIDDEN with the reason if
// not; EUNAVAILABLE if the ledger cannot be asked.
func KeyBelongs(ctx context.Context, accounts AccountReader, address, publicKey string) error {
	own, err := anchor.KeyOwner(address, strings.ToUpper(publicKey))
	if err != nil {
		return banx.Errorf(banx.EFORBIDDEN, "%s", banx.ErrorMessage(err))
	}
	info, err := accounts.AccountInfo(ctx, address)
	if xrpl.IsNotFound(err) {
		if own.Master {
			return nil // an unfunded account cannot have disabled its master key
		}
		return banx.Errorf(banx.EFORBIDDEN, "key %s belongs to %s, not %s (which is not on the ledger, so only its master key can sign)",
			own.PublicKey, own.KeyAddress, address)
	}
	if err != nil {
		return err
	}
	switch {
	case own.Master && info.Flags&xrpl.LsfDisableMaster != 0:
		return banx.Errorf(banx.EFORBIDDEN, "the master key of %s is disabled on the ledger: sign with its regular key", address)
	case own.Master:
		return nil
	case info.RegularKey != "" && info.RegularKey == own.KeyAddress:
		return nil
	}
	return banx.Errorf(banx.EFORBIDDEN, "key %s (address %s) is neither the master key nor the regular key of %s",
		own.PublicKey, own.KeyAddress, address)
}

// Sign signs a sign-in message with an XRPL seed, as a wallet would, and
// returns the public key and signature in upper-case hex. For the CLI and tests.
func Sign(message, seed string) (publicKey, signature string, err error) {
	if !anchor.SeedShaped(seed) {
		return "", "", banx.Errorf(banx.EINVALID, "the seed is not a valid XRPL seed")
	}
	w, err := wallet.FromSeed(seed, "")
	if err != nil {
		return "", "", banx.Errorf(banx.EINVALID, "the seed is not a valid XRPL seed")
	}
	return SignWith(message, &w)
}

// SignWith is Sign with a wallet already derived.
func SignWith(message string, w *wallet.Wallet) (publicKey, signature string, err error) {
	if _, err := ParseMessage(message); err != nil {
		return "", "", err
	}
	sig, err := anchor.SignMessage([]byte(message), w.PrivateKey)
	if err != nil {
		return "", "", err
	}
	return strings.ToUpper(w.PublicKey), sig, nil
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
