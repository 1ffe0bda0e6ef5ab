package cel

import (
	"net"
	"net/mail"
	"net/url"
	"strings"

	celgo "cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"github.com/google/uuid"
)

// validators are the string checks Confluent's CEL executors add to CEL:
// s.isEmail(), s.isHostname(), s.isIpv4(), s.isIpv6(), s.isUri(),
// s.isUriRef(), s.isUuid().
func validators() []celgo.EnvOption {
	check := func(name string, fn func(string) bool) celgo.EnvOption {
		return celgo.Function(name, celgo.MemberOverload("string_"+name+"_bool", []*celgo.Type{celgo.StringType}, celgo.BoolType,
			celgo.UnaryBinding(func(v ref.Val) ref.Val {
				s, ok := v.Value().(string)
				return types.Bool(ok && fn(s))
			})))
	}
	return []celgo.EnvOption{
		check("isEmail", isEmail),
		check("isHostname", isHostname),
		check("isIpv4", func(s string) bool { ip := net.ParseIP(s); return ip != nil && ip.To4() != nil }),
		check("isIpv6", func(s string) bool { ip := net.ParseIP(s); return ip != nil && ip.To4() == nil }),
		check("isUri", func(s string) bool { u, err := url.Parse(s); return err == nil && u.IsAbs() }),
		check("isUriRef", func(s string) bool { _, err := url.Parse(s); return err == nil }),
		check("isUuid", func(s string) bool { _, err := uuid.Parse(s); return err == nil }),
	}
}

// isEmail reports whether s is a bare address (no display name) with a
// local part of at most 64 bytes and a valid host name.
func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || strings.ContainsRune(s, '<') || a.Address != s || len(s) > 254 {
		return false
	}
	local, host, _ := strings.Cut(s, "@")
	return len(local) <= 64 && isHostname(host)
}

// isHostname reports whether s is an RFC 1123 host name: dot-separated
// labels of letters, digits and inner hyphens, 63 bytes at most each, 253
// in all, the last one not all digits.
func isHostname(s string) bool {
	if len(s) > 253 {
		return false
	}
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	allDigits := false
	for _, label := range strings.Split(s, ".") {
		n := len(label)
		if n == 0 || n > 63 || label[0] == '-' || label[n-1] == '-' {
			return false
		}
		allDigits = true
		for i := 0; i < n; i++ {
			c := label[i]
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
				return false
			}
			allDigits = allDigits && c >= '0' && c <= '9'
		}
	}
	return !allDigits
}
