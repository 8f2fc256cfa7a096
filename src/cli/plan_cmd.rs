use super::{Cli, EXIT_OK, Format, load_profile};
use crate::plan::{self, describe};
use crate::render;

pub fn run(cli: &Cli, file: &str, output: Format, brief: bool) -> u8 {
    let (_, loaded) = match load_profile(cli, file) {
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
            let (p, d) = rt.block_on(crate::exec::adapt::resolve(&loaded.profile, false));
            if output == Format::Text {
                match &d {
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
            p
        }
        _ => loaded.profile,
    };
    let plan = plan::plan(&profile);
    match output {
        Format::Text => print!("{}", describe::text(&plan, !brief)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&plan).unwrap_or_default()
        ),
        Format::Yaml => print!("{}", render::yaml(&plan)),
    }
    EXIT_OK
}

/// Whether any answer is left to the cluster.
fn needs_cluster(p: &crate::profile::Profile) -> bool {
    use crate::steps::{cluster::Sizing, cluster_kind::ClusterKind, identity_server::AppArmor};
    p.cluster.kind == ClusterKind::Auto
        || p.cluster.sizing == Sizing::Auto
        || p.identity_server.app_armor == AppArmor::Auto
}
