package contracts

import _ "embed"

// CredibilityJSON holds the rules of the Credibility Score shown on article
// pages: each signal, its points and the list of known news outlets. The
// rules are data so readers can see exactly how a score is made;
// internal/credibility computes scores from these bytes alone.
//
//go:embed credibility.json
var CredibilityJSON []byte

// LevelsJSON holds the thresholds of the author levels (BEGINNER and up)
// shown next to an author's name; internal/level computes levels from them.
//
//go:embed levels.json
var LevelsJSON []byte
