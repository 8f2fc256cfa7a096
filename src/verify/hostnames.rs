//! `[server] hostname` in every deployment.toml equals the profile's hostname: WSO2 builds its
//! own URLs (token issuer, console redirects) from it.

use super::finding::{Finding, Level};
use super::input::Input;

pub fn check(i: &Input<'_>, out: &mut Vec<Finding>) {
    let e = i.expect;
    for f in i.tomls.iter().filter(|f| f.file == "deployment.toml") {
        let Some(t) = &f.table else { continue };
        let got = super::toml_files::get(t, &["server", "hostname"]).and_then(|v| v.as_str());
        if got != Some(e.server_hostname.as_str()) {
            out.push(
                Finding::new(
                    Level::Error,
                    e.chart,
                    "hostname",
                    &f.object,
                    match got {
                        Some(h) => format!("the server's hostname is `{h}`"),
                        None => "the server has no hostname".into(),
                    },
                    &e.server_hostname_path,
                )
                .file(&f.file)
                .key("[server] hostname")
                .expected(format!("`{}`", e.server_hostname))
                .hint("the chart takes [server] hostname from its ingress values; kmpilot sets both from the profile's hostname"),
            );
        }
    }
}
