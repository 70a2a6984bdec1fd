// Package figures draws the standard figures of pdekit's experiments with
// gonum/plot: convergence histories on a log axis, error against grid
// spacing with a slope guide, bar charts of ratios, and heatmaps of 2D
// fields. Each function takes plain data and a path; the output format
// follows the extension (.png, .svg, .pdf).
//
// Figures are deterministic: fixed size, fixed fonts, explicit axis ranges
// and colors taken in order from a fixed palette, so the same data gives a
// byte-identical file.
//
// References
//
//   - gonum/plot, https://pkg.go.dev/gonum.org/v1/plot
//   - K. Moreland, Diverging Color Maps for Scientific Visualization, ISVC
//     2009 (the heatmap palette).
package figures

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Size of every figure.
const (
	Width  = 6 * vg.Inch
	Height = 4 * vg.Inch
)

// Series is one named curve.
type Series struct {
	Label string
	X     []float64 // nil means 0, 1, 2, …
	Y     []float64
}

// colors is a fixed, colour-blind-friendly cycle (Okabe–Ito).
var colors = []color.Color{
	color.RGBA{0, 114, 178, 255},
	color.RGBA{213, 94, 0, 255},
	color.RGBA{0, 158, 115, 255},
	color.RGBA{204, 121, 167, 255},
	color.RGBA{230, 159, 0, 255},
	color.RGBA{86, 180, 233, 255},
	color.RGBA{0, 0, 0, 255},
	color.RGBA{240, 228, 66, 255},
}

// Color returns the i-th color of the fixed cycle.
func Color(i int) color.Color { return colors[i%len(colors)] }

// ErrNoData reports a figure with nothing to draw.
var ErrNoData = errors.New("figures: no data to draw")

func save(p *plot.Plot, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := p.Save(Width, Height, path); err != nil {
		return fmt.Errorf("figures: saving %s: %w", path, err)
	}
	return nil
}

func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	return p
}

// points returns the finite points of s, with y ≤ 0 clamped to floor on a
// log axis (logY) and points with x ≤ 0 dropped on a log x axis.
func points(s Series, logX, logY bool, floor float64) plotter.XYs {
	pts := make(plotter.XYs, 0, len(s.Y))
	for i, y := range s.Y {
		x := float64(i)
		if s.X != nil {
			x = s.X[i]
		}
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) || (logX && x <= 0) {
			continue
		}
		if logY && y <= floor {
			y = floor
		}
		pts = append(pts, plotter.XY{X: x, Y: y})
	}
	return pts
}

// positiveRange returns the smallest and largest positive finite values of
// the series' Y.
func positiveRange(series []Series) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, y := range s.Y {
			if y > 0 && !math.IsInf(y, 0) {
				lo, hi = math.Min(lo, y), math.Max(hi, y)
			}
		}
	}
	return lo, hi
}

// addLines draws the series and returns the points it drew.
func addLines(p *plot.Plot, series []Series, logX, logY bool, floor float64, markers bool) ([]plotter.XYs, error) {
	var drawn []plotter.XYs
	for i, s := range series {
		if s.X != nil && len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("figures: series %q has %d x and %d y values", s.Label, len(s.X), len(s.Y))
		}
		pts := points(s, logX, logY, floor)
		if len(pts) == 0 {
			continue
		}
		drawn = append(drawn, pts)
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.Color = Color(i)
		l.Width = vg.Points(1.5)
		if k := i / len(colors); k > 0 {
			// Second and later colour cycles are dashed.
			l.Dashes = []vg.Length{vg.Points(float64(2 + 2*k)), vg.Points(2)}
		}
		p.Add(l)
		p.Legend.Add(s.Label, l)
		if markers {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, err
			}
			sc.Color = Color(i)
			sc.Shape = draw.CircleGlyph{}
			p.Add(sc)
		}
	}
	return drawn, nil
}

