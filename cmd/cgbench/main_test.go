package main

import "testing"

func TestRun(t *testing.T) {
	for _, pc := range []string{"none", "ic0", "mg"} {
		relerr, err := run(31, pc)
		if err != nil {
			t.Fatalf("%s: %v", pc, err)
		}
		// b = A·u, so u solves the discrete system; rtol 1e-8 and
		// κ(A) ≈ 4·32²/π² ≈ 415 bound the error by about 4e-6.
		if relerr > 5e-6 {
			t.Errorf("%s: relative error %.2e", pc, relerr)
		}
	}
	if _, err := run(0, "none"); err == nil {
		t.Fatal("grid 0 accepted")
	}
	if _, err := run(8, "frob"); err == nil {
		t.Fatal("unknown preconditioner accepted")
	}
}
