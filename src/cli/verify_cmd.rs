//! `kmpilot verify -f P` (and `plan --verify`): render both charts with helm exactly as the
//! install will (no cluster needed) and check what they render. Exit 2 when a finding is an
//! error, 1 when a chart could not be rendered at all.

use super::args::{Cli, Format};
use super::support::{EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, load_profile};
use crate::verify::{Level, Report};

/// Renders and checks both charts of `p`; `None` when the runtime cannot start.
pub(crate) fn reports(
    p: &crate::profile::Profile,
    base_dir: &std::path::Path,
) -> Option<Vec<Result<Report, String>>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    Some(rt.block_on(crate::exec::verify::verify_plan(
        &crate::steps::plan(p),
        base_dir,
    )))
}

/// The exit code of a verification: 2 with an error finding, 1 when a chart did not render.
pub(crate) fn exit_code(reports: &[Result<Report, String>]) -> u8 {
    if reports
        .iter()
        .any(|r| r.as_ref().is_ok_and(|r| r.errors() > 0))
    {
        EXIT_BAD_INPUT
    } else if reports.iter().any(Result::is_err) {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

pub(crate) fn text(reports: &[Result<Report, String>]) -> String {
    let mut s = String::new();
    for r in reports {
        match r {
            Err(e) => s.push_str(&format!("✗ chart not rendered: {e}\n")),
            Ok(r) => {
                let (e, w, n) = crate::exec::verify::counts(&r.findings);
                s.push_str(&format!(
                    "{} {} ({} {}): {e} error(s), {w} warning(s), {n} notice(s) — rendered and checked in {} ms\n",
                    if e == 0 { "✓" } else { "✗" },
                    r.chart.as_str(),
                    r.chart_ref,
                    r.version,
                    r.millis
                ));
                for f in &r.findings {
                    s.push_str(&format!(
                        "  {:<7} {}{}{}: {}\n",
                        f.level.as_str(),
                        f.object,
                        f.file
                            .as_deref()
                            .map(|x| format!(" {x}"))
                            .unwrap_or_default(),
                        f.key
                            .as_deref()
                            .map(|x| format!(" {x}"))
                            .unwrap_or_default(),
                        f.message
                    ));
                    if let Some(x) = &f.expected {
                        s.push_str(&format!("          expected: {x}\n"));
                    }
                    s.push_str(&format!("          fix: {}\n", f.fix));
                    if let Some(h) = &f.hint {
                        s.push_str(&format!("          hint: {h}\n"));
                    }
                }
            }
        }
    }
    s
}

pub(crate) fn json(reports: &[Result<Report, String>]) -> serde_json::Value {
    let charts: Vec<_> = reports.iter().filter_map(|r| r.as_ref().ok()).collect();
    let render_errors: Vec<_> = reports.iter().filter_map(|r| r.as_ref().err()).collect();
    let ok = !charts.iter().any(|r| r.errors() > 0) && render_errors.is_empty();
    serde_json::json!({
        "ok": ok,
        "errors": charts.iter().map(|r| r.errors()).sum::<usize>(),
        "charts": charts,
        "renderErrors": render_errors,
    })
}

pub fn run(cli: &Cli, file: &str, output: Format) -> u8 {
    let (path, loaded) = match load_profile(cli, file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let base_dir = crate::exec::base_dir(Some(&path));
    let Some(reports) = reports(&loaded.profile, &base_dir) else {
        eprintln!("error: cannot start the runtime");
        return EXIT_FAILED;
    };
    for r in reports.iter().flatten() {
        for f in r.findings.iter().filter(|f| f.level != Level::Notice) {
            tracing::info!("verify: {}", f.line());
        }
    }
    match output {
        Format::Text => {
            let t = text(&reports);
            if exit_code(&reports) == EXIT_OK {
                print!("{t}");
            } else {
                eprint!("{t}");
            }
        }
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&json(&reports)).unwrap_or_default()
        ),
        Format::Yaml => print!("{}", crate::render::yaml(&json(&reports))),
    }
    exit_code(&reports)
}
