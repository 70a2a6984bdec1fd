package timings

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSeparate: timing keys at any depth leave the results and are kept
// with their paths; everything else stays, numbers to the last digit.
func TestSeparate(t *testing.T) {
	in := map[string]any{
		"runs": []map[string]any{
			{"solver": "cg", "seconds": 1.5, "iterations": 10},
			{"solver": "mg", "setup_seconds": 0.25, "seconds": 0.5},
		},
		"ratios": map[string]float64{"time": 2.0, "iterations": 3.0},
		"rtol":   1e-8,
		"pi":     math.Pi,
	}
	rest, tm, err := Separate(in)
	require.NoError(t, err)
	raw, err := json.Marshal(tm)
	require.NoError(t, err)
	assert.JSONEq(t, `{".runs[0].seconds": 1.5, ".runs[1].seconds": 0.5, ".runs[1].setup_seconds": 0.25, ".ratios.time": 2.0}`, string(raw))
	raw, err = json.Marshal(rest)
	require.NoError(t, err)
	assert.JSONEq(t, `{"runs": [{"solver": "cg", "iterations": 10}, {"solver": "mg"}], "ratios": {"iterations": 3}, "rtol": 1e-8, "pi": 3.141592653589793}`, string(raw))
	var back map[string]any
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, math.Pi, back["pi"], "numbers survive exactly")

	// Merge puts them back: the round trip gives the input.
	require.NoError(t, Merge(rest, tm))
	raw, err = json.Marshal(rest)
	require.NoError(t, err)
	orig, err := json.Marshal(in)
	require.NoError(t, err)
	assert.JSONEq(t, string(orig), string(raw))
	for _, bad := range []string{".runs.seconds", ".runs[7].seconds", ".rtol.x", ".runs[0]", "runs", ".runs[x].a"} {
		assert.Error(t, Merge(rest, map[string]any{bad: 1.0}), bad)
	}

	// Nothing to move: an empty map.
	rest, tm, err = Separate(struct{ A int }{1})
	require.NoError(t, err)
	assert.Empty(t, tm)
	assert.Equal(t, map[string]any{"A": json.Number("1")}, rest)

	_, _, err = Separate(math.NaN())
	assert.Error(t, err, "a value JSON cannot hold")
}
