package sinch

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	contracttests "github.com/relaykit/sinch-go/contract_tests"
	"github.com/relaykit/sinch-go/specs"
)

// fixture is one recorded exchange of the contract corpus (contract_tests/testdata/<api>/ops).
type fixture = contracttests.Fixture

// TestWrappersReplayContractFixtures calls every wrapper method with the arguments recorded in
// the team's contract fixtures and checks that it sends exactly the recorded method, path,
// query and body, and turns the recorded answer into a result or an *APIError.
func TestWrappersReplayContractFixtures(t *testing.T) {
	apis := []struct{ dir, spec, field string }{
		{"conversation", specs.Conversation, "Conversation"},
		{"templates", specs.Templates, "Templates"},
		{"batch", specs.Batch, "Batch"},
	}
	total := 0
	for _, api := range apis {
		fixtures, err := contracttests.Fixtures(api.dir, "ops")
		if err != nil {
			t.Fatal(err)
		}
		doc, err := specs.Load(api.spec)
		if err != nil {
			t.Fatalf("%s: %v", api.spec, err)
		}
		templates := map[string]string{} // operationId -> path template
		methods := map[string]string{}   // operationId -> x-sdk-method
		for path, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				templates[op.OperationID] = path
				methods[op.OperationID], _ = op.Extensions["x-sdk-method"].(string)
			}
		}
		for _, fx := range fixtures {
			opID := strings.SplitN(strings.TrimSuffix(fx.File, ".json"), ".", 2)[0]
			t.Run(api.dir+"/"+fx.File, func(t *testing.T) {
				tmpl, ok := templates[opID]
				if !ok {
					t.Fatalf("operation %s is not in %s", opID, api.spec)
				}
				replay(t, api.field, methods[opID], tmpl, fx)
			})
			total++
		}
	}
	t.Logf("replayed %d fixtures", total)
}

func replay(t *testing.T, apiField, sdkMethod, tmpl string, fx fixture) {
	pathValues, err := matchPath(tmpl, fx.Path)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		method, path string
		query        url.Values
		body         []byte
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.method, got.path, got.query = r.Method, r.URL.Path, r.URL.Query()
		got.body, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(fx.Status)
		_, _ = w.Write(fx.Response)
	}))
	defer srv.Close()
	c, err := NewClient(WithProjectID(pathValues[0]), WithBearerToken("t"), WithMaxRetries(0),
		WithConversationURL(srv.URL), WithTemplateURL(srv.URL), WithBatchURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	svc := reflect.ValueOf(c).Elem().FieldByName(apiField)
	parts := strings.Split(sdkMethod, ".")
	for _, field := range parts[:len(parts)-1] {
		svc = svc.Elem().FieldByName(field)
	}
	name := parts[len(parts)-1]
	m := svc.MethodByName(name + "Page")
	if !m.IsValid() {
		m = svc.MethodByName(name)
	}
	if !m.IsValid() {
		t.Fatalf("%s has no method %s", apiField, sdkMethod)
	}
	args, err := buildArgs(t, m.Type(), pathValues[1:], fx)
	if err != nil {
		t.Fatal(err)
	}
	out := m.Call(args)
	callErr, _ := out[len(out)-1].Interface().(error)

	if got.method != fx.Method {
		t.Errorf("method %s, fixture %s", got.method, fx.Method)
	}
	if want, _ := url.PathUnescape(fx.Path); got.path != want {
		t.Errorf("path %s, fixture %s", got.path, want)
	}
	wantQ, _ := url.ParseQuery(fx.Query)
	if !sameQuery(got.query, wantQ) {
		t.Errorf("query %v, fixture %v", got.query, wantQ)
	}
	if len(fx.Request) > 0 && !contracttests.SameJSON(got.body, fx.Request) {
		t.Errorf("body\n got  %s\n want %s", got.body, fx.Request)
	}
	if fx.Status >= 200 && fx.Status < 300 {
		if callErr != nil {
			t.Fatalf("call failed: %v", callErr)
		}
		if len(out) == 2 && out[0].IsNil() {
			t.Fatal("nil result")
		}
		return
	}
	var ae *APIError
	if !errors.As(callErr, &ae) || ae.StatusCode != fx.Status {
		t.Fatalf("err %v, want an *APIError with status %d", callErr, fx.Status)
	}
}

