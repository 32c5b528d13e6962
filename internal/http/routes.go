package http

// routes registers every route of the server in one place, so the whole surface
// can be reviewed at a glance.
func (s *Server) routes() {
	e := s.engine
	e.Use(s.requestID(), s.recoverPanics(), s.logRequests(), s.limitBody(), s.securityHeaders())
	e.NoRoute(s.notFound)
	e.NoMethod(s.methodNotAllowed)

	e.GET("/healthz", s.handleHealth)
	e.GET("/ipfs/:cid", s.handleGetContent)
	e.HEAD("/ipfs/:cid", s.handleGetContent)

	api := e.Group("/api/v1")
	api.POST("/content", s.requireOperator(), s.handleAddContent)
	if s.Verifier != nil {
		api.GET("/verify/:tx", s.handleVerifyTx)
		api.POST("/verify", s.handleVerifyBundle)
	}
	if s.Views != nil {
		api.GET("/articles/:id/view-token", s.handleViewToken)
		api.POST("/views", s.handleViewBeacon)
		api.GET("/views/stats", s.requireOperator(), s.handleViewStats)
	}
}
