// CoreDNS for the real test node, with only the plugins its Corefile uses (scripts/test-node).
// Upstream's main imports every plugin (cloud DNS providers, etcd, geoip, ...); importing
// just these keeps the cold build short. `forward` is left out on purpose: the test
// cluster's DNS answers only for the cluster's own names and never asks a resolver
// outside this machine.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/hosts"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/whoami"
)

// The directive order is upstream's (core/dnsserver/zdirectives.go); plugins not
// imported above are simply never set up.
var _ = dnsserver.Directives

func main() {
	coremain.Run()
}
