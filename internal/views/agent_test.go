package views_test

import (
	"fmt"
	"testing"

	"github.com/banxmedia/banx/internal/views"
)

// TestDetectBot is the maintained table: every agent the filter must catch, and
// real browsers it must not, with the User-Agent strings they actually send.
func TestDetectBot(t *testing.T) {
	bots := []struct{ name, ua, hint string }{
		{"HeadlessChrome", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.71 Safari/537.36", ""},
		{"HeadlessHint", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", `"HeadlessChrome";v="131", "Chromium";v="131"`},
		{"PhantomJS", "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1", ""},
		{"Puppeteer", "Mozilla/5.0 Puppeteer", ""},
		{"Electron", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Electron/28.0.0 Safari/537.36", ""},
		{"curl", "curl/8.5.0", ""},
		{"wget", "Wget/1.21.4", ""},
		{"python-requests", "python-requests/2.31.0", ""},
		{"python-urllib", "Python-urllib/3.12", ""},
		{"aiohttp", "Python/3.12 aiohttp/3.9.1", ""},
		{"Go", "Go-http-client/1.1", ""},
		{"Java", "Java/17.0.2", ""},
		{"okhttp", "okhttp/4.12.0", ""},
		{"node-fetch", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", ""},
		{"axios", "axios/1.6.2", ""},
		{"Postman", "PostmanRuntime/7.36.0", ""},
		{"Scrapy", "Scrapy/2.11.0 (+https://scrapy.org)", ""},
		{"Googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", ""},
		{"GooglebotSmartphone", "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", ""},
		{"bingbot", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36", ""},
		{"Yahoo", "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)", ""},
		{"DuckDuckBot", "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)", ""},
		{"Baidu", "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", ""},
		{"Yandex", "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", ""},
		{"Applebot", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)", ""},
		{"GPTBot", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)", ""},
		{"ClaudeBot", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)", ""},
		{"CCBot", "CCBot/2.0 (https://commoncrawl.org/faq/)", ""},
		{"Bytespider", "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)", ""},
		{"AhrefsBot", "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", ""},
		{"SemrushBot", "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", ""},
		{"Facebook", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", ""},
		{"Twitterbot", "Twitterbot/1.0", ""},
		{"Slackbot", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", ""},
		{"Discordbot", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", ""},
		{"TelegramBot", "TelegramBot (like TwitterBot)", ""},
		{"WhatsApp", "WhatsApp/2.23.20.0", ""},
		{"UptimeRobot", "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", ""},
		{"Pingdom", "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", ""},
		{"Lighthouse", "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse", ""},
		{"GenericCrawler", "SomeNewCrawler/0.1", ""},
		{"GenericSpider", "acme-spider", ""},
		{"Empty", "", ""},
		{"Blank", "   ", ""},
	}
	for _, tc := range bots {
		t.Run("Bot"+tc.name, func(t *testing.T) {
			marker, bot := views.DetectBot(tc.ua, tc.hint)
			if !bot || marker == "" {
				t.Fatalf("DetectBot(%q) = %q, %v; want a bot", tc.ua, marker, bot)
			}
		})
	}
	browsers := []struct{ name, ua, hint string }{
		{"ChromeWindows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", `"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"`},
		{"FirefoxLinux", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", ""},
		{"SafariMac", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", ""},
		{"SafariIPhone", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", ""},
		{"ChromeAndroid", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", ""},
		{"CubotPhone", "Mozilla/5.0 (Linux; Android 9; CUBOT_X19) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36", ""},
		{"Edge", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", ""},
		{"SamsungInternet", "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", ""},
		{"Opera", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0", ""},
	}
	for _, tc := range browsers {
		t.Run("OK"+tc.name, func(t *testing.T) {
			if marker, bot := views.DetectBot(tc.ua, tc.hint); bot {
				t.Fatalf("DetectBot(%q) = bot (marker %q), want a browser", tc.ua, marker)
			}
		})
	}
}

func TestAgentCache(t *testing.T) {
	var c views.AgentCache
	for i := 0; i < 3; i++ {
		for _, tc := range []struct {
			ua  string
			bot bool
		}{{"curl/8.5.0", true}, {"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", false}} {
			if m, bot := c.DetectBot(tc.ua, ""); bot != tc.bot || (bot && m != "curl/") {
				t.Fatalf("round %d: DetectBot(%q) = %q, %v", i, tc.ua, m, bot)
			}
		}
	}
	// Past its bound the cache starts over and still answers.
	for i := 0; i < 5000; i++ {
		if _, bot := c.DetectBot(fmt.Sprintf("Mozilla/5.0 Firefox/%d", i), ""); bot {
			t.Fatal("browser flagged")
		}
	}
	if _, bot := c.DetectBot("python-requests/2.31.0", ""); !bot {
		t.Fatal("bot missed after the cache started over")
	}
}
