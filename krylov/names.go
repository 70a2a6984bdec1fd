package krylov

import (
	"fmt"
	"strings"

	"github.com/pdekit/pdekit/linsolve"
)

// MethodNames lists the names NewMethod accepts: linsolve's methods and
// the recycling ones of this package.
var MethodNames = append(append([]string(nil), linsolve.MethodNames...), "rcg", "gcrodr", "gcrot")

// MethodOptions carries the parameters of the named methods; the zero
// value means every method's defaults.
type MethodOptions struct {
	// Omega is ω of sor and ssor (zero means 1).
	Omega float64
	// Restart is m of gmres, gcrodr and gcrot (zero: DefaultRestart).
	Restart int
	// Recycle is k of gcrodr, gcrot and rcg (zero: each one's default,
	// negative: none).
	Recycle int
	// Store is S of rcg (zero: DefaultRCGStore).
	Store int
	// Target selects gcrodr's harmonic Ritz vectors.
	Target Target
}

// NewMethod returns the method with the given name, the one registry of
// method names for flags, experiments and datagen: linsolve.NewMethod's
// (cg, fcg, gmres, bicgstab, jacobi, gs, sor, ssor, direct) and rcg,
// gcrodr and gcrot. A nil o means the zero MethodOptions.
func NewMethod(name string, o *MethodOptions) (linsolve.Method, error) {
	var opt MethodOptions
	if o != nil {
		opt = *o
	}
	switch name {
	case "rcg":
		return &RCG{K: opt.Recycle, S: opt.Store}, nil
	case "gcrodr":
		return &GCRODR{M: opt.Restart, K: opt.Recycle, Target: opt.Target}, nil
	case "gcrot":
		return &GCROT{M: opt.Restart, K: opt.Recycle}, nil
	}
	m, err := linsolve.NewMethod(name, opt.Omega, opt.Restart)
	if err != nil {
		return nil, fmt.Errorf("krylov: unknown method %q (want one of %s)", name, strings.Join(MethodNames, ", "))
	}
	return m, nil
}
