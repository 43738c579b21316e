// The test oracle: Go's own text/template, fmt and text/tabwriter run the cases the TypeScript
// tests run, so the two outputs can be compared byte for byte. Built by go-oracle.ts with the
// standard library only (Debian's golang-go, Go 1.19 when this was written).
//
// Input (stdin): a JSON array of cases. Output (stdout): a JSON array of results, same order.
//
// Data arrives as a tagged tree so that Go gets the types berth's rules give TypeScript values
// (see go-template/go-values.ts): {"s":..} string, {"i":"12"} int, {"i64":"12"} int64,
// {"f":"1.5"} float64, {"b":true} bool, null nil, {"a":[..]} slice ([]string when every element
// is a string), {"m":[[k,v],..]} map with string keys (map[string]string when every value is a
// string), {"mi":[[k,v],..]} map with int keys, {"st":[[name,v],..]} an anonymous struct whose
// field types are those of their values (interface{} for nil).
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"reflect"
	"strconv"
	"strings"
	"text/tabwriter"
	"text/template"
)

type testCase struct {
	Kind       string            `json:"kind"` // "template" (default), "table", "tabwriter"
	Name       string            `json:"name"`
	Template   string            `json:"template"`
	Data       json.RawMessage   `json:"data"`
	Rows       []json.RawMessage `json:"rows"`
	Headers    json.RawMessage   `json:"headers"`
	MissingKey string            `json:"missingKey"`
	Header     bool              `json:"header"`
	Input      string            `json:"input"`
	MinWidth   int               `json:"minwidth"`
	TabWidth   int               `json:"tabwidth"`
	Padding    int               `json:"padding"`
	PadChar    string            `json:"padchar"`
	Flags      uint              `json:"flags"`
}

type result struct {
	Out string  `json:"out"` // base64 of the bytes written
	Err *string `json:"err"`
}

var anyType = reflect.TypeOf((*interface{})(nil)).Elem()

func mustUnmarshal(raw []byte, v interface{}) {
	if err := json.Unmarshal(raw, v); err != nil {
		panic(err)
	}
}

// decode turns the tagged tree into Go values of the types described above.
func decode(raw json.RawMessage) interface{} {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var tagged map[string]json.RawMessage
	mustUnmarshal(raw, &tagged)
	for tag, body := range tagged {
		switch tag {
		case "s":
			var s string
			mustUnmarshal(body, &s)
			return s
		case "i":
			var s string
			mustUnmarshal(body, &s)
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				panic(err)
			}
			return int(n)
		case "i64":
			var s string
			mustUnmarshal(body, &s)
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				panic(err)
			}
			return n
		case "f":
			var s string
			mustUnmarshal(body, &s)
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				panic(err)
			}
			return f
		case "b":
			var b bool
			mustUnmarshal(body, &b)
			return b
		case "a":
			var elems []json.RawMessage
			mustUnmarshal(body, &elems)
			values := make([]interface{}, len(elems))
			allStrings := true
			for i, e := range elems {
				values[i] = decode(e)
				if _, ok := values[i].(string); !ok {
					allStrings = false
				}
			}
			if allStrings {
				out := make([]string, len(values))
				for i, v := range values {
					out[i] = v.(string)
				}
				return out
			}
			return values
		case "m":
			var pairs [][2]json.RawMessage
			mustUnmarshal(body, &pairs)
			values := make(map[string]interface{}, len(pairs))
			allStrings := true
			for _, p := range pairs {
				var k string
				mustUnmarshal(p[0], &k)
				values[k] = decode(p[1])
				if _, ok := values[k].(string); !ok {
					allStrings = false
				}
			}
			if allStrings {
				out := make(map[string]string, len(values))
				for k, v := range values {
					out[k] = v.(string)
				}
				return out
			}
			return values
		case "mi":
			var pairs [][2]json.RawMessage
			mustUnmarshal(body, &pairs)
			values := make(map[int]interface{}, len(pairs))
			allStrings := true
			for _, p := range pairs {
				var k int
				mustUnmarshal(p[0], &k)
				values[k] = decode(p[1])
				if _, ok := values[k].(string); !ok {
					allStrings = false
				}
			}
			if allStrings {
				out := make(map[int]string, len(values))
				for k, v := range values {
					out[k] = v.(string)
				}
				return out
			}
			return values
		case "st":
			var pairs [][2]json.RawMessage
			mustUnmarshal(body, &pairs)
			fields := make([]reflect.StructField, len(pairs))
			values := make([]interface{}, len(pairs))
			for i, p := range pairs {
				var name string
				mustUnmarshal(p[0], &name)
				values[i] = decode(p[1])
				t := anyType
				if values[i] != nil {
					t = reflect.TypeOf(values[i])
				}
				fields[i] = reflect.StructField{Name: name, Type: t}
			}
			v := reflect.New(reflect.StructOf(fields)).Elem()
			for i, val := range values {
				if val != nil {
					v.Field(i).Set(reflect.ValueOf(val))
				}
			}
			return v.Interface()
		}
	}
	panic("bad tagged value: " + string(raw))
}

