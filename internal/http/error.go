package http

import (
	"errors"
	"net/http"
	"strings"

	"github.com/banxmedia/banx/internal/banx"
	"github.com/gin-gonic/gin"
)

// statusOf is the one map from error code to HTTP status.
var statusOf = map[string]int{
	banx.EINVALID:      http.StatusBadRequest,
	banx.ENOTFOUND:     http.StatusNotFound,
	banx.ECONFLICT:     http.StatusConflict,
	banx.EUNAUTHORIZED: http.StatusUnauthorized,
	banx.EFORBIDDEN:    http.StatusForbidden,
	banx.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	banx.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	banx.ETOOMANY:      http.StatusTooManyRequests,
	banx.EUNAVAILABLE:  http.StatusServiceUnavailable,
	banx.EINTERNAL:     http.StatusInternalServerError,
}

// errorBody is the JSON shape of every failure: {"error":{"code","message","request_id"}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

// writeError answers with err's code and caller-safe message. Internal errors are
// logged with their detail and answered with a generic message and the request id,
// which lets an operator find the detail without showing it to the caller.
func (s *Server) writeError(c *gin.Context, err error) {
	status, body := errorAnswer(err, requestIDOf(c))
	if status >= 500 {
		s.Logger.Error("request failed", "request_id", body.Error.RequestID, "code", body.Error.Code, "err", err)
	}
	c.AbortWithStatusJSON(status, body)
}

// errorAnswer is the status and body that answer err.
func errorAnswer(err error, requestID string) (int, errorBody) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = banx.Errorf(banx.ETOOLARGE, "request body is larger than %d bytes", mbe.Limit)
	}
	code := banx.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status, code = http.StatusInternalServerError, banx.EINTERNAL
	}
	return status, errorBody{Error: errorDetail{Code: code, Message: banx.ErrorMessage(err), RequestID: requestID}}
}

// notFound answers an unknown path: with the site's HTML "Not found" page
// when a browser asks for a page (Accept names text/html and the path is not
// under the API or /ipfs/), with the JSON error otherwise.
func (s *Server) notFound(c *gin.Context) {
	err := banx.Errorf(banx.ENOTFOUND, "no route for %s %s", c.Request.Method, c.Request.URL.Path)
	p := c.Request.URL.Path
	if s.Site != nil && s.Publish != nil && strings.Contains(c.GetHeader("Accept"), "text/html") &&
		!strings.HasPrefix(p, "/api/") && !strings.HasPrefix(p, "/ipfs/") {
		s.pageError(c, banx.Errorf(banx.ENOTFOUND, "there is no page at %s", truncate(p, 200)))
		return
	}
	s.writeError(c, err)
}

func (s *Server) methodNotAllowed(c *gin.Context) {
	c.AbortWithStatusJSON(http.StatusMethodNotAllowed, errorBody{Error: errorDetail{
		Code: "method_not_allowed", Message: "method " + c.Request.Method + " is not allowed on " + c.Request.URL.Path,
		RequestID: requestIDOf(c)}})
}
