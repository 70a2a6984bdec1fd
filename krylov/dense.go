package krylov

import (
	"gonum.org/v1/gonum/floats"

	"github.com/pdekit/pdekit/internal/parallel"
)

// combineChunk is the column strip combine works on at a time: the
// source strips (t·chunk values) stay in the L2 cache while every output
// strip is accumulated from them.
const combineChunk = 512

// combiner forms linear combinations of long vectors,
// out_l = Σ_i coef[i·ld + l]·src_i for l < len(out), the n×t by t×k
// products of the recycle-space updates. It works in column strips on two
// goroutines; gonum's Dgemm, blocked for square shapes, was 5× slower on
// these (t ≤ 41, k ≤ 20, n in the thousands).
type combiner struct {
	out, src [][]float64
	coef     []float64
	ld       int
	accum    bool
	job      *parallel.Job
}

// combine sets (or, with accum, adds to) out_l = Σ_i coef[i·ld+l]·src_i.
func (c *combiner) combine(out [][]float64, coef []float64, ld int, src [][]float64, accum bool) {
	if len(out) == 0 || len(src) == 0 {
		if !accum {
			for _, o := range out {
				clear(o)
			}
		}
		return
	}
	if c.job == nil {
		c.job = parallel.NewJob(c)
	}
	c.out, c.coef, c.ld, c.src, c.accum = out, coef, ld, src, accum
	n := len(out[0])
	if n >= 4*combineChunk && parallel.Workers() > 1 {
		parallel.Run2(c.job)
	} else {
		c.Run(0, 1)
	}
	c.out, c.src, c.coef = nil, nil, nil
}

// Run does part of parts of the columns.
func (c *combiner) Run(part, parts int) {
	n := len(c.out[0])
	lo, hi := parallel.Range(n, part, parts)
	for c0 := lo; c0 < hi; c0 += combineChunk {
		c1 := min(c0+combineChunk, hi)
		for l, o := range c.out {
			os := o[c0:c1]
			if !c.accum {
				clear(os)
			}
			for i, s := range c.src {
				if v := c.coef[i*c.ld+l]; v != 0 {
					floats.AddScaled(os, v, s[c0:c1])
				}
			}
		}
	}
}
