// The programs inside the real test node's locally assembled images (scripts/node-image):
// the pause container and the test pods' stand-in server and DNS client. Standard library
// only, so it builds in seconds and needs nothing from the module proxy.
module kmpilot.invalid/node-images

go 1.26.0