// Convergence draws residual histories (one Series per solve, Y the
// residual norms, typically relative) against the iteration number on a
// log y axis. Values ≤ 0 are clamped to the smallest positive value shown.
func Convergence(path, title string, series []Series) error {
	lo, hi := positiveRange(series)
	if math.IsInf(lo, 1) {
		return ErrNoData
	}
	p := newPlot(title, "iteration", "relative residual")
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = logTicks{}
	p.Y.Min, p.Y.Max = lo, hi
	if _, err := addLines(p, series, false, true, lo, false); err != nil {
		return err
	}
	// Room on the right for the legend.
	p.X.Min = 0
	p.X.Max *= 1.45
	return save(p, path)
}

// Lines draws series on linear axes (log y with logY), with the given
// axis labels and the legend in a corner the lines leave free, or in room
// made for it beside them (see placeLegend); values ≤ 0 on a log axis are
// clamped to the smallest positive value shown.
func Lines(path, title, xlabel, ylabel string, series []Series, logY bool) error {
	lo, _ := positiveRange(series)
	if logY && math.IsInf(lo, 1) {
		return ErrNoData
	}
	n := 0
	for _, s := range series {
		n += len(s.Y)
	}
	if n == 0 {
		return ErrNoData
	}
	p := newPlot(title, xlabel, ylabel)
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
	}
	drawn, err := addLines(p, series, false, logY, lo, false)
	if err != nil {
		return err
	}
	placeLegend(p, drawn)
	return save(p, path)
}

// placeLegend puts the legend in a corner of the data area that the
// lines leave free (each segment sampled at eight points), trying top
// left, top right, bottom right and bottom left in that order. When every
// corner has data, it makes room for the legend by extending the y axis
// upwards or the x axis to the right, whichever gives up less of the
// data area, and puts the legend there.
func placeLegend(p *plot.Plot, lines []plotter.XYs) {
	c := draw.New(vgimg.New(Width, Height))
	da := p.DataCanvas(c)
	trX, trY := p.Transforms(&da)
	size := p.Legend.Rectangle(da).Size()
	var samples []vg.Point
	for _, l := range lines {
		for i := range l {
			if i == 0 {
				samples = append(samples, vg.Point{X: trX(l[0].X), Y: trY(l[0].Y)})
				continue
			}
			for k := 1; k <= 8; k++ {
				t := float64(k) / 8
				x := l[i-1].X + t*(l[i].X-l[i-1].X)
				y := l[i-1].Y + t*(l[i].Y-l[i-1].Y)
				samples = append(samples, vg.Point{X: trX(x), Y: trY(y)})
			}
		}
	}
	for _, corner := range [4][2]bool{{true, true}, {true, false}, {false, false}, {false, true}} {
		top, left := corner[0], corner[1]
		r := vg.Rectangle{Min: da.Min, Max: da.Max}
		if left {
			r.Max.X = da.Min.X + size.X
		} else {
			r.Min.X = da.Max.X - size.X
		}
		if top {
			r.Min.Y = da.Max.Y - size.Y
		} else {
			r.Max.Y = da.Min.Y + size.Y
		}
		n := 0
		for _, q := range samples {
			if q.X >= r.Min.X && q.X <= r.Max.X && q.Y >= r.Min.Y && q.Y <= r.Max.Y {
				n++
			}
		}
		if n == 0 {
			p.Legend.Top, p.Legend.Left = top, left
			return
		}
	}
	fx := float64(size.X+vg.Points(10)) / float64(da.Max.X-da.Min.X)
	fy := float64(size.Y+vg.Points(6)) / float64(da.Max.Y-da.Min.Y)
	p.Legend.Top = true
	switch {
	case fy <= fx && fy < 0.6:
		p.Legend.Left = true
		if _, log := p.Y.Scale.(plot.LogScale); log {
			p.Y.Max = p.Y.Min * math.Pow(p.Y.Max/p.Y.Min, 1/(1-fy))
		} else {
			p.Y.Max = p.Y.Min + niceCeil((p.Y.Max-p.Y.Min)/(1-fy))
		}
	case fx < 0.6:
		p.Legend.Left = false
		p.X.Max = p.X.Min + niceCeil((p.X.Max-p.X.Min)/(1-fx))
	default:
		p.Legend.Left = true
	}
}

