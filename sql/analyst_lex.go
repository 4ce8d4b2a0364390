package sql

import (
	"fmt"
	"strings"
)

// The analyst-SQL check (analyst.go) lets DuckDB's parser decide what a
// statement is. This small lexer only finds the pieces of COPY and EXPLAIN
// statements (the inner query, the file name, the options); pir then runs a
// statement it rebuilt from those pieces, with the inner query validated by
// DuckDB and the file name checked, so a lexing difference from DuckDB can
// make a statement fail but never reach a file that was not checked.

// tokenKind classifies a token.
type tokenKind int

const (
	tokWord        tokenKind = iota // unquoted identifier or keyword
	tokIdent                        // "quoted identifier"
	tokString                       // 'plain string literal'
	tokOtherString                  // E'…', X'…', U&'…', $tag$…$tag$
	tokNumber
	tokParam // $1, ?
	tokPunct // one character: ( ) , ; . and operators
)

// token is one lexical token of a SQL text.
type token struct {
	kind tokenKind
	// text is the token as written; value is a string literal's or quoted
	// identifier's content with its doubled quotes undone.
	text, value string
	start, end  int // byte offsets in the SQL text
}

// is reports whether t is the keyword kw (case-insensitive) or the
// punctuation kw.
func (t token) is(kw string) bool {
	switch t.kind {
	case tokWord:
		return strings.EqualFold(t.text, kw)
	case tokPunct:
		return t.text == kw
	}
	return false
}

// lexSQL splits s into tokens, dropping white space and comments (-- to the
// end of the line, and /* */, which nest as in PostgreSQL and DuckDB).
func lexSQL(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		start := i
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case strings.HasPrefix(s[i:], "--"):
			if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
				i += j + 1
			} else {
				i = len(s)
			}
		case strings.HasPrefix(s[i:], "/*"):
			depth := 0
			for i < len(s) && (depth > 0 || i == start) {
				switch {
				case strings.HasPrefix(s[i:], "/*"):
					depth++
					i += 2
				case strings.HasPrefix(s[i:], "*/"):
					depth--
					i += 2
				default:
					i++
				}
			}
			if depth != 0 {
				return nil, fmt.Errorf("unterminated /* comment at byte %d", start)
			}
		case c == '\'':
			end, val, err := quoted(s, i, '\'', false)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tokString, text: s[start:end], value: val, start: start, end: end})
			i = end
		case c == '"':
			end, val, err := quoted(s, i, '"', false)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tokIdent, text: s[start:end], value: val, start: start, end: end})
			i = end
		case c == '$' && i+1 < len(s) && isDigit(s[i+1]):
			i++
			for i < len(s) && isDigit(s[i]) {
				i++
			}
			toks = append(toks, token{kind: tokParam, text: s[start:i], start: start, end: i})
		case c == '$':
			// $$…$$ or $tag$…$tag$; a lone $ is punctuation.
			j := i + 1
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			if j < len(s) && s[j] == '$' {
				tag := s[i : j+1]
				k := strings.Index(s[j+1:], tag)
				if k < 0 {
					return nil, fmt.Errorf("unterminated %s string at byte %d", tag, start)
				}
				i = j + 1 + k + len(tag)
				toks = append(toks, token{kind: tokOtherString, text: s[start:i], start: start, end: i})
			} else {
				i++
				toks = append(toks, token{kind: tokPunct, text: "$", start: start, end: i})
			}
		case isDigit(c) || (c == '.' && i+1 < len(s) && isDigit(s[i+1])):
			for i < len(s) && (isWordByte(s[i]) || s[i] == '.' ||
				((s[i] == '+' || s[i] == '-') && (s[i-1] == 'e' || s[i-1] == 'E'))) {
				i++
			}
			toks = append(toks, token{kind: tokNumber, text: s[start:i], start: start, end: i})
		case isWordByte(c):
			for i < len(s) && (isWordByte(s[i]) || s[i] == '$') {
				i++
			}
			word := s[start:i]
			// A prefixed string: E'…' (backslash escapes), X'…', B'…',
			// N'…', U&'…'. None is accepted where pir needs a file name.
			if strings.EqualFold(word, "U") && strings.HasPrefix(s[i:], "&'") {
				i++
			}
			if i < len(s) && s[i] == '\'' {
				end, _, err := quoted(s, i, '\'', strings.EqualFold(word, "E"))
				if err != nil {
					return nil, err
				}
				i = end
				toks = append(toks, token{kind: tokOtherString, text: s[start:i], start: start, end: i})
				continue
			}
			toks = append(toks, token{kind: tokWord, text: word, start: start, end: i})
		case c == '?':
			i++
			toks = append(toks, token{kind: tokParam, text: "?", start: start, end: i})
		default:
			i++
			toks = append(toks, token{kind: tokPunct, text: string(c), start: start, end: i})
		}
	}
	return toks, nil
}

// quoted reads the quoted token that starts at s[i] (the quote q) and
// returns the offset after it and its content, a doubled quote read as one.
// With backslash, a backslash escapes the next byte (E'…' strings).
func quoted(s string, i int, q byte, backslash bool) (int, string, error) {
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		switch {
		case backslash && s[j] == '\\' && j+1 < len(s):
			b.WriteByte(s[j+1])
			j++
		case s[j] == q && j+1 < len(s) && s[j+1] == q:
			b.WriteByte(q)
			j++
		case s[j] == q:
			return j + 1, b.String(), nil
		default:
			b.WriteByte(s[j])
		}
	}
	return 0, "", fmt.Errorf("unterminated %c at byte %d", q, i)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isWordByte: letters, digits, '_' and every byte of a non-ASCII character.
func isWordByte(c byte) bool {
	return c == '_' || c >= 0x80 || isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z')
}
