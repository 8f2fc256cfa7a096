//! `nc -z HOST PORT`, the one use the IS chart's start-up probe makes of netcat
//! (`nc -z localhost 9443`): exit 0 when a TCP connection opens, 1 otherwise, with netcat's
//! message. A STAND-IN for netcat (the image has no Debian netcat): any other use is refused.

use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

pub fn main(args: Vec<String>) -> i32 {
    let [z, host, port] = args.as_slice() else {
        return unsupported();
    };
    if z != "-z" {
        return unsupported();
    }
    let addrs = match (host.as_str(), port.parse::<u16>().unwrap_or(0)).to_socket_addrs() {
        Ok(a) => a.collect::<Vec<_>>(),
        Err(e) => {
            eprintln!("nc: getaddrinfo for host \"{host}\" port {port}: {e}");
            return 1;
        }
    };
    for a in &addrs {
        if TcpStream::connect_timeout(a, Duration::from_secs(1)).is_ok() {
            return 0;
        }
    }
    eprintln!("nc: connect to {host} port {port} (tcp) failed: Connection refused");
    1
}

fn unsupported() -> i32 {
    eprintln!("nc (kmpilot stand-in): only `nc -z HOST PORT` is supported");
    2
}
