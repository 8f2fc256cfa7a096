use super::args::{Cli, Format};
use super::support::{EXIT_FAILED, EXIT_OK, load_profile};
use crate::plan::describe;
use crate::render;

pub fn run(cli: &Cli, file: &str, output: Format, brief: bool, verify: bool) -> u8 {
    let (path, loaded) = match load_profile(cli, file) {
        Ok(l) => l,
        Err(code) => return code,
    };
    // resolve the `auto` answers when the cluster answers (read-only: no probe pod);
    // otherwise the plan says what is decided at apply
    let profile = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) if needs_cluster(&loaded.profile) => {
            let prepared = rt.block_on(crate::exec::adapt::prepare(&loaded.profile, false));
            if output == Format::Text {
                match &prepared.decisions {
                    Ok(d) => {
                        println!("Decided from the cluster:");
                        for x in d {
                            println!("  {x}");
                        }
                        println!();
                    }
                    Err(e) => {
                        println!("Cluster not reached ({e}): auto answers are decided at apply\n")
                    }
                }
            }
            prepared.profile
        }
        _ => loaded.profile,
    };
    // the decisions are said above the plan (text) rather than as notes inside it, as `plan`
    // always showed them
    let plan = crate::steps::plan(&profile);
    // `--verify` adds the rendered charts' findings (helm and the chart, not the cluster)
    let reports = if verify {
        let base_dir = crate::exec::base_dir(Some(&path));
        match super::verify_cmd::reports(&profile, &base_dir) {
            Some(r) => Some(r),
            None => {
                eprintln!("error: cannot start the runtime");
                return EXIT_FAILED;
            }
        }
    } else {
        None
    };
    match output {
        Format::Text => {
            print!("{}", describe::text(&plan, !brief));
            let plain = crate::verify::plaintext::planned_text(
                crate::steps::verify_spec::secret_overlays(&profile),
            );
            if !plain.is_empty() {
                print!("\nSecrets in plain text:\n{plain}");
            }
            if let Some(r) = &reports {
                print!("\nVerification:\n{}", super::verify_cmd::text(r));
            }
        }
        Format::Json => {
            let v = match &reports {
                Some(r) => {
                    serde_json::json!({"plan": plan, "verification": super::verify_cmd::json(r)})
                }
                None => serde_json::to_value(&plan).unwrap_or_default(),
            };
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Yaml => match &reports {
            Some(r) => print!(
                "{}",
                render::yaml(
                    &serde_json::json!({"plan": plan, "verification": super::verify_cmd::json(r)})
                )
            ),
            None => print!("{}", render::yaml(&plan)),
        },
    }
    match &reports {
        Some(r) => super::verify_cmd::exit_code(r),
        None => EXIT_OK,
    }
}

/// Whether any answer is left to the cluster.
fn needs_cluster(p: &crate::profile::Profile) -> bool {
    use crate::profile::sections::{
        cluster::Sizing, cluster_kind::ClusterKind, identity_server::AppArmor,
    };
    p.cluster.kind == ClusterKind::Auto
        || p.cluster.sizing == Sizing::Auto
        || p.identity_server.app_armor == AppArmor::Auto
}
