package figures

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// render runs draw twice into two files and checks that they are valid
// PNGs of the fixed size and byte-identical.
func render(t *testing.T, name string, draw func(path string) error) {
	t.Helper()
	dir := t.TempDir()
	p1, p2 := filepath.Join(dir, "a", name), filepath.Join(dir, "b", name)
	require.NoError(t, draw(p1))
	require.NoError(t, draw(p2))
	b1, err := os.ReadFile(p1)
	require.NoError(t, err)
	b2, err := os.ReadFile(p2)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(b1, b2), "%s is not deterministic", name)
	img, err := png.Decode(bytes.NewReader(b1))
	require.NoError(t, err)
	// 6×4 inches at gonum/plot's default 96 dpi for PNG.
	assert.Equal(t, 576, img.Bounds().Dx())
	assert.Equal(t, 384, img.Bounds().Dy())
}

func TestFiguresAreDeterministic(t *testing.T) {
	hist := []Series{
		{Label: "cg", Y: []float64{1, 0.1, 0.01, 1e-3, 0}},
		{Label: "pcg", Y: []float64{1, 1e-3, 1e-9}},
	}
	render(t, "conv.png", func(p string) error { return Convergence(p, "residuals", hist) })
	h := []float64{1.0 / 16, 1.0 / 32, 1.0 / 64}
	errs := []Series{{Label: "cg", X: h, Y: []float64{4e-3, 1e-3, 2.5e-4}}}
	render(t, "err.png", func(p string) error { return ErrorVsH(p, "error", errs, 2) })
	render(t, "lines.png", func(p string) error {
		return Lines(p, "cumulative cost", "instance", "cost", []Series{{Label: "a", Y: []float64{1, 3, 6}}, {Label: "b", X: []float64{0, 2}, Y: []float64{0, 4}}}, false)
	})
	render(t, "bars.png", func(p string) error {
		return Bars(p, "ratios", "time ratio", []string{"a", "b"}, []float64{2, 0.5}, 1)
	})
	f := make([]float64, 20*30)
	for i := range 20 {
		for j := range 30 {
			f[i*30+j] = math.Sin(float64(i)) * float64(j)
		}
	}
	render(t, "heat.png", func(p string) error { return Heatmap(p, "u", f, 20, 30) })
	render(t, "heatbox.png", func(p string) error {
		return HeatmapBox(p, "u", f, 20, 30, Box{X0: 0, X1: 2 * math.Pi, Y0: -1, Y1: 1, XLabel: "x", YLabel: "t"})
	})
	render(t, "points.png", func(p string) error {
		return Points(p, "spectrum", "frequency", "weight", []Series{{Label: "x", X: []float64{0, 15.9}, Y: []float64{1, 1}}}, true)
	})
}

func TestFigureErrors(t *testing.T) {
	dir := t.TempDir()
	assert.ErrorIs(t, Convergence(filepath.Join(dir, "x.png"), "", []Series{{Y: []float64{0, -1}}}), ErrNoData)
	assert.Error(t, Heatmap(filepath.Join(dir, "h.png"), "", []float64{1, 2, 3}, 2, 2))
	assert.Error(t, Heatmap(filepath.Join(dir, "h.png"), "", []float64{1, 2, math.NaN(), 4}, 2, 2))
	assert.Error(t, ErrorVsH(filepath.Join(dir, "e.png"), "", []Series{{X: []float64{1}, Y: []float64{1, 2}}}, 2))
	assert.ErrorIs(t, Bars(filepath.Join(dir, "b.png"), "", "", []string{"a"}, nil, 0), ErrNoData)
	assert.ErrorIs(t, Lines(filepath.Join(dir, "l.png"), "", "", "", nil, false), ErrNoData)
	assert.ErrorIs(t, Points(filepath.Join(dir, "p.png"), "", "", "", []Series{{Y: []float64{0}}}, true), ErrNoData)
	assert.Error(t, HeatmapBox(filepath.Join(dir, "h.png"), "", []float64{1, 2, 3, 4}, 2, 2, Box{X0: 1, X1: 1, Y0: 0, Y1: 1}))
}

func TestClampOnLogAxis(t *testing.T) {
	pts := points(Series{Y: []float64{1, 0, -2, math.NaN(), 1e-3}}, false, true, 1e-3)
	require.Len(t, pts, 4)
	assert.Equal(t, 1e-3, pts[1].Y)
	assert.Equal(t, 1e-3, pts[2].Y)
	assert.Equal(t, 4.0, pts[3].X, "x keeps the iteration index")
}

func TestLogTicks(t *testing.T) {
	ticks := logTicks{}.Ticks(3.9e-3, 3e-2)
	var labels []string
	for _, tk := range ticks {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	assert.Equal(t, []string{"0.005", "0.01", "0.02"}, labels)
	ticks = logTicks{}.Ticks(1e-9, 10)
	labels = labels[:0]
	for _, tk := range ticks {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	assert.Equal(t, []string{"1e-09", "1e-07", "1e-05", "0.001", "0.1", "1e+01"}, labels)
	assert.Nil(t, logTicks{}.Ticks(0, 1))
}

// TestPlaceLegend: the legend goes to a corner the lines leave free, the
// top left when it is free; when none is, the axes make room for it on
// top (a short legend) or on the right (a tall one).
func TestPlaceLegend(t *testing.T) {
	line := func(y0, y1 float64) []Series {
		ys := make([]float64, 101)
		for i := range ys {
			ys[i] = y0 + (y1-y0)*float64(i)/100
		}
		return []Series{{Label: "a long enough label", Y: ys}, {Label: "b", Y: ys}}
	}
	for _, c := range []struct {
		name      string
		series    []Series
		top, left bool
		room      string // "", "top" or "right"
	}{
		{"rising: top left free", line(0, 100), true, true, ""},
		{"falling: top right free", line(100, 0), true, false, ""},
		{"high after the first point: bottom right", []Series{{Label: "c", Y: append([]float64{0}, line(100, 100)[0].Y...)}}, false, false, ""},
		{"every corner taken, a tall legend", slices.Concat(line(0, 100), line(100, 0), line(50, 50), line(20, 80), line(80, 20)), true, false, "right"},
		{"every corner taken, a short legend", []Series{line(0, 100)[0], line(100, 0)[1]}, true, true, "top"},
	} {
		p := newPlot("t", "x", "y")
		pts, err := addLines(p, c.series, false, false, 0, false)
		require.NoError(t, err)
		assert.Len(t, pts, len(c.series))
		xmax, ymax := p.X.Max, p.Y.Max
		placeLegend(p, pts)
		assert.Equal(t, c.top, p.Legend.Top, c.name)
		assert.Equal(t, c.left, p.Legend.Left, c.name)
		switch c.room {
		case "right":
			assert.Greater(t, p.X.Max, 1.1*xmax, "%s: x axis widened", c.name)
			assert.Equal(t, ymax, p.Y.Max, c.name)
		case "top":
			assert.Greater(t, p.Y.Max, 1.05*ymax, "%s: y axis raised", c.name)
			assert.Equal(t, xmax, p.X.Max, c.name)
		default:
			assert.Equal(t, xmax, p.X.Max, "%s: axes untouched", c.name)
			assert.Equal(t, ymax, p.Y.Max, "%s: axes untouched", c.name)
		}
	}
}

func TestNiceCeil(t *testing.T) {
	for _, c := range [][2]float64{{27.1, 30}, {0.7, 0.8}, {1, 1}, {101, 150}, {9.5, 10}, {2.2, 2.5}} {
		assert.InDelta(t, c[1], niceCeil(c[0]), 1e-12, "%v", c[0])
	}
}
