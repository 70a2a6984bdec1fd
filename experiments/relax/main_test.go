package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunTiny(t *testing.T) {
	dir := t.TempDir()
	cfg, err := parseFlags([]string{"-out", dir, "-instances", "80", "-seeds", "2", "-heat-steps", "30"}, &bytes.Buffer{})
	require.NoError(t, err)
	cfg.heatNX = 16
	var stdout bytes.Buffer
	require.NoError(t, run(cfg, &stdout, &bytes.Buffer{}))
	assert.Contains(t, stdout.String(), "Tsallis-INF")
	raw, err := os.ReadFile(filepath.Join(dir, "results.json"))
	require.NoError(t, err)
	var res struct {
		Omegas   []float64 `json:"omegas"`
		Settings []struct {
			Setting   string             `json:"setting"`
			Instances int                `json:"instances"`
			Seeds     int                `json:"seeds"`
			MeanCost  map[string]float64 `json:"mean_cost"`
		} `json:"settings"`
	}
	require.NoError(t, json.Unmarshal(raw, &res))
	require.Len(t, res.Omegas, 20)
	require.Len(t, res.Settings, 3)
	for _, s := range res.Settings {
		m := s.MeanCost
		for _, k := range []string{"omega_1", "best_fixed", "best_fixed_omega", "tsallis_inf", "tsallis_inf_cb", "chebcb", "instance_optimal"} {
			assert.Contains(t, m, k, s.Setting)
		}
		// The best fixed arm is at least as good as ω = 1 and no learner can
		// beat the per-instance best arm (for heat the oracle is exactly that).
		assert.LessOrEqual(t, m["best_fixed"], m["omega_1"], s.Setting)
		for _, k := range []string{"tsallis_inf", "tsallis_inf_cb", "chebcb"} {
			assert.Greater(t, m[k], 0.0, s.Setting)
			if s.Setting == "heat" {
				assert.GreaterOrEqual(t, m[k], m["instance_optimal"], s.Setting+" "+k)
			}
		}
		if s.Setting != "heat" {
			// Young's ω on the model problem beats ω = 1 by far (the paper:
			// 616 → 57 sweeps).
			assert.Less(t, 3*m["instance_optimal"], m["omega_1"], s.Setting)
		}
	}
	for _, f := range []string{"sor-high-variance_cumulative.png", "heat_omega.png"} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
}

func TestReproducible(t *testing.T) {
	one := func() string {
		dir := t.TempDir()
		cfg, err := parseFlags([]string{"-out", dir, "-problem", "sor-low-variance", "-instances", "40", "-seeds", "3", "-no-figures"}, &bytes.Buffer{})
		require.NoError(t, err)
		var stdout bytes.Buffer
		require.NoError(t, run(cfg, &stdout, &bytes.Buffer{}))
		return stdout.String()
	}
	assert.Equal(t, one(), one())
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-problem", "multigrid"}, {"-instances", "-3"}, {"extra"}} {
		_, err := parseFlags(args, &bytes.Buffer{})
		assert.Error(t, err, "%v", args)
	}
}
