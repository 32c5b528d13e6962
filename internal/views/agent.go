package views

import (
	"strings"
	"sync"
)

// botMarkers are lowercase substrings of User-Agent headers sent by crawlers,
// scripts, HTTP libraries, link unfurlers, monitors and headless or automated
// browsers. It is a maintained list: add a marker when the stats show a new
// agent getting through, and add its User-Agent to the table test. Generic
// words come last so the stats name the specific agent when there is one.
var botMarkers = []string{
	// Headless and automated browsers.
	"headlesschrome", "headlessedg", "headless", "phantomjs", "slimerjs", "puppeteer", "playwright",
	"selenium", "webdriver", "chrome-lighthouse", "lighthouse", "electron/", "cypress",
	// Command-line tools and HTTP libraries.
	"curl/", "wget/", "httpie/", "python-requests", "python-urllib", "python-httpx", "aiohttp",
	"go-http-client", "java/", "okhttp", "apache-httpclient", "libwww-perl", "lwp::", "ruby",
	"node-fetch", "axios/", "undici", "got (", "postmanruntime", "insomnia", "restsharp",
	"guzzlehttp", "php/", "scrapy", "mechanize", "httpclient", "winhttp", "powershell", "dart:io",
	// Search engines.
	"googlebot", "google-inspectiontool", "googleother", "adsbot-google", "mediapartners-google",
	"storebot-google", "bingbot", "bingpreview", "msnbot", "adidxbot", "slurp", "duckduckbot",
	"baiduspider", "yandex", "sogou", "exabot", "seznambot", "applebot", "petalbot", "qwantify",
	"mojeekbot", "yeti/",
	// AI and archive crawlers.
	"gptbot", "chatgpt-user", "oai-searchbot", "ccbot", "claudebot", "claude-web", "anthropic-ai",
	"perplexitybot", "bytespider", "amazonbot", "cohere-ai", "diffbot", "ia_archiver",
	"archive.org_bot", "meta-externalagent", "imagesiftbot", "omgili", "timpibot",
	// SEO tools.
	"ahrefsbot", "semrushbot", "mj12bot", "dotbot", "rogerbot", "blexbot", "dataforseobot",
	"serpstatbot", "megaindex", "screaming frog",
	// Link previews and social unfurlers.
	"facebookexternalhit", "facebot", "twitterbot", "linkedinbot", "slackbot", "slack-imgproxy",
	"discordbot", "telegrambot", "whatsapp", "skypeuripreview", "redditbot",
	"embedly", "quora link preview", "vkshare", "mastodon/",
	// Uptime monitors and feed readers.
	"pingdom", "uptimerobot", "statuscake", "site24x7", "newrelicpinger", "datadog",
	"feedfetcher", "feedly", "inoreader",
	// Generic words.
	"bot/", "bot;", "bot)", "-bot", "_bot", " bot", "robot", "crawler", "crawling", "spider",
	"scraper", "fetcher", "preview", "monitor", "checker", "validator", "http://", "https://",
}

// DetectBot reports whether a request comes from a bot, crawler, script or
// headless browser, and which marker said so. userAgent is the User-Agent
// header; secCHUA is the Sec-CH-UA client hint, where Chrome's headless mode
// admits to "HeadlessChrome" even when the User-Agent has been disguised. An
// empty User-Agent is a script: every browser sends one.
func DetectBot(userAgent, secCHUA string) (marker string, bot bool) {
	if strings.TrimSpace(userAgent) == "" {
		return "empty user agent", true
	}
	if strings.Contains(strings.ToLower(secCHUA), "headless") {
		return "headless client hint", true
	}
	ua := strings.ToLower(userAgent)
	for _, m := range botMarkers {
		if strings.Contains(ua, m) {
			return m, true
		}
	}
	return "", false
}

// AgentCache remembers DetectBot's answers. Real traffic repeats a few hundred
// User-Agent strings, and scanning the marker list costs microseconds per
// beacon. The cache is bounded: when full it starts over, so a client sending
// endless random agents only gets the uncached cost. Safe for concurrent use.
type AgentCache struct {
	mu sync.RWMutex
	m  map[agentKey]agentVerdict
}

type agentKey struct{ ua, hint string }

type agentVerdict struct {
	marker string
	bot    bool
}

// agentCacheSize bounds the cache; agentCacheMaxLen keeps huge headers out.
const (
	agentCacheSize   = 4096
	agentCacheMaxLen = 512
)

// DetectBot is DetectBot, remembered.
func (c *AgentCache) DetectBot(userAgent, secCHUA string) (marker string, bot bool) {
	if len(userAgent)+len(secCHUA) > agentCacheMaxLen {
		return DetectBot(userAgent, secCHUA)
	}
	k := agentKey{userAgent, secCHUA}
	c.mu.RLock()
	v, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return v.marker, v.bot
	}
	marker, bot = DetectBot(userAgent, secCHUA)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= agentCacheSize {
		c.m = make(map[agentKey]agentVerdict, agentCacheSize)
	}
	c.m[k] = agentVerdict{marker, bot}
	c.mu.Unlock()
	return marker, bot
}
