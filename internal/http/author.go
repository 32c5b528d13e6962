package http

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/gin-gonic/gin"
)

// AuthService signs authors in with their wallet (internal/auth implements it).
type AuthService interface {
	// Challenge issues a sign-in challenge for an address. EINVALID for a bad address.
	Challenge(ctx context.Context, address string) (banx.Challenge, error)
	// SignIn checks a signed challenge and returns the session and its token.
	// EUNAUTHORIZED (with the reason) for a refused proof, EINVALID if malformed.
	SignIn(ctx context.Context, message, publicKey, signature string) (*banx.Session, string, error)
	// Authenticate returns the live session of a token. EUNAUTHORIZED otherwise.
	Authenticate(ctx context.Context, token string) (*banx.Session, error)
	// SignOut ends a session. EUNAUTHORIZED if it is not live.
	SignOut(ctx context.Context, token string) error
}

// SessionCookie names the cookie that carries a browser's session token.
const SessionCookie = "banx_session"

const sessionKey = "banx.session"
const tokenKey = "banx.token"

type challengeRequest struct {
	Address string `json:"address"`
}

type challengeResponse struct {
	Address   string `json:"address"`
	Domain    string `json:"domain"`
	Nonce     string `json:"nonce"`
	IssuedAt  string `json:"issued_at"`
	ExpiresAt string `json:"expires_at"`
	Message   string `json:"message"`
}

type signInRequest struct {
	Message   string `json:"message"`
	PublicKey string `json:"public_key"`
	Signature string `json:"signature"`
}

type sessionResponse struct {
	Token     string `json:"token,omitempty"`
	Address   string `json:"address"`
	PublicKey string `json:"public_key"`
	ExpiresAt string `json:"expires_at"`
}

// handleChallenge issues a sign-in challenge for the address in the body.
func (s *Server) handleChallenge(c *gin.Context) {
	var req challengeRequest
	if !s.readJSON(c, &req) {
		return
	}
	ch, err := s.Auth.Challenge(c.Request.Context(), req.Address)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, challengeResponse{Address: ch.Address, Domain: ch.Domain, Nonce: ch.Nonce,
		IssuedAt: ch.IssuedAt.UTC().Format(time.RFC3339), ExpiresAt: ch.ExpiresAt.UTC().Format(time.RFC3339), Message: ch.Message})
}

// handleSignIn opens a session from a signed challenge. The token is returned
// once, in the body for the CLI and in an HttpOnly cookie for browsers.
func (s *Server) handleSignIn(c *gin.Context) {
	var req signInRequest
	if !s.readJSON(c, &req) {
		return
	}
	sess, token, err := s.Auth.SignIn(c.Request.Context(), req.Message, req.PublicKey, req.Signature)
	if err != nil {
		s.writeError(c, err)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: sess.ExpiresAt,
		MaxAge: int(time.Until(sess.ExpiresAt).Seconds()), HttpOnly: true, Secure: s.overTLS(c.Request), SameSite: http.SameSiteStrictMode})
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, sessionResponse{Token: token, Address: sess.Address, PublicKey: sess.PublicKey,
		ExpiresAt: sess.ExpiresAt.UTC().Format(time.RFC3339)})
}

// handleSession says who is signed in.
func (s *Server) handleSession(c *gin.Context) {
	sess := sessionOf(c)
	c.JSON(http.StatusOK, sessionResponse{Address: sess.Address, PublicKey: sess.PublicKey, ExpiresAt: sess.ExpiresAt.UTC().Format(time.RFC3339)})
}

// handleSignOut ends the session and clears the cookie.
func (s *Server) handleSignOut(c *gin.Context) {
	if err := s.Auth.SignOut(c.Request.Context(), c.GetString(tokenKey)); err != nil {
		s.writeError(c, err)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.overTLS(c.Request), SameSite: http.SameSiteStrictMode})
	c.Status(http.StatusNoContent)
}

// requireAuthor admits requests with a live author session, from the bearer
// token (CLI) or the session cookie (browser; SameSite=Strict keeps other
// sites from riding on it).
func (s *Server) requireAuthor() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.authenticateAuthor(c) {
			c.Next()
		}
	}
}

// authenticateAuthor puts the request's live author session in the context,
// or answers 401 with the reason and returns false.
func (s *Server) authenticateAuthor(c *gin.Context) bool {
	token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok {
		if ck, err := c.Request.Cookie(SessionCookie); err == nil {
			token = ck.Value
		}
	}
	if token == "" {
		c.Header("WWW-Authenticate", `Bearer realm="banx-author"`)
		s.writeError(c, banx.Errorf(banx.EUNAUTHORIZED, "sign in first: send Authorization: Bearer <session token> (POST /api/v1/auth/session)"))
		return false
	}
	sess, err := s.Auth.Authenticate(c.Request.Context(), token)
	if err != nil {
		c.Header("WWW-Authenticate", `Bearer realm="banx-author", error="invalid_token"`)
		s.writeError(c, err)
		return false
	}
	c.Set(sessionKey, sess)
	c.Set(tokenKey, token)
	return true
}

// requireSelfOrOperator guards an author's own settings (the :address path
// parameter): the operator's bearer token may change anyone's, a signed-in
// author only their own; another author gets 403 with the reason. Without
// author sign-in on the server it is requireOperator.
func (s *Server) requireSelfOrOperator() gin.HandlerFunc {
	operator := s.requireOperator()
	return func(c *gin.Context) {
		token, bearer := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		if bearer && token != "" {
			sum := sha256.Sum256([]byte(token))
			if subtle.ConstantTimeCompare(sum[:], s.OperatorTokenHash[:]) == 1 {
				c.Next()
				return
			}
		}
		if s.Auth == nil {
			operator(c)
			return
		}
		if !s.authenticateAuthor(c) {
			return
		}
		if me, target := sessionOf(c).Address, c.Param("address"); me != target {
			s.writeError(c, banx.Errorf(banx.EFORBIDDEN, "signed in as %s: an author may change only their own reward settings, not those of %s",
				me, truncate(target, 40)))
			return
		}
		c.Next()
	}
}

func sessionOf(c *gin.Context) *banx.Session {
	v, _ := c.Get(sessionKey)
	sess, _ := v.(*banx.Session)
	return sess
}

// readJSON decodes a JSON request body strictly (one object, no unknown
// fields) into v, answering 400 with the reason when it cannot.
func (s *Server) readJSON(c *gin.Context, v any) bool {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		s.writeError(c, err)
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		s.writeError(c, banx.Errorf(banx.EINVALID, "request body: %s", strings.TrimPrefix(err.Error(), "json: ")))
		return false
	}
	if dec.More() {
		s.writeError(c, banx.Errorf(banx.EINVALID, "request body: trailing data after the JSON object"))
		return false
	}
	return true
}
