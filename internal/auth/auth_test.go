package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/banxmedia/banx/internal/anchor"
	"github.com/banxmedia/banx/internal/auth"
	"github.com/banxmedia/banx/internal/banx"
	"github.com/banxmedia/banx/internal/publish/publishtest"
	"github.com/banxmedia/banx/internal/xrpl"
)

const domain = "banx.test:8080"

// fixture is a sign-in service on a real SQLite file and a real embedded ledger.
type fixture struct {
	svc    *auth.Service
	client *xrpl.Client
	now    time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	l := publishtest.StartLedger(t)
	c := publishtest.Dial(t, l.URL, xrpl.WithAutoAccept())
	f := &fixture{client: c, now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	f.svc = &auth.Service{Store: publishtest.OpenDB(t), Accounts: c, Domain: domain, Now: func() time.Time { return f.now }}
	return f
}

func TestSignIn(t *testing.T) {
	ctx := publishtest.Context(t)
	f := newFixture(t)
	author := publishtest.NewWallet(t)
	publishtest.Fund(t, ctx, f.client, author, 50_000_000)

	signIn := func(t *testing.T, msg string, seed string) (*banx.Session, string, error) {
		t.Helper()
		pub, sig, err := auth.Sign(msg, seed)
		if err != nil {
			t.Fatal(err)
		}
		return f.svc.SignIn(ctx, msg, pub, sig)
	}

	t.Run("OK", func(t *testing.T) {
		c, err := f.svc.Challenge(ctx, author.ClassicAddress.String())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(c.Message, auth.LoginDomain+"\n") || !strings.Contains(c.Message, "domain: "+domain+"\n") {
			t.Fatalf("message = %q", c.Message)
		}
		sess, token, err := signIn(t, c.Message, author.Seed)
		if err != nil {
			t.Fatal(err)
		}
		if sess.Address != author.ClassicAddress.String() || len(token) != 64 {
			t.Fatalf("session %+v token %q", sess, token)
		}
		got, err := f.svc.Authenticate(ctx, token)
		if err != nil || got.Address != sess.Address {
			t.Fatalf("Authenticate = %+v, %v", got, err)
		}
		if err := f.svc.SignOut(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(ctx, token); banx.ErrorCode(err) != banx.EUNAUTHORIZED {
			t.Fatalf("after sign-out: %v", err)
		}
	})
	t.Run("OKUnfundedMasterKey", func(t *testing.T) {
		w := publishtest.NewEd25519Wallet(t)
		c, _ := f.svc.Challenge(ctx, w.ClassicAddress.String())
		if _, _, err := signIn(t, c.Message, w.Seed); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrReplay", func(t *testing.T) {
		c, _ := f.svc.Challenge(ctx, author.ClassicAddress.String())
		pub, sig, _ := auth.Sign(c.Message, author.Seed)
		if _, _, err := f.svc.SignIn(ctx, c.Message, pub, sig); err != nil {
			t.Fatal(err)
		}
		_, _, err := f.svc.SignIn(ctx, c.Message, pub, sig)
		wantRefusal(t, err, banx.EUNAUTHORIZED, "already been used")
	})
	t.Run("ErrExpired", func(t *testing.T) {
		c, _ := f.svc.Challenge(ctx, author.ClassicAddress.String())
		f.now = f.now.Add(auth.DefaultChallengeTTL)
		defer func() { f.now = f.now.Add(-auth.DefaultChallengeTTL) }()
		_, _, err := signIn(t, c.Message, author.Seed)
		wantRefusal(t, err, banx.EUNAUTHORIZED, "expired")
	})
	t.Run("ErrForeignDomain", func(t *testing.T) {
		other := &auth.Service{Store: f.svc.Store, Accounts: f.client, Domain: "evil.example", Now: f.svc.Now}
		c, _ := other.Challenge(ctx, author.ClassicAddress.String())
		_, _, err := signIn(t, c.Message, author.Seed)
		wantRefusal(t, err, banx.EUNAUTHORIZED, `for domain "evil.example"`)
	})
	t.Run("ErrUnknownNonce", func(t *testing.T) {
		c, _ := f.svc.Challenge(ctx, author.ClassicAddress.String())
		forged := strings.Replace(c.Message, "nonce: "+c.Nonce, "nonce: "+strings.Repeat("0", 32), 1)
		_, _, err := signIn(t, forged, author.Seed)
		wantRefusal(t, err, banx.EUNAUTHORIZED, "not issued")
	})
	t.Run("ErrSignatureOverOtherText", func(t *testing.T) {
		c1, _ := f.svc.Challenge(ctx, author.ClassicAddress.String())
		c2, _ := f.svc.Challenge(ctx, author.ClassicAddress.String())
		pub, sig, _ := auth.Sign(c2.Message, author.Seed)
		_, _, err := f.svc.SignIn(ctx, c1.Message, pub, sig)
		wantRefusal(t, err, banx.EUNAUTHORIZED, "does not verify")
	})
	t.Run("ErrOtherAccountsKey", func(t *testing.T) {
		mallory := publishtest.NewWallet(t)
		c, _ := f.svc.Challenge(ctx, author.ClassicAddress.String())
		_, _, err := signIn(t, c.Message, mallory.Seed)
		wantRefusal(t, err, banx.EUNAUTHORIZED, "neither the master key nor the regular key")
	})
	t.Run("ErrMessageChanged", func(t *testing.T) {
		c, _ := f.svc.Challenge(ctx, author.ClassicAddress.String())
		changed := strings.Replace(c.Message, c.ExpiresAt.Format("2006-01-02T15:04:05Z"), c.ExpiresAt.Add(time.Hour).Format("2006-01-02T15:04:05Z"), 1)
		_, _, err := signIn(t, changed, author.Seed)
		wantRefusal(t, err, banx.EUNAUTHORIZED, "differs from the challenge")
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		_, _, err := f.svc.SignIn(ctx, "STX\x00hello\n", "ED"+strings.Repeat("0", 64), "00")
		wantRefusal(t, err, banx.EINVALID, "not a Banx sign-in message")
	})
	t.Run("ErrBadAddress", func(t *testing.T) {
		_, err := f.svc.Challenge(ctx, "rNotAnAddress")
		wantRefusal(t, err, banx.EINVALID, "not a classic")
	})
}

// TestSignInRegularKey covers the keys an account may sign with: its regular
// key read from the ledger, and not its master key once disabled.
func TestSignInRegularKey(t *testing.T) {
	ctx := publishtest.Context(t)
	f := newFixture(t)
	author, regular := publishtest.NewWallet(t), publishtest.NewEd25519Wallet(t)
	publishtest.Fund(t, ctx, f.client, author, 50_000_000)
	publishtest.SetRegularKey(t, ctx, f.client, author, regular)

	try := func(seed string) error {
		c, err := f.svc.Challenge(ctx, author.ClassicAddress.String())
		if err != nil {
			t.Fatal(err)
		}
		pub, sig, err := auth.Sign(c.Message, seed)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = f.svc.SignIn(ctx, c.Message, pub, sig)
		return err
	}
	t.Run("OKRegularKey", func(t *testing.T) {
		if err := try(regular.Seed); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OKMasterKeyStillEnabled", func(t *testing.T) {
		if err := try(author.Seed); err != nil {
			t.Fatal(err)
		}
	})
	publishtest.DisableMaster(t, ctx, f.client, author)
	t.Run("ErrMasterDisabled", func(t *testing.T) {
		wantRefusal(t, try(author.Seed), banx.EUNAUTHORIZED, "master key of "+author.ClassicAddress.String()+" is disabled")
	})
	t.Run("OKRegularKeyAfterDisable", func(t *testing.T) {
		if err := try(regular.Seed); err != nil {
			t.Fatal(err)
		}
	})
}

func TestParseMessage(t *testing.T) {
	c := banx.Challenge{Domain: domain, Address: publishtest.GenesisAddress, Nonce: strings.Repeat("ab", 16),
		IssuedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), ExpiresAt: time.Date(2026, 1, 2, 3, 9, 5, 0, time.UTC)}
	msg := auth.Message(c)
	t.Run("OK", func(t *testing.T) {
		got, err := auth.ParseMessage(msg)
		if err != nil || got.Nonce != c.Nonce || !got.ExpiresAt.Equal(c.ExpiresAt) || got.Domain != domain {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
	for _, tc := range []struct{ name, msg, want string }{
		{"ErrNoNewline", strings.TrimSuffix(msg, "\n"), "end with a newline"},
		{"ErrAnchorMessage", strings.Replace(msg, auth.LoginDomain, anchor.LeafDomain, 1), "not a Banx sign-in message"},
		{"ErrExtraLine", msg + "extra: 1\n", "7 lines"},
		{"ErrBadTime", strings.Replace(msg, "issued: 2026-01-02T03:04:05Z", "issued: yesterday", 1), "not an RFC 3339"},
		{"ErrFieldOrder", strings.Replace(strings.Replace(msg, "domain: ", "addrXX: ", 1), "address: ", "domain: ", 1), `"domain: "`},
		{"ErrTooLong", msg + strings.Repeat("x", auth.MaxMessageBytes), "at most"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := auth.ParseMessage(tc.msg)
			wantRefusal(t, err, banx.EINVALID, tc.want)
		})
	}
}

func wantRefusal(t *testing.T, err error, code, reason string) {
	t.Helper()
	if banx.ErrorCode(err) != code || !strings.Contains(banx.ErrorMessage(err), reason) {
		t.Fatalf("err = %v, want %s containing %q", err, code, reason)
	}
}

// TestSignSeed: a seed with characters outside XRPL base58 (pasted with a bidi
// override or a zero-width space) made xrpl-go's decoder panic; Sign refuses
// it without echoing it.
func TestSignSeed(t *testing.T) {
	good := publishtest.NewEd25519Wallet(t).Seed
	msg := "banx sign-in"
	for name, seed := range map[string]string{
		"ErrRTLOverride": "\u202e" + good[3:],
		"ErrZeroWidth":   good[:10] + "\u200b" + good[13:],
		"ErrShort":       good[:20],
		"ErrEmpty":       "",
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := auth.Sign(msg, seed)
			wantRefusal(t, err, banx.EINVALID, "the seed is not a valid XRPL seed")
			if len(seed) > 12 && strings.Contains(err.Error(), good[3:12]) {
				t.Fatalf("error %q echoes the seed", err)
			}
		})
	}
}
