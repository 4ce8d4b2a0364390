package display

import (
	"strconv"
	"strings"
)

// CaseRef is how outputs name a case: the ID alone for the default source
// "pir", else "source:ID" (the SQL macro case_ref).
func CaseRef(source, id string) string {
	if source == "pir" || source == "" {
		return id
	}
	return source + ":" + id
}

// Window writes a config duration ("365d", "4h", "2w") in words: "365
// days", "4 hours", "2 weeks"; anything else as given.
func Window(s string) string {
	t := strings.TrimSpace(s)
	if t == "" {
		return NoValue
	}
	unit := map[byte][2]string{'h': {"hour", "hours"}, 'd': {"day", "days"}, 'w': {"week", "weeks"}}[t[len(t)-1]]
	if unit[0] == "" {
		return s
	}
	num := strings.TrimSpace(t[:len(t)-1])
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return s
	}
	if v == 1 {
		return num + " " + unit[0]
	}
	return num + " " + unit[1]
}

// Times writes how often something happened in prose: "once", "twice",
// "3 times".
func Times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return Count(n) + " times"
}
