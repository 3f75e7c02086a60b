package contract_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware/bind"
)

type inner struct {
	Zone string `json:"zone" validate:"oneof=eu us"`
}

type Embedded struct {
	Region string `json:"region"`
}

type tree struct {
	Name     string  `json:"name"`
	Children []*tree `json:"children"`
}

func TestSchemaOfGoTypes(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"scalars", struct {
			B  bool    `json:"b"`
			I  int     `json:"i"`
			I8 int8    `json:"i8"`
			U  uint16  `json:"u"`
			F  float64 `json:"f"`
			S  string  `json:"s"`
		}{}, `{"additionalProperties":false,"properties":{"b":{"type":"boolean"},` +
			`"f":{"format":"double","maximum":1.7976931348623157e308,"minimum":-1.7976931348623157e308,"type":"number"},` +
			`"i":{"format":"int64","maximum":9223372036854775807,"minimum":-9223372036854775808,"type":"integer"},` +
			`"i8":{"format":"int32","maximum":127,"minimum":-128,"type":"integer"},` +
			`"s":{"type":"string"},"u":{"maximum":65535,"minimum":0,"type":"integer"}},"type":"object"}`},
		{"names, skipped and promoted fields", struct {
			Embedded
			Plain  string
			hidden string
			Skip   string `json:"-"`
			Quoted int    `json:"quoted,string"`
		}{}, `{"additionalProperties":false,"properties":{"Plain":{"type":"string"},` +
			`"quoted":{"description":"int, written as a JSON string.","pattern":"^(-?0*[0-9]{1,19}|null)$","type":"string"},` +
			`"region":{"type":"string"}},"type":"object"}`},
		{"validate tags", struct {
			Name  string   `json:"name" validate:"required,min=3,max=64"`
			Size  int      `json:"size" validate:"gte=1,lt=100"`
			Mail  string   `json:"mail" validate:"email"`
			Tags  []string `json:"tags" validate:"required,max=5"`
			On    *bool    `json:"on" validate:"required"`
			Zone  inner    `json:"zone"`
			Color string   `json:"color" validate:"omitempty,oneof=red blue"`
		}{}, `{"additionalProperties":false,"properties":{` +
			`"color":{"anyOf":[{"const":""},{"enum":["red","blue"]}],"type":"string"},` +
			`"mail":{"format":"idn-email","type":"string"},` +
			`"name":{"maxLength":64,"minLength":3,"type":"string"},` +
			`"on":{"type":"boolean"},` +
			`"size":{"exclusiveMaximum":100,"format":"int64","maximum":9223372036854775807,"minimum":1,"type":"integer"},` +
			`"tags":{"items":{"type":"string"},"maxItems":5,"type":"array"},` +
			`"zone":{"additionalProperties":false,"properties":{"zone":{"enum":["eu","us"],"type":"string"}},"required":["zone"],"type":"object"}},` +
			`"required":["name","size","mail","tags","on","zone"],"type":"object"}`},
		{"time, raw JSON, maps, bytes", struct {
			At     time.Time          `json:"at"`
			Raw    json.RawMessage    `json:"raw"`
			Labels map[string]string  `json:"labels"`
			Counts map[int]int        `json:"counts"`
			Data   []byte             `json:"data"`
			Any    any                `json:"any"`
			Pair   [2]float32         `json:"pair"`
			Ptr    *map[string]string `json:"ptr"`
		}{}, `{"additionalProperties":false,"properties":{"any":{},` +
			`"at":{"format":"date-time","pattern":"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$","type":"string"},` +
			`"counts":{"additionalProperties":{"format":"int64","maximum":9223372036854775807,"minimum":-9223372036854775808,"type":"integer"},` +
			`"propertyNames":{"pattern":"^[-+]?0*[0-9]{1,19}$"},"type":["object","null"]},` +
			`"data":{"contentEncoding":"base64","items":{"maximum":255,"minimum":0,"type":"integer"},"type":["string","array","null"]},` +
			`"labels":{"additionalProperties":{"type":"string"},"type":["object","null"]},` +
			`"pair":{"prefixItems":[{"exclusiveMaximum":340282356779733661637539395458142568448,` +
			`"exclusiveMinimum":-340282356779733661637539395458142568448,"format":"float","type":"number"},` +
			`{"exclusiveMaximum":340282356779733661637539395458142568448,` +
			`"exclusiveMinimum":-340282356779733661637539395458142568448,"format":"float","type":"number"}],"type":"array"},` +
			`"ptr":{"additionalProperties":{"type":"string"},"type":["object","null"]},` +
			`"raw":{}},"type":"object"}`},
		{"recursion", tree{}, `{"additionalProperties":false,"properties":{"children":{"items":{"description":"A contract_test.tree, as above.",` +
			`"type":["object","null"]},"type":["array","null"]},"name":{"type":"string"}},"type":"object"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := contract.Schema(reflect.TypeOf(tt.v), false)
			if string(got) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
	if got := string(contract.Schema(reflect.TypeFor[inner](), true)); strings.Contains(got, "additionalProperties") {
		t.Errorf("with unknown fields allowed: %s", got)
	}
}

// The schema accepts what the decoder accepts and refuses what it
// refuses, for bodies that break what the tags say.
func TestSchemaAgreesWithTheDecoder(t *testing.T) {
	type body struct {
		Name string   `json:"name" validate:"required,max=8"`
		Size int      `json:"size" validate:"min=1,max=10"`
		Tags []string `json:"tags" validate:"max=2"`
		Zone string   `json:"zone" validate:"oneof=eu us"`
		City string   `json:"city" validate:"oneof='New York' Paris"`
	}
	c := jsonschema.NewCompiler()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(contract.Schema(reflect.TypeFor[body](), false)))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("body.json", doc); err != nil {
		t.Fatal(err)
	}
	schema := c.MustCompile("body.json")
	for _, b := range []string{
		`{"name":"a","size":1,"zone":"eu","city":"Paris"}`,
		`{"name":"abcdefgh","size":10,"tags":["x","y"],"zone":"us","city":"Paris"}`,
		`{}`,
		`{"name":""}`,
		`{"name":"abcdefghi","size":1,"zone":"eu","city":"Paris"}`,
		`{"name":"a","size":0,"zone":"eu","city":"Paris"}`,
		`{"name":"a","size":11,"zone":"eu","city":"Paris"}`,
		`{"name":"a","size":1,"zone":"asia","city":"Paris"}`,
		`{"name":"a","size":1,"zone":"eu","city":"Paris","tags":["x","y","z"]}`,
		`{"name":"a","size":1,"zone":"eu","city":"Paris","extra":true}`,
		`{"name":"a","size":"1","zone":"eu","city":"Paris"}`,
		`{"name":"a","size":1,"zone":"eu","city":"New York"}`,
		`{"name":"a","size":1,"zone":"eu","city":"'New"}`,
		`{"name":"a","size":1,"zone":"eu","city":"York'"}`,
	} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(b))
		r.Header.Set("Content-Type", "application/json")
		var v body
		decoded := bind.DecodeJSON(httptest.NewRecorder(), r, &v) == nil
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if valid := schema.Validate(inst) == nil; valid != decoded {
			t.Errorf("%s: the schema says valid=%v, the decoder %v", b, valid, decoded)
		}
	}
}

// A []byte travels as a base64 string: its length rules count bytes, which
// no string length states, so they are said in words, not as maxItems.
func TestSchemaSaysByteLengthsInWords(t *testing.T) {
	type body struct {
		Blob []byte `json:"blob" validate:"max=2"`
	}
	got := string(contract.Schema(reflect.TypeFor[body](), false))
	if strings.Contains(got, "maxItems") || strings.Contains(got, "maxLength") || !strings.Contains(got, "Also validated as `max=2`") {
		t.Errorf("schema %s", got)
	}
}
