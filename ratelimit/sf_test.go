package ratelimit

import (
	"errors"
	"strconv"
)

// A small RFC 9651 List parser, enough to check the RateLimit fields:
// items with integer, decimal, string, token and boolean values and
// parameters. Inner lists, byte sequences, dates and display strings are
// rejected, as the fields never hold them.

type sfParam struct {
	key   string
	value any
}

type sfItem struct {
	value  any
	params []sfParam
}

func (it sfItem) param(key string) (any, bool) {
	for _, p := range it.params {
		if p.key == key {
			return p.value, true
		}
	}
	return nil, false
}

type sfToken string

var errSF = errors.New("invalid structured field")

func parseSFList(s string) ([]sfItem, error) {
	p := &sfParser{s: s}
	p.skip(" ")
	var items []sfItem
	for p.i < len(p.s) {
		it, err := p.item()
		if err != nil {
			return nil, err
		}
		items = append(items, it)
		p.skip(" \t")
		if p.i == len(p.s) {
			return items, nil
		}
		if p.s[p.i] != ',' {
			return nil, errSF
		}
		p.i++
		p.skip(" \t")
		if p.i == len(p.s) {
			return nil, errSF // trailing comma
		}
	}
	return items, nil
}

type sfParser struct {
	s string
	i int
}

func (p *sfParser) skip(set string) {
	for p.i < len(p.s) {
		c := p.s[p.i]
		found := false
		for j := 0; j < len(set); j++ {
			if set[j] == c {
				found = true
			}
		}
		if !found {
			return
		}
		p.i++
	}
}

func (p *sfParser) item() (sfItem, error) {
	v, err := p.bare()
	if err != nil {
		return sfItem{}, err
	}
	it := sfItem{value: v}
	for p.i < len(p.s) && p.s[p.i] == ';' {
		p.i++
		p.skip(" ")
		k, err := p.key()
		if err != nil {
			return sfItem{}, err
		}
		var val any = true
		if p.i < len(p.s) && p.s[p.i] == '=' {
			p.i++
			if val, err = p.bare(); err != nil {
				return sfItem{}, err
			}
		}
		it.params = append(it.params, sfParam{k, val})
	}
	return it, nil
}

func (p *sfParser) key() (string, error) {
	start := p.i
	if p.i >= len(p.s) || !(p.s[p.i] >= 'a' && p.s[p.i] <= 'z' || p.s[p.i] == '*') {
		return "", errSF
	}
	for p.i++; p.i < len(p.s); p.i++ {
		c := p.s[p.i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '*') {
			break
		}
	}
	return p.s[start:p.i], nil
}

func (p *sfParser) bare() (any, error) {
	if p.i >= len(p.s) {
		return nil, errSF
	}
	switch c := p.s[p.i]; {
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == '"':
		return p.str()
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '*':
		start := p.i
		for p.i++; p.i < len(p.s); p.i++ {
			c := p.s[p.i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
				c == ':' || c == '/' || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' ||
				c == '*' || c == '+' || c == '-' || c == '.' || c == '^' || c == '_' || c == '`' || c == '|' || c == '~') {
				break
			}
		}
		return sfToken(p.s[start:p.i]), nil
	case c == '?':
		if p.i+1 < len(p.s) && (p.s[p.i+1] == '0' || p.s[p.i+1] == '1') {
			p.i += 2
			return p.s[p.i-1] == '1', nil
		}
	}
	return nil, errSF
}

func (p *sfParser) number() (any, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	digits, dot := 0, -1
	for ; p.i < len(p.s); p.i++ {
		c := p.s[p.i]
		if c == '.' && dot < 0 && digits > 0 {
			dot = p.i
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		digits++
	}
	if digits == 0 || p.s[p.i-1] == '.' {
		return nil, errSF
	}
	if dot < 0 {
		if digits > 15 {
			return nil, errSF
		}
		return strconv.ParseInt(p.s[start:p.i], 10, 64)
	}
	if dot-start > 12 || p.i-dot-1 > 3 {
		return nil, errSF
	}
	return strconv.ParseFloat(p.s[start:p.i], 64)
}

func (p *sfParser) str() (string, error) {
	p.i++ // opening quote
	var b []byte
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		switch {
		case c == '\\':
			if p.i >= len(p.s) || p.s[p.i] != '"' && p.s[p.i] != '\\' {
				return "", errSF
			}
			b = append(b, p.s[p.i])
			p.i++
		case c == '"':
			return string(b), nil
		case c < 0x20 || c > 0x7e:
			return "", errSF
		default:
			b = append(b, c)
		}
	}
	return "", errSF // unterminated
}
