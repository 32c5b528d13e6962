package views

import "strings"

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
