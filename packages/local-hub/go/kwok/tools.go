//go:build tools

// Blank imports keep `go mod tidy` from pruning the commands this module exists to build.
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
	_ "sigs.k8s.io/kwok/cmd/kwokctl"
)
