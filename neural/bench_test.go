package neural

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkCNNPreconditioner64 is one application of the architecture of
// experiments/dcdm's committed network (8 channels, 4 levels, symmetric
// NᵀN) on a 64² grid: the cost DCDM pays per iteration, against about
// 10·64² flops for a CG step.
func BenchmarkCNNPreconditioner64(b *testing.B) {
	net, err := NewCNN(CNNConfig{Channels: 8, Levels: 4, Activation: Linear, Symmetric: true}, 1)
	if err != nil {
		b.Fatal(err)
	}
	p, err := net.Preconditioner(64, 64)
	if err != nil {
		b.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(1, 1))
	r := make([]float64, 64*64)
	for i := range r {
		r[i] = rnd.NormFloat64()
	}
	dst := make([]float64, len(r))
	for b.Loop() {
		p.Apply(dst, r)
	}
}
