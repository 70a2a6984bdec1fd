// Package timings separates the wall-clock measurements of an experiment's
// results from everything else in them, so that the rest can be compared
// byte for byte between runs (cmd/figures' reproducibility check) and a
// rerun of an experiment leaves its committed results.json unchanged.
//
// A timing field is any object key "seconds", "time" or ending in
// "_seconds", at any depth. Separate returns the results without them and
// the timings as a map from each field's JSON path (".runs[3].seconds") to
// its value; experiments write the two to results.json and timings.json
// (experiments/internal/report.WriteResults).
package timings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// IsTiming reports whether a JSON object key holds a wall-clock
// measurement.
func IsTiming(key string) bool {
	return key == "seconds" || key == "time" || strings.HasSuffix(key, "_seconds")
}

// Separate encodes v as JSON and returns it decoded into maps and slices
// (numbers as json.Number, so that nothing is rounded) without its timing
// fields, together with those fields by JSON path.
func Separate(v any) (rest any, found map[string]any, err error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&rest); err != nil {
		return nil, nil, err
	}
	found = map[string]any{}
	return Strip(rest, found), found, nil
}

// Strip removes the timing fields from v, a value decoded from JSON into
// maps and slices, recording each in found under its JSON path, and
// returns v.
func Strip(v any, found map[string]any) any {
	return strip(v, "", found)
}

func strip(v any, path string, found map[string]any) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := path + "." + k
			if IsTiming(k) {
				found[p] = x[k]
				delete(x, k)
				continue
			}
			x[k] = strip(x[k], p, found)
		}
		return x
	case []any:
		for i := range x {
			x[i] = strip(x[i], fmt.Sprintf("%s[%d]", path, i), found)
		}
		return x
	}
	return v
}

// Merge puts the timing fields found (as returned by Separate) back into
// rest at their JSON paths. A path that does not lead into rest's maps and
// slices is an error.
func Merge(rest any, found map[string]any) error {
	for path, val := range found {
		if err := put(rest, path, val); err != nil {
			return fmt.Errorf("timings: %s: %w", path, err)
		}
	}
	return nil
}

// put sets the field at path (".a[2].b") of v to val.
func put(v any, path string, val any) error {
	for path != "" {
		switch path[0] {
		case '.':
			m, ok := v.(map[string]any)
			if !ok {
				return errors.New("not an object")
			}
			key, tail := path[1:], ""
			if i := strings.IndexAny(key, ".["); i >= 0 {
				key, tail = key[:i], key[i:]
			}
			if tail == "" {
				m[key] = val
				return nil
			}
			v, path = m[key], tail
		case '[':
			s, ok := v.([]any)
			end := strings.IndexByte(path, ']')
			if !ok || end < 0 {
				return errors.New("not an array")
			}
			i, err := strconv.Atoi(path[1:end])
			if err != nil || i < 0 || i >= len(s) {
				return fmt.Errorf("index %q out of range", path[1:end])
			}
			v, path = s[i], path[end+1:]
			if path == "" {
				return errors.New("a timing path ends in an object key")
			}
		default:
			return fmt.Errorf("malformed path at %q", path)
		}
	}
	return errors.New("empty path")
}
