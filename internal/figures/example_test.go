package figures_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pdekit/pdekit/internal/figures"
	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/pde"
)

// Record residual histories with linsolve.History and draw them.
func ExampleConvergence() {
	p, _ := pde.PoissonProblem(pde.MustGrid(63, 63), pde.PolyExpSine(2))
	var series []figures.Series
	for _, name := range []string{"none", "ic0"} {
		pc, _ := linsolve.NewPreconditioner(name, p.A, nil)
		var h linsolve.History
		x := make([]float64, p.A.Dim())
		if _, err := (&linsolve.CG{}).Solve(x, p.A, p.B, &linsolve.Settings{Preconditioner: pc, Monitor: h.Record}); err != nil {
			fmt.Println(err)
			return
		}
		series = append(series, figures.Series{Label: "cg/" + name, Y: h.Residuals})
	}
	dir, _ := os.MkdirTemp("", "figures")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "convergence.png")
	if err := figures.Convergence(path, "CG on 63²", series); err != nil {
		fmt.Println(err)
		return
	}
	st, _ := os.Stat(path)
	fmt.Println(len(series[0].Y)-1, len(series[1].Y)-1, st.Size() > 0)
	// Output:
	// 187 63 true
}
