package http

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/gin-gonic/gin"
)

// sameOriginWrites refuses API writes that a browser sends on behalf of
// another origin. The session cookie is SameSite=Strict, which stops other
// sites but not a sibling origin of the same site (another subdomain or
// port), and a sign-in request carries no cookie at all (login CSRF). A
// request with a bearer token is let through: a page cannot attach one to a
// cross-origin request without a CORS preflight, which Banx never grants, so
// it is not ambient authority. Any other Authorization header is checked like
// none: requireAuthor would fall back to the session cookie behind it.
//
// Browsers say where a request comes from in Sec-Fetch-Site; older ones only
// in Origin, which is compared with the Host the request was sent to. A
// request with neither header is not from a browser and carries no ambient
// credential a page could abuse.
func (s *Server) sameOriginWrites() gin.HandlerFunc {
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			c.Next()
			return
		}
		if err := crossOriginWrite(c.Request); err != nil {
			s.writeError(c, err)
			return
		}
		c.Next()
	}
}

// crossOriginWrite refuses a write (EFORBIDDEN) that a browser sent from
// another origin. A request with a Bearer token is not a browser's ambient
// credential, so it passes.
func crossOriginWrite(r *http.Request) error {
	if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && token != "" {
		return nil
	}
	if reason := crossOrigin(r); reason != "" {
		return banx.Errorf(banx.EFORBIDDEN, "cross-origin write refused: %s", reason)
	}
	return nil
}

// crossOrigin says why r comes from another origin, or "" if it does not.
func crossOrigin(r *http.Request) string {
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "same-origin", "none":
		return ""
	case "":
	default:
		return "the browser sent it from a " + truncate(site, 20) + " page (Sec-Fetch-Site)"
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return ""
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Host != r.Host {
		return "Origin " + truncate(origin, 80) + " is not this server (" + truncate(r.Host, 80) + ")"
	}
	return ""
}
