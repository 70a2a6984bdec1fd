package neural_test

import (
	"fmt"

	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/neural"
	"github.com/pdekit/pdekit/pde"
)

// Train a small DCDM network on a 16² Poisson matrix and use it as the
// preconditioner of flexible CG on an unseen right-hand side.
func ExampleTrainDCDM() {
	n := 16
	g := pde.MustGrid(n, n)
	a, _ := pde.Laplacian(g, nil)
	_, ritz, _ := linsolve.Lanczos(a, 40, nil, 1) // training data: Ritz vectors
	sampler, _ := neural.NewRitzSampler(ritz, 0.5, 9, 1)
	net, _ := neural.NewCNN(neural.CNNConfig{Channels: 4, Levels: 2, Activation: neural.Linear, Symmetric: true}, 1)
	if _, err := neural.TrainDCDM(net, a, n, n, sampler, &neural.DCDMSettings{Steps: 60, Batch: 4, LR: 3e-3}); err != nil {
		fmt.Println(err)
		return
	}
	pc, _ := net.Preconditioner(n, n)
	b := g.Sample(func(x []float64) float64 { return x[0] * (1 - x[1]) })
	x := make([]float64, len(b))
	cg, _ := (&linsolve.CG{}).Solve(x, a, b, &linsolve.Settings{RelTol: 1e-6})
	res, err := (&linsolve.FCG{}).Solve(x, a, b, &linsolve.Settings{RelTol: 1e-6, Preconditioner: pc})
	fmt.Println(res.Reason, err)
	fmt.Printf("flexible CG with the network: %d iterations; CG: %d\n", res.Iterations, cg.Iterations)
	// Output:
	// CONVERGED_RTOL <nil>
	// flexible CG with the network: 20 iterations; CG: 43
}
