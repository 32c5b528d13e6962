package http

import (
	"crypto/sha256"
	"crypto/subtle"
	"strings"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/gin-gonic/gin"
)

// requireOperator admits only requests bearing the operator token. The token is
// compared by its SHA-256 in constant time, so neither timing nor memory reveals it.
func (s *Server) requireOperator() gin.HandlerFunc {
	return func(c *gin.Context) {
		auth := c.GetHeader("Authorization")
		token, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || token == "" {
			c.Header("WWW-Authenticate", `Bearer realm="banx-operator"`)
			s.writeError(c, banx.Errorf(banx.EUNAUTHORIZED, "operator credentials required: send Authorization: Bearer <operator token>"))
			return
		}
		sum := sha256.Sum256([]byte(token))
		if subtle.ConstantTimeCompare(sum[:], s.OperatorTokenHash[:]) != 1 {
			c.Header("WWW-Authenticate", `Bearer realm="banx-operator", error="invalid_token"`)
			s.writeError(c, banx.Errorf(banx.EUNAUTHORIZED, "operator token is not valid"))
			return
		}
		c.Next()
	}
}
