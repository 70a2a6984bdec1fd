package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	v, err := Ints("grid", "256, 512")
	require.NoError(t, err)
	assert.Equal(t, []int{256, 512}, v)
	_, err = Ints("grid", "256,x")
	assert.ErrorContains(t, err, "-grid")
	_, err = Ints("grid", "0")
	assert.Error(t, err)
	v, err = Ints("grid", "")
	require.NoError(t, err)
	assert.Nil(t, v)
	n, err := Names("pc", "none,ic0", []string{"none", "ic0", "ilu0"})
	require.NoError(t, err)
	assert.Equal(t, []string{"none", "ic0"}, n)
	_, err = Names("pc", "amg", []string{"none"})
	assert.ErrorContains(t, err, `unknown value "amg"`)
	assert.True(t, Keep(nil, 3))
	assert.False(t, Keep([]int{1}, 3))
}

func TestMedian(t *testing.T) {
	assert.Equal(t, 2.0, Median([]float64{3, 1, 2}))
	assert.Equal(t, 2.5, Median([]float64{4, 1, 3, 2}))
	assert.Panics(t, func() { Median(nil) })
}

func TestTableAndJSON(t *testing.T) {
	tb := Table{Header: []string{"a", "method"}}
	tb.Add(1, "cg")
	tb.Add(22, "bicgstab")
	var b bytes.Buffer
	require.NoError(t, tb.Write(&b))
	assert.Equal(t, "| a  | method   |\n| -- | -------- |\n| 1  | cg       |\n| 22 | bicgstab |\n", b.String())
	dir := filepath.Join(t.TempDir(), "x")
	require.NoError(t, WriteJSON(dir, "r.json", map[string]int{"k": 1}))
	raw, err := os.ReadFile(filepath.Join(dir, "r.json"))
	require.NoError(t, err)
	var m map[string]int
	require.NoError(t, json.Unmarshal(raw, &m))
	assert.Equal(t, 1, m["k"])

	// WriteResults: the timing fields go to timings.json, the rest to
	// results.json, both in one call.
	require.NoError(t, WriteResults(dir, "p-", map[string]any{"setup_seconds": 0.5, "iterations": 7}))
	raw, err = os.ReadFile(filepath.Join(dir, "p-results.json"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"iterations": 7}`, string(raw))
	raw, err = os.ReadFile(filepath.Join(dir, "p-timings.json"))
	require.NoError(t, err)
	assert.JSONEq(t, `{".setup_seconds": 0.5}`, string(raw))
	var back struct {
		Setup      float64 `json:"setup_seconds"`
		Iterations int     `json:"iterations"`
	}
	require.NoError(t, ReadResults(dir, "p-", &back))
	assert.Equal(t, 0.5, back.Setup)
	assert.Equal(t, 7, back.Iterations)
}

func TestFlags(t *testing.T) {
	var stderr bytes.Buffer
	fs := NewFlags("demo", &stderr, "big run")
	seed := fs.Seed(7, "seed")
	it := fs.MaxIter(100, "cap", "cg-maxiter")
	prob := fs.Problem("", "problems", []string{"a", "b"}, "case")
	meth := fs.Method("x", "methods", nil, "solver")
	require.NoError(t, fs.Parse([]string{"-full", "-case", "b", "-cg-maxiter", "5", "-solver", "y"}))
	assert.Equal(t, filepath.Join("figures", "demo"), fs.Out)
	assert.True(t, fs.Full)
	assert.False(t, fs.NoFigures)
	assert.Equal(t, uint64(7), *seed)
	assert.Equal(t, 5, *it, "an alias sets the same flag")
	assert.Equal(t, "b", *prob)
	assert.Equal(t, "y", *meth)
	assert.ErrorContains(t, NewFlags("demo", &stderr, "").Parse([]string{"extra"}), `unexpected argument "extra"`)
	fs = NewFlags("demo", &stderr, "big run")
	fs.Problem("", "problems", []string{"a", "b"})
	assert.Error(t, fs.Parse([]string{"-h"}))
	assert.Contains(t, stderr.String(), "usage: go run ./experiments/demo [flags]")
	assert.Contains(t, stderr.String(), "problems: a,b")
}
