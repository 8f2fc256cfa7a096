// kmpilot-testpod: one static binary for every image the real-node tests run.
//
//	pause                      the pod sandbox: wait for SIGTERM/SIGINT, then exit 0
//	serve [flags]              a stand-in server (not a WSO2 product): answers HTTP or, with
//	                           -tls-cert/-tls-key, HTTPS; /healthz is always 200, /ready is
//	                           200 unless -never-ready (then 503 with a reason the kubelet
//	                           puts in the probe's event); any other path echoes "testpod
//	                           <hostname> <path>"; -echo-port P also echoes raw TCP bytes
//	dial HOST PORT [TRIES]     resolve HOST through the pod's resolver (cluster DNS) and
//	                           open a TCP connection; prints what it resolved and whether the
//	                           connection worked, then sleeps so the test can read the log
//	lookup SERVER:PORT NAME    ask one DNS server (UDP) for NAME's IPv4 addresses; prints them,
//	                           one a line; exit 1 when there is no answer (scripts/test-node
//	                           uses it to check the cluster DNS from the host)
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: kmpilot-testpod pause|serve|dial ...")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "pause":
		pause()
	case "serve":
		serve(os.Args[2:])
	case "dial":
		dial(os.Args[2:])
	case "lookup":
		lookup(os.Args[2:])
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
}

func pause() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGTERM, syscall.SIGINT)
	<-c
}

func serve(args []string) {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	port := fs.Int("port", 8080, "HTTP(S) port")
	cert := fs.String("tls-cert", "", "PEM certificate chain (HTTPS when set)")
	key := fs.String("tls-key", "", "PEM private key")
	neverReady := fs.Bool("never-ready", false, "/ready answers 503 forever")
	echoPort := fs.Int("echo-port", 0, "raw TCP echo port (0: none)")
	_ = fs.Parse(args)
	host, _ := os.Hostname()
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) {
		if *neverReady {
			http.Error(w, "stand-in told never to become ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "testpod %s %s\n", host, r.URL.Path)
	})
	if *echoPort != 0 {
		go echo(*echoPort)
	}
	srv := &http.Server{Addr: ":" + strconv.Itoa(*port), Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		c := make(chan os.Signal, 1)
		signal.Notify(c, syscall.SIGTERM, syscall.SIGINT)
		<-c
		_ = srv.Shutdown(context.Background())
	}()
	fmt.Printf("serving on :%d (tls=%v never-ready=%v)\n", *port, *cert != "", *neverReady)
	var err error
	if *cert != "" {
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		err = srv.ListenAndServeTLS(*cert, *key)
	} else {
		err = srv.ListenAndServe()
	}
	if err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func echo(port int) {
	l, err := net.Listen("tcp", ":"+strconv.Itoa(port))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for {
		c, err := l.Accept()
		if err != nil {
			continue
		}
		go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
	}
}

func dial(args []string) {
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dial HOST PORT [TRIES]")
		os.Exit(2)
	}
	host, port := args[0], args[1]
	tries := 30
	if len(args) > 2 {
		tries, _ = strconv.Atoi(args[2])
	}
	ok := false
	for i := 0; i < tries && !ok; i++ {
		if i > 0 {
			time.Sleep(time.Second)
		}
		addrs, err := net.LookupHost(host)
		if err != nil {
			fmt.Printf("resolve %s: %v\n", host, err)
			continue
		}
		fmt.Printf("resolved %s to %v\n", host, addrs)
		c, err := net.DialTimeout("tcp", net.JoinHostPort(host, port), 3*time.Second)
		if err != nil {
			fmt.Printf("connect %s:%s: %v\n", host, port, err)
			continue
		}
		_ = c.SetDeadline(time.Now().Add(3 * time.Second))
		fmt.Fprintf(c, "GET /dial HTTP/1.0\r\nHost: %s\r\n\r\n", host)
		b, _ := io.ReadAll(c)
		c.Close()
		fmt.Printf("connected to %s:%s, %d bytes back\n", host, port, len(b))
		ok = true
	}
	if ok {
		fmt.Println("DIAL OK")
	} else {
		fmt.Println("DIAL FAILED")
	}
	pause()
}

func lookup(args []string) {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: lookup SERVER:PORT NAME")
		os.Exit(2)
	}
	server, name := args[0], args[1]
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", server)
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	ips, err := r.LookupIP(ctx, "ip4", name)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	for _, ip := range ips {
		fmt.Println(ip)
	}
}
