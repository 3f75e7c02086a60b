// Package jsonfield lists the fields of a struct type as encoding/json
// decodes into them, so that the JSON decoder of package bind and the JSON
// Schema of package contract agree on every member name.
package jsonfield

import (
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field is a struct field as encoding/json sees it.
type Field struct {
	Name   string       // the JSON member name
	Type   reflect.Type // the field's type
	Quoted bool         // `json:",string"` on a scalar
	Tagged bool         // the name comes from a json tag
	Depth  int          // how deeply embedded the field is
	Index  []int        // for reflect.Type.FieldByIndex
}

// Of lists the fields encoding/json decodes into for struct t, in the
// order of their first appearance: exported fields not tagged "-", with
// the fields of untagged embedded structs promoted; of several fields with
// one name, the shallowest wins, then the only tagged one, else none.
func Of(t reflect.Type) []Field {
	var all []Field
	collectFields(t, nil, 0, map[reflect.Type]bool{}, &all)
	byName := map[string][]int{}
	var order []string
	for i, f := range all {
		if _, seen := byName[f.Name]; !seen {
			order = append(order, f.Name)
		}
		byName[f.Name] = append(byName[f.Name], i)
	}
	var fs []Field
	for _, name := range order {
		if f, ok := dominant(all, byName[name]); ok {
			fs = append(fs, f)
		}
	}
	return fs
}

func dominant(all []Field, idx []int) (Field, bool) {
	depth := all[idx[0]].Depth
	var cands []Field
	for _, i := range idx {
		if all[i].Depth < depth {
			depth, cands = all[i].Depth, cands[:0]
		}
		if all[i].Depth == depth {
			cands = append(cands, all[i])
		}
	}
	if len(cands) == 1 {
		return cands[0], true
	}
	var tagged []Field
	for _, c := range cands {
		if c.Tagged {
			tagged = append(tagged, c)
		}
	}
	if len(tagged) == 1 {
		return tagged[0], true
	}
	return Field{}, false
}

func collectFields(t reflect.Type, index []int, depth int, visiting map[reflect.Type]bool, out *[]Field) {
	if visiting[t] {
		return
	}
	visiting[t] = true
	defer delete(visiting, t)
	for i := range t.NumField() {
		sf := t.Field(i)
		ft := sf.Type
		if sf.Anonymous {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if !sf.IsExported() && ft.Kind() != reflect.Struct {
				continue
			}
		} else if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !validTagName(name) {
			name = ""
		}
		idx := append(index[:len(index):len(index)], i)
		tagged := name != ""
		if !tagged && sf.Anonymous && ft.Kind() == reflect.Struct {
			collectFields(ft, idx, depth+1, visiting, out)
			continue
		}
		if !tagged {
			name = sf.Name
		}
		quoted := false
		for o := range strings.SplitSeq(opts, ",") {
			quoted = quoted || (o == "string" && quotable(sf.Type))
		}
		*out = append(*out, Field{Name: name, Type: sf.Type, Quoted: quoted, Tagged: tagged,
			Depth: depth, Index: idx})
	}
}

// validTagName reports the names encoding/json takes from a json tag:
// letters, digits, spaces, and ASCII punctuation but quotes, backslash and
// comma. It uses the Go name instead of any other.
func validTagName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		switch {
		case unicode.IsLetter(c), unicode.IsDigit(c), c == ' ':
		case c < utf8.RuneSelf && (unicode.IsPunct(c) || unicode.IsSymbol(c)):
			if strings.ContainsRune("\"'`,\\", c) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// quotable reports the types `json:",string"` applies to: scalars, or an
// unnamed pointer to one; encoding/json ignores the option on others.
func quotable(t reflect.Type) bool {
	if t.Name() == "" && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}
