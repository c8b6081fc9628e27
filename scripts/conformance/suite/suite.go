//go:build tools

// Package suite pins the Gateway API conformance suite (its tests run with go test -c on the dependency's package).
package suite

import (
	_ "sigs.k8s.io/gateway-api/conformance"
)