// ErrorVsH draws errors against the grid spacing on log–log axes, with a
// dashed guide line of slope order through the first point of the first
// series (order 0 draws no guide).
func ErrorVsH(path, title string, series []Series, order float64) error {
	return logLog(path, title, "h", "error", series, order)
}

// LogLog draws series with markers on log–log axes with the given axis
// labels (error against unknowns, say); a series of one point shows as a
// single marker.
func LogLog(path, title, xlabel, ylabel string, series []Series) error {
	return logLog(path, title, xlabel, ylabel, series, 0)
}

func logLog(path, title, xlabel, ylabel string, series []Series, order float64) error {
	lo, hi := positiveRange(series)
	if len(series) == 0 || math.IsInf(lo, 1) || len(series[0].X) == 0 {
		return ErrNoData
	}
	p := newPlot(title, xlabel, ylabel)
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker = logTicks{}
	p.Y.Tick.Marker = logTicks{}
	if _, err := addLines(p, series, true, true, lo, true); err != nil {
		return err
	}
	if order != 0 {
		s := series[0]
		h0, e0 := s.X[0], s.Y[0]
		guide := make(plotter.XYs, len(s.X))
		for i, h := range s.X {
			guide[i] = plotter.XY{X: h, Y: e0 * math.Pow(h/h0, order)}
			lo, hi = math.Min(lo, guide[i].Y), math.Max(hi, guide[i].Y)
		}
		l, err := plotter.NewLine(guide)
		if err != nil {
			return err
		}
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		l.Color = color.Gray{Y: 100}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("O(h^%g)", order), l)
	}
	p.Y.Min, p.Y.Max = lo, hi
	p.Legend.Left = true
	return save(p, path)
}

// Bars draws a bar chart of values with one label per bar, and a dashed
// reference line at ref when ref is not zero (for ratios, ref = 1).
func Bars(path, title, ylabel string, labels []string, values []float64, ref float64) error {
	if len(values) == 0 || len(labels) != len(values) {
		return ErrNoData
	}
	p := newPlot(title, "", ylabel)
	bars, err := plotter.NewBarChart(plotter.Values(values), vg.Points(20))
	if err != nil {
		return err
	}
	bars.Color = Color(0)
	bars.LineStyle.Width = 0
	p.Add(bars)
	p.NominalX(labels...)
	if ref != 0 {
		l, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: ref}, {X: float64(len(values)) - 0.5, Y: ref}})
		if err != nil {
			return err
		}
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
	}
	p.Y.Min = 0
	return save(p, path)
}

// Heatmap draws a 2D field given on the nx×ny interior nodes of the unit
// square, numbered as pde.Grid numbers them (index i·ny + j at (x_i, y_j)),
// as an image with a diverging palette spanning the data range.
func Heatmap(path, title string, v []float64, nx, ny int) error {
	hx, hy := 1/float64(nx+1), 1/float64(ny+1)
	return heatmap(path, title, v, nx, ny, Box{X0: hx / 2, X1: 1 - hx/2, Y0: hy / 2, Y1: 1 - hy/2, XLabel: "x", YLabel: "y"},
		Box{X0: 0, X1: 1.3, Y0: 0, Y1: 1})
}

// Box is the rectangle a heatmap covers and the names of its axes.
type Box struct {
	X0, X1, Y0, Y1 float64
	XLabel, YLabel string
}

// HeatmapBox draws a 2D field of nx×ny values (index i·ny + j, i along x)
// covering the rectangle b, with a diverging palette spanning the data
// range.
func HeatmapBox(path, title string, v []float64, nx, ny int, b Box) error {
	if !(b.X1 > b.X0) || !(b.Y1 > b.Y0) {
		return fmt.Errorf("figures: empty heatmap box [%g, %g]×[%g, %g]", b.X0, b.X1, b.Y0, b.Y1)
	}
	// Room on the right for the legend.
	return heatmap(path, title, v, nx, ny, b, Box{X0: b.X0, X1: b.X0 + 1.3*(b.X1-b.X0), Y0: b.Y0, Y1: b.Y1})
}