// matchPath returns the values of the template's path parameters, project id first.
func matchPath(tmpl, path string) ([]string, error) {
	re := regexp.QuoteMeta(tmpl)
	re = regexp.MustCompile(`\\\{[a-z_]+\\\}`).ReplaceAllString(re, `([^/]+?)`)
	m := regexp.MustCompile("^" + re + "$").FindStringSubmatch(path)
	if m == nil {
		return nil, fmt.Errorf("path %s does not match %s", path, tmpl)
	}
	vals := make([]string, 0, len(m)-1)
	for _, v := range m[1:] {
		u, err := url.PathUnescape(v)
		if err != nil {
			return nil, err
		}
		vals = append(vals, u)
	}
	return vals, nil
}

// buildArgs makes a wrapper's arguments: ctx, path values (after the project), then *Params from
// the query (a ...Params value) and the request body, then no call options.
func buildArgs(t *testing.T, mt reflect.Type, pathValues []string, fx fixture) ([]reflect.Value, error) {
	args := []reflect.Value{reflect.ValueOf(t.Context())}
	pv := 0
	query, _ := url.ParseQuery(fx.Query)
	for i := 1; i < mt.NumIn(); i++ {
		pt := mt.In(i)
		if mt.IsVariadic() && i == mt.NumIn()-1 {
			break
		}
		switch {
		case pt.Kind() == reflect.String:
			if pv >= len(pathValues) {
				return nil, fmt.Errorf("more string parameters than path values")
			}
			args = append(args, reflect.ValueOf(pathValues[pv]).Convert(pt))
			pv++
		case pt.Kind() == reflect.Struct && strings.HasSuffix(pt.Name(), "Params"):
			p := reflect.New(pt)
			if err := fillParams(p.Elem(), query); err != nil {
				return nil, err
			}
			args = append(args, p.Elem())
		case pt.Kind() == reflect.Struct:
			b := reflect.New(pt)
			if len(fx.Request) > 0 {
				if err := json.Unmarshal(fx.Request, b.Interface()); err != nil {
					return nil, fmt.Errorf("request into %s: %w", pt, err)
				}
			}
			args = append(args, b.Elem())
		default:
			return nil, fmt.Errorf("unexpected parameter type %s", pt)
		}
	}
	if pv != len(pathValues) {
		return nil, fmt.Errorf("%d path values, %d used", len(pathValues), pv)
	}
	return args, nil
}

func fillParams(v reflect.Value, q url.Values) error {
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		key := strings.Split(f.Tag.Get("form"), ",")[0]
		vals, ok := q[key]
		if !ok {
			continue
		}
		if err := setValue(v.Field(i), vals); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	return nil
}

var timeType = reflect.TypeFor[time.Time]()

func setValue(f reflect.Value, vals []string) error {
	switch {
	case f.Kind() == reflect.Pointer:
		p := reflect.New(f.Type().Elem())
		if err := setValue(p.Elem(), vals); err != nil {
			return err
		}
		f.Set(p)
		return nil
	case f.Kind() == reflect.Slice:
		s := reflect.MakeSlice(f.Type(), len(vals), len(vals))
		for i, v := range vals {
			if err := setValue(s.Index(i), []string{v}); err != nil {
				return err
			}
		}
		f.Set(s)
		return nil
	case f.Type() == timeType:
		tm, err := time.Parse(time.RFC3339, vals[0])
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(tm))
		return nil
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(vals[0])
	case reflect.Bool:
		b, err := strconv.ParseBool(vals[0])
		if err != nil {
			return err
		}
		f.SetBool(b)
	case reflect.Int, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(vals[0], 10, 64)
		if err != nil {
			return err
		}
		f.SetInt(n)
	default:
		return fmt.Errorf("cannot set %s", f.Type())
	}
	return nil
}

// sameQuery compares query parameters as sets; an array sent comma-separated (the spec's
// explode: false) equals the same array repeated (a fixture variant servers must accept too).
func sameQuery(a, b url.Values) bool {
	if len(a) != len(b) {
		return false
	}
	split := func(vs []string) []string {
		var out []string
		for _, v := range vs {
			out = append(out, strings.Split(v, ",")...)
		}
		slices.Sort(out)
		return out
	}
	for k, av := range a {
		if !slices.Equal(split(av), split(b[k])) {
			return false
		}
	}
	return true
}
