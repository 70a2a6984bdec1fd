// Package timings separates the wall-clock measurements of an experiment's
// results.json from everything else in it, so that the rest can be
// compared byte for byte between runs (cmd/figures' reproducibility
// check) and a rerun of an experiment leaves its committed results.json
// unchanged.
//
// A timing field is any object key "seconds", "time" or ending in
// "_seconds", at any depth. Split moves them to timings.json beside
// results.json, as a map from the field's JSON path (".runs[3].seconds")
// to its value, and rewrites results.json without them, its object keys
// sorted.
package timings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// IsTiming reports whether a JSON object key holds a wall-clock
// measurement.
func IsTiming(key string) bool {
	return key == "seconds" || key == "time" || strings.HasSuffix(key, "_seconds")
}

// Split moves the timing fields of dir/results.json to dir/timings.json
// and rewrites results.json without them. If results.json has no timing
// field and timings.json exists (it was split already), it leaves both
// files as they are; without either, timings.json is an empty object.
func Split(dir string) error {
	path := filepath.Join(dir, "results.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	found := map[string]any{}
	v = Strip(v, found)
	if len(found) == 0 {
		if _, err := os.Stat(filepath.Join(dir, "timings.json")); err == nil {
			return nil
		}
	}
	for name, val := range map[string]any{"results.json": v, "timings.json": found} {
		b, err := json.MarshalIndent(val, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
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
