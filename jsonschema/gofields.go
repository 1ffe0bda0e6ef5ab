package jsonschema

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
	"unicode"
)

// goField is a struct field as encoding/json writes it: its JSON name, its
// index path from the struct (through embedded structs) and its options.
type goField struct {
	name   string
	index  []int
	typ    reflect.Type // the field's own type
	tagged bool         // the name comes from a json tag
	// omitEmpty, omitZero: the field is left out of the JSON form when
	// empty (encoding/json's omitempty) or zero (omitzero).
	omitEmpty, omitZero bool
	// quoted: the ",string" option (a primitive written inside a string).
	quoted bool
	// viaPointer: the field is reached through an embedded pointer.
	viaPointer bool
}

// goFields returns the fields encoding/json writes for struct type t, in
// index order, with its names and rules: json tag names (invalid ones
// ignored), "-" skipped, unexported fields skipped, the fields of embedded
// structs promoted, and of several fields with one name the shallowest
// (a tagged one first at equal depth) kept, none if that is ambiguous.
func goFields(t reflect.Type) []goField {
	type level struct {
		typ        reflect.Type
		index      []int
		viaPointer bool
	}
	var current []level
	next := []level{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	var fields []goField
	for len(next) > 0 {
		current, next = next, current[:0]
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, f := range current {
			if visited[f.typ] {
				continue
			}
			visited[f.typ] = true
			for i := range f.typ.NumField() {
				sf := f.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
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
				index := append(slices.Clip(f.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					gf := goField{name: name, index: index, typ: sf.Type, tagged: name != "", viaPointer: f.viaPointer,
						omitEmpty: hasTagOption(opts, "omitempty"), omitZero: hasTagOption(opts, "omitzero")}
					if gf.name == "" {
						gf.name = sf.Name
					}
					if hasTagOption(opts, "string") {
						switch ft.Kind() {
						case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64:
							gf.quoted = true
						default:
							gf.quoted = isIntKind(ft.Kind())
						}
					}
					fields = append(fields, gf)
					if count[f.typ] > 1 {
						// Two instances of the embedding: the name is
						// ambiguous (kept as a duplicate for the pass below).
						fields = append(fields, gf)
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, level{typ: ft, index: index, viaPointer: f.viaPointer || sf.Type.Kind() == reflect.Pointer})
				}
			}
		}
	}
	slices.SortFunc(fields, func(a, b goField) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.index), len(b.index)); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for i := 0; i < len(fields); {
		n := 1
		for i+n < len(fields) && fields[i+n].name == fields[i].name {
			n++
		}
		if n == 1 || len(fields[i].index) != len(fields[i+1].index) || fields[i].tagged != fields[i+1].tagged {
			out = append(out, fields[i])
		}
		i += n
	}
	slices.SortFunc(out, func(a, b goField) int { return slices.Compare(a.index, b.index) })
	return out
}

// validTagName reports whether encoding/json accepts s as a field name
// from a tag.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// hasTagOption reports whether a json tag's comma-separated options hold
// name.
func hasTagOption(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}