// heatmap draws the image over b in the plot range view.
func heatmap(path, title string, v []float64, nx, ny int, b, view Box) error {
	if nx < 1 || ny < 1 || len(v) != nx*ny {
		return fmt.Errorf("figures: heatmap of %d values is not %d×%d", len(v), nx, ny)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, z := range v {
		if math.IsNaN(z) || math.IsInf(z, 0) {
			return fmt.Errorf("figures: heatmap value %v is not finite", z)
		}
		lo, hi = math.Min(lo, z), math.Max(hi, z)
	}
	if lo == hi {
		lo, hi = lo-1, hi+1
	}
	cm := moreland.SmoothBlueRed()
	cm.SetMin(lo)
	cm.SetMax(hi)
	img := image.NewRGBA(image.Rect(0, 0, nx, ny))
	for i := range nx {
		for j := range ny {
			c, err := cm.At(v[i*ny+j])
			if err != nil {
				return fmt.Errorf("figures: heatmap colour: %w", err)
			}
			img.Set(i, ny-1-j, c) // image rows run downwards, y upwards
		}
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text, p.Y.Label.Text = b.XLabel, b.YLabel
	p.Add(plotter.NewImage(img, b.X0, b.Y0, b.X1, b.Y1))
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = view.X0, view.X1, view.Y0, view.Y1
	thumbs := plotter.PaletteThumbnailers(cm.Palette(5))
	for i := len(thumbs) - 1; i >= 0; i-- {
		z := lo + (hi-lo)*float64(i)/float64(len(thumbs)-1)
		p.Legend.Add(fmt.Sprintf("%.3g", z), thumbs[i])
	}
	p.Legend.Top = true
	return save(p, path)
}

// Points draws series as markers only (no lines), on a log y axis with
// logY: for spectra, parameter sets and other unordered data.
func Points(path, title, xlabel, ylabel string, series []Series, logY bool) error {
	lo, hi := positiveRange(series)
	n := 0
	for _, s := range series {
		n += len(s.Y)
	}
	if n == 0 || (logY && math.IsInf(lo, 1)) {
		return ErrNoData
	}
	p := newPlot(title, xlabel, ylabel)
	if logY {
		if lo == hi {
			lo, hi = lo/2, hi*2
		}
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
		p.Y.Min, p.Y.Max = lo, hi
	}
	for i, s := range series {
		if s.X != nil && len(s.X) != len(s.Y) {
			return fmt.Errorf("figures: series %q has %d x and %d y values", s.Label, len(s.X), len(s.Y))
		}
		pts := points(s, false, logY, lo)
		if len(pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		sc.Color = Color(i)
		sc.Shape = draw.CircleGlyph{}
		sc.Radius = vg.Points(3)
		p.Add(sc)
		p.Legend.Add(s.Label, sc)
	}
	p.Legend.Left = true
	return save(p, path)
}

// niceCeil returns the smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a
// power of ten that is at least v > 0, so that a widened axis ends on a
// round number and keeps round tick labels.
func niceCeil(v float64) float64 {
	if !(v > 0) || math.IsInf(v, 0) {
		return v
	}
	e := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		if m*e >= v*(1-1e-12) {
			return m * e
		}
	}
	return 10 * e
}

// logTicks labels a log axis with powers of ten, and with 2 and 5 times
// powers of ten when the axis spans less than two decades.
type logTicks struct{}

// Ticks returns the ticks of [lo, hi].
func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi >= lo) {
		return nil
	}
	lo10, hi10 := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	mantissas := []float64{1}
	if hi10-lo10 <= 2 {
		mantissas = []float64{1, 2, 5}
	}
	step := math.Max(1, math.Ceil((hi10-lo10)/8)) // at most ~8 labelled decades
	var ticks []plot.Tick
	for e := lo10; e <= hi10; e++ {
		for _, m := range mantissas {
			x := m * math.Pow(10, e)
			if x < lo*(1-1e-9) || x > hi*(1+1e-9) {
				continue
			}
			label := ""
			if m == 1 && math.Mod(e-lo10, step) == 0 || m != 1 {
				label = strconv.FormatFloat(x, 'g', 1, 64)
			}
			ticks = append(ticks, plot.Tick{Value: x, Label: label})
		}
	}
	return ticks
}
