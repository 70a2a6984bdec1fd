package linsolve

import (
	"fmt"
	"strings"

	"github.com/pdekit/pdekit/linsolve/direct"
	"github.com/pdekit/pdekit/sparse"
)

// MethodNames lists the method names accepted by NewMethod, as used in
// JSON output, experiment flags and the pdekit command.
var MethodNames = []string{"cg", "fcg", "gmres", "bicgstab", "jacobi", "gs", "sor", "ssor", "direct"}

// PreconditionerNames lists the names accepted by NewPreconditioner.
var PreconditionerNames = []string{"none", "jacobi", "ssor", "ic0", "ilu0", "ilut", "mg", "amg"}

// PreconditionerOptions carries what some preconditioners need beyond the
// matrix. The zero value is valid for all but "mg".
type PreconditionerOptions struct {
	// Omega is the SSOR relaxation parameter; zero means 1.
	Omega float64
	// Grid is the number of interior nodes per dimension of the structured
	// grid the matrix comes from (pde.Grid.N); "mg" needs it.
	Grid []int
	// Multigrid configures "mg"; nil means the defaults.
	Multigrid *MultigridOptions
	// AMG configures "amg" (algebraic multigrid, which needs no grid);
	// nil means the defaults.
	AMG *AMGSettings
	// ILUT configures "ilut"; nil means the defaults.
	ILUT *ILUTSettings
	// IC0 configures "ic0"; nil means the defaults.
	IC0 *IC0Settings
	// Reorder, for "ic0", "ilu0" and "ilut", builds the factorization on
	// P·A·Pᵀ with P the reverse Cuthill–McKee ordering of A + Aᵀ
	// (Reordered) when it is "rcm"; "" or "natural" keeps A's numbering.
	Reorder string
}

// IsStationary reports whether the named method is a relaxation method,
// which takes no preconditioner.
func IsStationary(method string) bool {
	switch method {
	case "jacobi", "gs", "sor", "ssor":
		return true
	}
	return false
}

// TakesPreconditioner reports whether the named method accepts
// Settings.Preconditioner: the Krylov methods do, the relaxation methods
// and the direct solver do not.
func TakesPreconditioner(method string) bool {
	return !IsStationary(method) && method != "direct"
}

// NewMethod returns the method with the given name. omega is the
// relaxation parameter of "sor" and "ssor" (zero means 1) and is ignored by
// the others; restart is the GMRES restart length (zero means
// DefaultRestart).
func NewMethod(name string, omega float64, restart int) (Method, error) {
	switch name {
	case "cg":
		return &CG{}, nil
	case "fcg":
		return &FCG{}, nil
	case "gmres":
		return &GMRES{Restart: restart}, nil
	case "bicgstab":
		return &BiCGStab{}, nil
	case "jacobi":
		return &Jacobi{}, nil
	case "gs":
		return &GaussSeidel{}, nil
	case "sor":
		return &SOR{Omega: omega}, nil
	case "ssor":
		return &SSOR{Omega: omega}, nil
	case "direct":
		return &Direct{}, nil
	}
	return nil, fmt.Errorf("linsolve: unknown method %q (want one of %s)", name, strings.Join(MethodNames, ", "))
}

// NewPreconditioner builds the named preconditioner for a: "none" gives a
// nil Preconditioner. A nil opt means the zero PreconditionerOptions.
func NewPreconditioner(name string, a *sparse.CSR, opt *PreconditionerOptions) (Preconditioner, error) {
	var o PreconditionerOptions
	if opt != nil {
		o = *opt
	}
	omega := o.Omega
	switch name {
	case "none", "":
		return nil, nil
	case "jacobi":
		return nonNil(NewJacobiPreconditioner(a))
	case "ssor":
		return nonNil(NewSSORPreconditioner(a, omega))
	case "ic0", "ilu0", "ilut":
		build := func(m *sparse.CSR) (Preconditioner, error) {
			switch name {
			case "ic0":
				return nonNil(NewIC0(m, o.IC0))
			case "ilu0":
				return nonNil(NewILU0(m))
			}
			return nonNil(NewILUT(m, o.ILUT))
		}
		switch o.Reorder {
		case "", "natural":
			return build(a)
		case "rcm":
			if err := checkSquare(name, a); err != nil {
				return nil, err
			}
			perm, err := direct.Order(a, direct.RCM)
			if err != nil {
				return nil, err
			}
			return nonNil(NewReordered(a, perm, build))
		}
		return nil, fmt.Errorf("linsolve: unknown reordering %q (want natural or rcm)", o.Reorder)
	case "mg":
		if o.Grid == nil {
			return nil, fmt.Errorf("%w: the mg preconditioner needs the grid dimensions of the matrix (PreconditionerOptions.Grid, -grid NxN)", ErrDimension)
		}
		return nonNil(NewMultigrid(a, o.Grid, o.Multigrid))
	case "amg":
		return nonNil(NewAMG(a, o.AMG))
	}
	return nil, fmt.Errorf("linsolve: unknown preconditioner %q (want one of %s)", name, strings.Join(PreconditionerNames, ", "))
}

// nonNil turns a failed constructor's typed nil pointer into a nil
// interface, so that callers may test the Preconditioner against nil.
func nonNil[P Preconditioner](p P, err error) (Preconditioner, error) {
	if err != nil {
		return nil, err
	}
	return p, nil
}
