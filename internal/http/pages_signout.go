package http

import (
	"net/http"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/gin-gonic/gin"
)

// handleDashboardSignOut ends the author's browser session from the dashboard:
// the session is revoked on the server (a copied cookie stops working at
// once), the cookie is cleared, and Clear-Site-Data tells the browser to drop
// this site's storage, where the Publish page may have kept the wallet seed for
// the tab. Only a form from this site may sign an author out; a session that is
// already gone is no error, since the author wanted to be signed out.
func (s *Server) handleDashboardSignOut(c *gin.Context) {
	if !s.sameOrigin(c) {
		return
	}
	if ck, err := c.Request.Cookie(SessionCookie); err == nil && ck.Value != "" {
		err := s.Auth.SignOut(c.Request.Context(), ck.Value)
		if err != nil && banx.ErrorCode(err) != banx.EUNAUTHORIZED {
			s.pageError(c, err)
			return
		}
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.overTLS(c.Request), SameSite: http.SameSiteStrictMode})
	c.Header("Clear-Site-Data", `"storage"`)
	c.Redirect(http.StatusSeeOther, "/dashboard")
}
