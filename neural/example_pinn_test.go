package neural_test

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/pdekit/pdekit/neural"
)

// A physics-informed network for u″ = −π² sin πx on [0, 1] with u = 0 at
// both ends (exact solution sin πx): the residual comes from the
// network's exact second derivative, Train runs Adam then L-BFGS.
func ExampleTrain() {
	mlp, err := neural.NewMLP([]int{1, 16, 16, 1}, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := neural.Problem{
		Lo: []float64{0}, Hi: []float64{1},
		Residual: func(t *neural.Tape, u neural.Jet, x *mat.Dense) *neural.Node {
			r, _ := x.Dims()
			f := mat.NewDense(r, 1, nil)
			for i := range r {
				f.Set(i, 0, -math.Pi*math.Pi*math.Sin(math.Pi*x.At(i, 0)))
			}
			return t.Sub(u.Lap, t.Const(f)) // u″ − f
		},
		Boundary: func(x []float64) float64 { return 0 },
	}
	res, err := neural.Train(mlp, p, &neural.TrainSettings{Interior: 64, AdamSteps: 300, LR: 1e-2, LBFGSIters: 500})
	if err != nil {
		fmt.Println(err)
		return
	}
	exact := func(x []float64) float64 { return math.Sin(math.Pi * x[0]) }
	e := neural.RelativeL2(mlp, exact, p.Lo, p.Hi, 200)
	fmt.Printf("%d parameters, relative L2 error below 1e-3: %v\n", res.Params, e < 1e-3)
	// Output:
	// 321 parameters, relative L2 error below 1e-3: true
}
