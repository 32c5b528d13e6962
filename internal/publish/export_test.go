package publish

import "github.com/banxmedia/banx/internal/banx"

// SetBeforeSubmit installs a hook that runs after an anchor is persisted and
// before its first submission; an error from it stops the follower as a crash
// would, leaving the anchor in flight.
func SetBeforeSubmit(s *Service, f func(*banx.Anchor) error) { s.beforeSubmit = f }
