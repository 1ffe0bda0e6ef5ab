package jsonschema

import (
	"bytes"
	"errors"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// formatChecker returns the check of a "format" (asserted up to draft-07),
// nil for formats it does not know, which pass. The checks accept what
// santhosh-tekuri/jsonschema v5's accepted, so that no value that passed
// before fails now; the common ones (uuid, date-time, email with a plain
// address) allocate nothing.
func formatChecker(name string) func([]byte) bool {
	switch name {
	case "date-time":
		return isDateTime
	case "date":
		return func(b []byte) bool { return isDate(string(b)) }
	case "time":
		return func(b []byte) bool { return isTime(string(b)) }
	case "duration":
		return func(b []byte) bool { return isDuration(string(b)) }
	case "period":
		return func(b []byte) bool { return isPeriod(string(b)) }
	case "hostname":
		return func(b []byte) bool { return isHostname(string(b)) }
	case "email":
		return isEmail
	case "ip-address", "ipv4":
		return func(b []byte) bool { return isIPv4(string(b)) }
	case "ipv6":
		return func(b []byte) bool { return isIPv6(string(b)) }
	case "uri", "iri":
		return func(b []byte) bool { return isURI(string(b)) }
	case "uri-reference", "uriref", "iri-reference":
		return func(b []byte) bool { return isURIReference(string(b)) }
	case "uri-template":
		return func(b []byte) bool { return isURITemplate(string(b)) }
	case "regex":
		return func(b []byte) bool { _, err := regexp.Compile(string(b)); return err == nil }
	case "json-pointer":
		return func(b []byte) bool { return isJSONPointer(string(b)) }
	case "relative-json-pointer":
		return func(b []byte) bool { return isRelativeJSONPointer(string(b)) }
	case "uuid":
		return isUUID
	}
	return nil
}

// compilePattern compiles a "pattern" or "patternProperties" key: a Go
// regular expression (RE2 syntax), as santhosh-tekuri/jsonschema and
// Confluent's Go client read them.
func compilePattern(p string) (*regexp.Regexp, error) { return regexp.Compile(p) }

func isDateTime(b []byte) bool {
	if len(b) < 20 || (b[10] != 'T' && b[10] != 't') {
		return false
	}
	return isDate(string(b[:10])) && isTime(string(b[11:]))
}

// isDate checks a date as time.Parse("2006-01-02", s) does: four-digit
// year, month 01-12, a day that the month has.
func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	year := 0
	for i := 0; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		year = year*10 + int(s[i]-'0')
	}
	month, ok1 := twoDigits(s[5:7], 1, 12)
	day, ok2 := twoDigits(s[8:10], 1, 31)
	if !ok1 || !ok2 {
		return false
	}
	return day <= time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// twoDigits reads a two-digit decimal in [lo, hi].
func twoDigits(s string, lo, hi int) (int, bool) {
	if len(s) != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	n := int(s[0]-'0')*10 + int(s[1]-'0')
	return n, n >= lo && n <= hi
}

// isTime checks an RFC 3339 full-time, with a leap second only at 23:59
// UTC.
func isTime(s string) bool {
	if len(s) < 9 || s[2] != ':' || s[5] != ':' {
		return false
	}
	h, ok1 := twoDigits(s[0:2], 0, 23)
	m, ok2 := twoDigits(s[3:5], 0, 59)
	sec, ok3 := twoDigits(s[6:8], 0, 60)
	if !ok1 || !ok2 || !ok3 {
		return false
	}
	s = s[8:]
	if s[0] == '.' {
		s = s[1:]
		digits := 0
		for s != "" && s[0] >= '0' && s[0] <= '9' {
			s, digits = s[1:], digits+1
		}
		if digits == 0 {
			return false
		}
	}
	if s == "" {
		return false
	}
	if s[0] == 'z' || s[0] == 'Z' {
		if len(s) != 1 {
			return false
		}
	} else {
		if len(s) != 6 || s[3] != ':' || (s[0] != '+' && s[0] != '-') {
			return false
		}
		zh, ok1 := twoDigits(s[1:3], 0, 23)
		zm, ok2 := twoDigits(s[4:6], 0, 59)
		if !ok1 || !ok2 {
			return false
		}
		sign := 1
		if s[0] == '+' {
			sign = -1
		}
		hm := h*60 + m + sign*(zh*60+zm)
		if hm < 0 {
			hm += 24 * 60
		}
		h, m = hm/60, hm%60
	}
	return sec != 60 || (h == 23 && m == 59)
}

