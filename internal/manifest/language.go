package manifest

import (
	"regexp"
	"strings"

	"golang.org/x/text/language"
)

// languagePattern is the subset of BCP 47 a manifest accepts: a language,
// optional script and region, and variants, each in its conventional case
// (en, zh-Hant-TW, es-419, de-CH-1996). Extensions, private use and
// grandfathered tags are left out: a page's language needs none of them.
var languagePattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?(-([a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*$`)

// checkLanguage accepts a tag whose form matches languagePattern and whose
// subtags are registered and written in their shortest form ("en", not
// "eng"), so that one language has one spelling in the hashed bytes.
func checkLanguage(field, tag string) *issue {
	if tag == "" {
		return invalid(field, "required")
	}
	if !languagePattern.MatchString(tag) {
		if fix := conventionalCase(tag); fix != tag && languagePattern.MatchString(fix) {
			return invalid(field, "%s must be written %q", quote(tag), fix)
		}
		return invalid(field, "%s is not a BCP 47 tag of the form language[-Script][-REGION][-variant]", quote(tag))
	}
	parts := strings.Split(tag, "-")
	for i, sub := range parts {
		var got string
		var err error
		switch {
		case i == 0:
			var b language.Base
			b, err = language.ParseBase(sub)
			got = b.String()
		case len(sub) == 4 && sub[0] >= 'A' && sub[0] <= 'Z':
			var s language.Script
			s, err = language.ParseScript(sub)
			got = s.String()
		case len(sub) == 2 || len(sub) == 3:
			var r language.Region
			r, err = language.ParseRegion(sub)
			got = r.String()
		default:
			var v language.Variant
			v, err = language.ParseVariant(sub)
			got = v.String()
		}
		if err != nil || (got == "ZZ" && sub != "ZZ") {
			return invalid(field, "unknown subtag %q in %s", sub, quote(tag))
		}
		if got != sub {
			return invalid(field, "subtag %q in %s must be written %q", sub, quote(tag), got)
		}
	}
	return nil
}

// conventionalCase writes each subtag in the case BCP 47 recommends, to suggest
// a fix: language and variants lower case, script title case, region upper case.
func conventionalCase(tag string) string {
	parts := strings.Split(tag, "-")
	for i, p := range parts {
		switch {
		case i == 0:
			parts[i] = strings.ToLower(p)
		case len(p) == 4 && isASCIILetters(p):
			parts[i] = strings.ToUpper(p[:1]) + strings.ToLower(p[1:])
		case len(p) == 2 && isASCIILetters(p):
			parts[i] = strings.ToUpper(p)
		default:
			parts[i] = strings.ToLower(p)
		}
	}
	return strings.Join(parts, "-")
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