// Go 1.22 made encoding/json write \b and \f where older releases write \u0008 and \u000c;
// docker's CLI is built with a current Go, so the oracle applies the newer rule.
func modernJSONEscapes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			if strings.HasPrefix(s[i:], `\u0008`) {
				b.WriteString(`\b`)
				i += 5
				continue
			}
			if strings.HasPrefix(s[i:], `\u000c`) {
				b.WriteString(`\f`)
				i += 5
				continue
			}
			b.WriteByte(s[i])
			b.WriteByte(s[i+1])
			i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// docker's template functions, written from their documented behaviour.
var dockerFuncs = template.FuncMap{
	"json": func(v interface{}) string {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v) // docker ignores the error: the result is then empty
		return modernJSONEscapes(strings.TrimSpace(buf.String()))
	},
	"split": func(s, sep string) []string { return strings.Split(s, sep) },
	"join":  func(elems []string, sep string) string { return strings.Join(elems, sep) },
	"title": func(s string) string { return strings.Title(s) },
	"lower": func(s string) string { return strings.ToLower(s) },
	"upper": func(s string) string { return strings.ToUpper(s) },
	"pad": func(s string, prefix, suffix int) string {
		if s == "" {
			return s
		}
		return strings.Repeat(" ", prefix) + s + strings.Repeat(" ", suffix)
	},
	"truncate": func(s string, n int) string {
		if len(s) < n {
			return s
		}
		return s[:n]
	},
}

var headerFuncs = template.FuncMap{
	"json":     func(v string) string { return v },
	"split":    func(v string, _ string) string { return v },
	"join":     func(v string, _ string) string { return v },
	"title":    func(v string) string { return v },
	"lower":    func(v string) string { return v },
	"upper":    func(v string) string { return v },
	"truncate": func(v string, _ int) string { return v },
}

func runTemplate(c testCase) result {
	var out bytes.Buffer
	t := template.New(c.Name).Funcs(dockerFuncs)
	if c.MissingKey != "" {
		t = t.Option("missingkey=" + c.MissingKey)
	}
	t, err := t.Parse(c.Template)
	if err != nil {
		msg := err.Error()
		return result{Err: &msg}
	}
	if c.Header {
		t.Funcs(headerFuncs)
	}
	if err := t.Execute(&out, decode(c.Data)); err != nil {
		msg := err.Error()
		return result{Out: base64.StdEncoding.EncodeToString(out.Bytes()), Err: &msg}
	}
	return result{Out: base64.StdEncoding.EncodeToString(out.Bytes())}
}

// runTable does what docker's formatter.Context.Write does with a `table` format: rows are
// rendered one per line, the header is the same template run over the column names with the
// header functions (its errors ignored), and everything goes through a tabwriter with
// minwidth 10, tabwidth 1, padding 3.
func runTable(c testCase) result {
	format := c.Template
	isTable := strings.HasPrefix(format, "table")
	if isTable {
		format = format[len("table"):]
	} else if format == "json" {
		format = "{{json .}}"
	}
	format = strings.Trim(format, " ")
	format = strings.NewReplacer(`\t`, "\t", `\n`, "\n").Replace(format)
	t, err := template.New("").Funcs(dockerFuncs).Parse(format)
	if err != nil {
		msg := "template parsing error: " + err.Error()
		return result{Err: &msg}
	}
	var rows bytes.Buffer
	for _, r := range c.Rows {
		if err := t.Execute(&rows, decode(r)); err != nil {
			msg := "template parsing error: " + err.Error()
			return result{Err: &msg}
		}
		rows.WriteString("\n")
	}
	var out bytes.Buffer
	if isTable {
		w := tabwriter.NewWriter(&out, 10, 1, 3, ' ', 0)
		var header bytes.Buffer
		_ = t.Funcs(headerFuncs).Execute(&header, decode(c.Headers))
		header.WriteTo(w)
		w.Write([]byte("\n"))
		rows.WriteTo(w)
		w.Flush()
	} else {
		rows.WriteTo(&out)
	}
	return result{Out: base64.StdEncoding.EncodeToString(out.Bytes())}
}

func runTabwriter(c testCase) result {
	var out bytes.Buffer
	pad := byte(' ')
	if c.PadChar != "" {
		pad = c.PadChar[0]
	}
	w := tabwriter.NewWriter(&out, c.MinWidth, c.TabWidth, c.Padding, pad, c.Flags)
	w.Write([]byte(c.Input))
	w.Flush()
	return result{Out: base64.StdEncoding.EncodeToString(out.Bytes())}
}

func run(c testCase) (r result) {
	defer func() {
		if p := recover(); p != nil {
			msg := "oracle panic: " + strings.TrimSpace(strings.ReplaceAll(fmtAny(p), "\n", " "))
			r = result{Err: &msg}
		}
	}()
	switch c.Kind {
	case "table":
		return runTable(c)
	case "tabwriter":
		return runTabwriter(c)
	}
	return runTemplate(c)
}

func fmtAny(v interface{}) string {
	if err, ok := v.(error); ok {
		return err.Error()
	}
	if s, ok := v.(string); ok {
		return s
	}
	return reflect.ValueOf(v).String()
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	results := make([]result, len(cases))
	for i, c := range cases {
		results[i] = run(c)
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		panic(err)
	}
}
