//go:build tools

// Blank imports keep `go mod tidy` from pruning the commands this module exists to build.
package tools

import (
	_ "github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs"
	_ "github.com/VictoriaMetrics/VictoriaLogs/app/vlagent"
)
