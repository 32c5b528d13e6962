package http

import (
	"github.com/banxmedia/banx/internal/render"
	"github.com/gin-gonic/gin"
)

// routes registers every route of the server in one place, so the whole surface
// can be reviewed at a glance.
func (s *Server) routes() {
	e := s.engine
	e.Use(s.requestID(), s.recoverPanics(), s.logRequests(), s.limitBody(), s.securityHeaders())
	e.NoRoute(s.notFound)
	e.NoMethod(s.methodNotAllowed)

	e.GET("/healthz", s.handleHealth)
	e.HEAD("/healthz", s.handleHealth) // load balancers probe with HEAD
	if s.Metrics != nil {
		e.GET("/metrics", s.requireOperator(), s.handleMetrics)
	}
	e.GET("/ipfs/:cid", s.handleGetContent)
	e.HEAD("/ipfs/:cid", s.handleGetContent)

	api := e.Group("/api/v1")
	api.Use(s.sameOriginWrites())
	api.POST("/content", s.requireOperator(), s.handleAddContent)
	if s.Verifier != nil {
		api.GET("/verify/:tx", s.handleVerifyTx)
		api.POST("/verify", s.handleVerifyBundle)
	}
	if s.Auth != nil {
		api.POST("/auth/challenge", s.handleChallenge)
		api.POST("/auth/session", s.handleSignIn)
		api.GET("/auth/session", s.requireAuthor(), s.handleSession)
		api.DELETE("/auth/session", s.requireAuthor(), s.handleSignOut)
	}
	if s.Auth != nil && s.Publish != nil {
		api.POST("/drafts", s.requireAuthor(), s.handleCreateDraft)
		api.GET("/drafts/:id", s.requireAuthor(), s.handleGetDraft)
		api.POST("/drafts/:id/anchor", s.requireAuthor(), s.handleAnchorDraft)
		api.POST("/drafts/:id/submit", s.requireAuthor(), s.handleSubmitDraft)
		api.POST("/preview", s.requireAuthor(), s.handlePreview(render.New()))
		api.POST("/media", s.requireAuthor(), s.handleUploadMedia(newUploadLimiter(MediaUploadsPerWindow, MediaUploadWindow)))
		api.GET("/articles", s.handleListArticles)
		api.GET("/articles/:id", s.handleGetArticle)
		api.GET("/articles/:id/versions/:n/proof", s.handleGetProof)
	}
	if s.Rewards != nil {
		api.GET("/token", s.handleTokenStatus)
		api.POST("/token/trustline/prepare", s.handlePrepareTrustLine)
		api.GET("/payouts/:epoch", s.handleGetPayouts)
		api.GET("/payouts/:epoch/plan", s.handleGetPlan)
		api.POST("/payouts/:epoch/plan", s.requireOperator(), s.handlePlanEpoch)
		api.POST("/payouts/:epoch/run", s.requireOperator(), s.handleRunPayouts)
		api.GET("/payouts/:epoch/proofs/:author", s.handleGetLeafProof)
		api.GET("/authors/:address/beneficiaries", s.handleGetBeneficiaries)
		api.PUT("/authors/:address/beneficiaries", s.requireSelfOrOperator(), s.handleSetBeneficiaries)
		api.PUT("/authors/:address/rewards", s.requireSelfOrOperator(), s.handleSetRewardsPreference)
		if s.Auth != nil {
			api.POST("/token/trustline/submit", s.requireAuthor(), s.handleSubmitTrustLine)
		}
	}
	// Pages are HTML for readers, not API operations, so they are not in
	// contracts/openapi.yaml; they are registered with Handle, which the
	// OpenAPI route test (it reads .GET/.POST/... calls) leaves out.
	if s.Site != nil && s.Publish != nil {
		// page registers a page for GET and for HEAD (RFC 9110: HEAD wherever
		// GET works; link checkers and uptime monitors use it). net/http
		// drops the body of a HEAD answer.
		page := func(path string, h gin.HandlerFunc) {
			e.Handle("GET", path, h)
			e.Handle("HEAD", path, h)
		}
		page("/", s.handleHomePage)
		page("/category/:id", s.handleCategoryPage)
		page("/tag/:tag", s.handleTagPage)
		page("/author/:address", s.handleAuthorPage)
		page("/a/:id", s.handleArticlePage)
		page("/a/:id/:slug", s.handleArticlePage)
		page("/authors/join", s.handleJoinPage)
		page("/verify", s.handleVerifyPage)
		page("/verify/:tx", s.handleVerifyPage)
		e.Handle("POST", "/verify", s.handleVerifyBundlePage)
		page("/publish", s.handlePublishPage)
		page("/static/:file", s.handleStatic)
		page("/robots.txt", s.handleRobots)
		page("/favicon.ico", s.handleFavicon)
		page("/dashboard", s.handleDashboardPage)
		page("/dashboard/trustline", s.handleDashboardTrustLine)
		e.Handle("POST", "/dashboard/beneficiaries", s.handleDashboardBeneficiaries)
		e.Handle("POST", "/dashboard/rewards", s.handleDashboardRewards)
		e.Handle("POST", "/dashboard/signout", s.handleDashboardSignOut)
		page("/operator", s.handleOperatorPage)
		e.Handle("POST", "/operator/login", s.handleOperatorLogin)
		e.Handle("POST", "/operator/logout", s.handleOperatorLogout)
		e.Handle("POST", "/operator/plan", s.handleOperatorPlan)
		e.Handle("POST", "/operator/run", s.handleOperatorRun)
	}
	if s.Views != nil {
		api.GET("/articles/:id/view-token", s.handleViewToken)
		api.POST("/views", s.handleViewBeacon)
		api.GET("/views/stats", s.requireOperator(), s.handleViewStats)
	}
}