// isDuration checks an ISO 8601 duration (RFC 3339 appendix A).
func isDuration(s string) bool {
	if s == "" || s[0] != 'P' {
		return false
	}
	s = s[1:]
	units := func() (string, bool) {
		var u []byte
		for s != "" && s[0] != 'T' {
			digits := false
			for s != "" && s[0] >= '0' && s[0] <= '9' {
				s, digits = s[1:], true
			}
			if !digits || s == "" {
				return string(u), false
			}
			u = append(u, s[0])
			s = s[1:]
		}
		return string(u), true
	}
	u, ok := units()
	if !ok {
		return false
	}
	if u == "W" {
		return s == ""
	}
	if u != "" {
		if !strings.Contains("YMD", u) {
			return false
		}
		if s == "" {
			return true
		}
	}
	if s == "" || s[0] != 'T' {
		return false
	}
	s = s[1:]
	u, ok = units()
	return ok && s == "" && u != "" && strings.Contains("HMS", u)
}

func isPeriod(s string) bool {
	start, end, ok := strings.Cut(s, "/")
	if !ok {
		return false
	}
	if isDateTime([]byte(start)) {
		return isDateTime([]byte(end)) || isDuration(end)
	}
	return isDuration(start) && isDateTime([]byte(end))
}

func isHostname(s string) bool { return hostnameOK(s) }

// hostnameOK checks an RFC 1123 host name (a final dot allowed).
func hostnameOK[S ~string | ~[]byte](s S) bool {
	if len(s) > 0 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	if len(s) > 253 {
		return false
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			continue
		}
		label := s[start:i]
		if len(label) < 1 || len(label) > 63 || s[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for j := 0; j < len(label); j++ {
			c := label[j]
			if !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '-' {
				return false
			}
		}
		start = i + 1
	}
	return true
}

func isEmail(b []byte) bool {
	if len(b) > 254 {
		return false
	}
	at := bytes.LastIndexByte(b, '@')
	if at < 0 {
		return false
	}
	local, domain := b[:at], b[at+1:]
	if len(local) > 64 {
		return false
	}
	if len(domain) >= 2 && domain[0] == '[' && domain[len(domain)-1] == ']' {
		ip := string(domain[1 : len(domain)-1])
		if v6, ok := strings.CutPrefix(ip, "IPv6:"); ok {
			return isIPv6(v6)
		}
		return isIPv4(ip)
	}
	if !hostnameOK(domain) {
		return false
	}
	if isDotAtom(local) && isDotAtom(domain) {
		return true // what net/mail accepts, without parsing it again
	}
	_, err := mail.ParseAddress(string(b))
	return err == nil
}

// isDotAtom reports whether b is an RFC 5322 dot-atom of ASCII atext.
func isDotAtom(b []byte) bool {
	if len(b) == 0 || b[0] == '.' || b[len(b)-1] == '.' {
		return false
	}
	for i, c := range b {
		switch {
		case c == '.':
			if b[i-1] == '.' {
				return false
			}
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

func isIPv4(s string) bool {
	groups := strings.Split(s, ".")
	if len(groups) != 4 {
		return false
	}
	for _, g := range groups {
		n, err := strconv.Atoi(g)
		if err != nil || n < 0 || n > 255 || (n != 0 && g[0] == '0') {
			return false
		}
	}
	return true
}

func isIPv6(s string) bool { return strings.Contains(s, ":") && net.ParseIP(s) != nil }

func parseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if host := u.Hostname(); strings.IndexByte(host, ':') >= 0 {
		if strings.IndexByte(u.Host, '[') < 0 || strings.IndexByte(u.Host, ']') < 0 {
			return nil, errors.New("ipv6 address is not enclosed in brackets")
		}
		if !isIPv6(host) {
			return nil, errors.New("invalid ipv6 address")
		}
	}
	return u, nil
}

func isURI(s string) bool {
	u, err := parseURL(s)
	return err == nil && u.IsAbs()
}

func isURIReference(s string) bool {
	_, err := parseURL(s)
	return err == nil && !strings.Contains(s, `\`)
}

func isURITemplate(s string) bool {
	u, err := parseURL(s)
	if err != nil {
		return false
	}
	for item := range strings.SplitSeq(u.RawPath, "/") {
		depth := 0
		for _, ch := range item {
			switch ch {
			case '{':
				if depth++; depth != 1 {
					return false
				}
			case '}':
				if depth--; depth != 0 {
					return false
				}
			}
		}
		if depth != 0 {
			return false
		}
	}
	return true
}

func isJSONPointer(s string) bool {
	if s != "" && s[0] != '/' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '~' && (i == len(s)-1 || (s[i+1] != '0' && s[i+1] != '1')) {
			return false
		}
	}
	return true
}

func isRelativeJSONPointer(s string) bool {
	switch {
	case s == "":
		return false
	case s[0] == '0':
		s = s[1:]
	case s[0] >= '1' && s[0] <= '9':
		for s != "" && s[0] >= '0' && s[0] <= '9' {
			s = s[1:]
		}
	default:
		return false
	}
	return s == "#" || isJSONPointer(s)
}

func isUUID(b []byte) bool {
	if len(b) != 36 {
		return false
	}
	for i, c := range b {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}
