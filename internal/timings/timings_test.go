package timings

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSplit: timing keys at any depth move to timings.json with their
// paths, everything else stays; splitting again changes nothing, so an
// experiment that splits its own results.json and cmd/figures, which
// splits after it, agree.
func TestSplit(t *testing.T) {
	dir := t.TempDir()
	in := `{"runs": [{"solver": "cg", "seconds": 1.5, "iterations": 10}, {"solver": "mg", "setup_seconds": 0.25, "seconds": 0.5}],
	        "ratios": {"time": 2.0, "iterations": 3.0}, "rtol": 1e-8}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "results.json"), []byte(in), 0o644))
	require.NoError(t, Split(dir))
	var res, tm map[string]any
	raw, _ := os.ReadFile(filepath.Join(dir, "results.json"))
	require.NoError(t, json.Unmarshal(raw, &res))
	raw, _ = os.ReadFile(filepath.Join(dir, "timings.json"))
	require.NoError(t, json.Unmarshal(raw, &tm))
	assert.Equal(t, map[string]any{".runs[0].seconds": 1.5, ".runs[1].seconds": 0.5, ".runs[1].setup_seconds": 0.25, ".ratios.time": 2.0}, tm)
	assert.Equal(t, map[string]any{"iterations": 3.0}, res["ratios"])
	assert.Equal(t, []any{map[string]any{"solver": "cg", "iterations": 10.0}, map[string]any{"solver": "mg"}}, res["runs"])
	assert.Equal(t, 1e-8, res["rtol"])

	before := map[string][]byte{}
	for _, f := range []string{"results.json", "timings.json"} {
		before[f], _ = os.ReadFile(filepath.Join(dir, f))
	}
	require.NoError(t, Split(dir))
	for f, b := range before {
		after, _ := os.ReadFile(filepath.Join(dir, f))
		assert.Equal(t, string(b), string(after), "%s changed on a second split", f)
	}

	// Nothing to move and no timings.json yet: an empty one is written.
	none := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(none, "results.json"), []byte(`{"b": 1, "a": [2]}`), 0o644))
	require.NoError(t, Split(none))
	raw, err := os.ReadFile(filepath.Join(none, "timings.json"))
	require.NoError(t, err)
	assert.JSONEq(t, `{}`, string(raw))

	assert.Error(t, Split(t.TempDir()), "no results.json")
	bad := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bad, "results.json"), []byte("{"), 0o644))
	assert.Error(t, Split(bad))
}
