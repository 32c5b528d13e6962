package http

import (
	"fmt"

	"github.com/gin-gonic/gin"
)

// publishPage is the Publish page: a form the server renders and
// web/static/publish.js (built from web/wallet) enhances with an in-page
// wallet. The server never sees the author's seed; the page signs.
type publishPage struct {
	pageBase
}

// loadPublish prepares the Publish page's template with the others, at Open,
// so a broken template stops the server from starting.
func (st *Site) loadPublish() error {
	t, err := pageTemplates(st.assets, "publish")
	if err != nil {
		return err
	}
	if _, err := st.assets.url("publish.js"); err != nil {
		return fmt.Errorf("publish page: %w (build it with make web)", err)
	}
	st.templates["publish"] = t["publish"]
	return nil
}

// handlePublishPage serves the Publish page. It needs no session: signing
// in happens in the page, with the author's key.
func (s *Server) handlePublishPage(c *gin.Context) {
	p := publishPage{pageBase: s.base("Publish an article", "Sign in with your XRP Ledger key and publish an article anchored on the XRP Ledger.")}
	c.Header("Cache-Control", "no-store")
	s.renderPage(c, 200, "publish", p)
}
