//! `kmpilot profiles import --from-cluster NAME [--context C] [-n NS]`: reads the deployment
//! (`import::live`), maps it (`import::build`, pure) and writes the profile into the store
//! atomically, with the report on screen (or as JSON) and as comments at the top of the file.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::{Cli, Format};
use super::support::{EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK};
use crate::import;
use crate::profile::{checks, save, store};

pub struct ImportArgs<'a> {
    pub name: &'a str,
    pub force: bool,
    pub hosts_file: &'a Path,
    pub output: Format,
    /// API-M's base URL for the Admin REST API (else the management hostname).
    pub admin_url: Option<&'a str>,
    pub ca_file: Option<&'a Path>,
    pub skip_key_manager: bool,
}

pub fn run(cli: &Cli, a: ImportArgs) -> u8 {
    if !checks::is_k8s_label(a.name) {
        eprintln!("error: `{}` is not a profile name", a.name);
        eprintln!("    expected: lower-case letters, digits and '-', at most 63 characters");
        return EXIT_BAD_INPUT;
    }
    let path = store::path_for(a.name);
    if path.exists() && !a.force {
        eprintln!("error: profile {} exists ({})", a.name, path.display());
        eprintln!("    hint: pass --force to replace it, or choose another name");
        return EXIT_BAD_INPUT;
    }
    let default_ns = crate::profile::sections::cluster::Cluster::default().namespace;
    let namespace = cli.namespace.clone().unwrap_or(default_ns);
    if !checks::is_k8s_label(&namespace) {
        eprintln!("error: `{namespace}` is not a namespace name (-n)");
        return EXIT_BAD_INPUT;
    }
    crate::kube::ensure_crypto_provider();
    let Some(rt) = super::support::runtime() else {
        return EXIT_FAILED;
    };
    let req = import::live::Request {
        kubeconfig: None,
        context: cli.context.as_deref(),
        namespace: &namespace,
        hosts_file: a.hosts_file.to_path_buf(),
    };
    let live = match rt.block_on(import::live::read(&req)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    let (mut profile, mut report) = match import::build(a.name, &live) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!(
                "    hint: -n names the namespace kmpilot installed into, --context the cluster"
            );
            return EXIT_FAILED;
        }
    };
    // the registration needs the releases' names and hostnames: asked once they are mapped
    if profile.identity_server.install && profile.api_manager.install {
        let mut live = live;
        live.key_manager = if a.skip_key_manager {
            import::KeyManagerFacts::Unreadable("--skip-key-manager".into())
        } else {
            let work = tempfile::tempdir();
            let read = async {
                let work = work.as_ref().map_err(|e| e.to_string())?;
                let api =
                    import::live::admin_api(&req, &profile, a.admin_url, a.ca_file, work.path())
                        .await?;
                let is_names = vec![
                    profile.identity_server.hostname.clone(),
                    profile.identity_server.service_name(),
                ];
                import::key_manager::listed(&api, &is_names).await
            };
            match rt.block_on(read) {
                Ok(kms) => import::KeyManagerFacts::Listed(kms),
                Err(e) => import::KeyManagerFacts::Unreadable(e),
            }
        };
        match import::build(a.name, &live) {
            Ok((p, r)) => (profile, report) = (p, r),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_FAILED;
            }
        }
    }
    report.path = Some(path.display().to_string());
    let body = match save::to_yaml(&profile) {
        Ok((text, _)) => text,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    let text = format!("{}{body}", report.as_comments());
    if let Err(e) = write(&path, text.as_bytes(), a.force) {
        eprintln!("error: cannot write {}: {e}", path.display());
        return if e.kind() == std::io::ErrorKind::AlreadyExists {
            EXIT_BAD_INPUT
        } else {
            EXIT_FAILED
        };
    }
    match a.output {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        ),
        Format::Yaml => print!("{}", crate::render::yaml(&serde_json::json!(report))),
        Format::Text => {
            print!("{}", report.as_text());
            println!("wrote {}", path.display());
            if !report.unmapped.is_empty() {
                println!(
                    "{} things on the cluster are not in the profile (listed above and at the top of the file)",
                    report.unmapped.len()
                );
            }
        }
    }
    EXIT_OK
}

/// Atomic: a temporary file in the store renamed into place; without `force` the rename
/// refuses to replace a profile that appeared meanwhile.
fn write(path: &PathBuf, bytes: &[u8], force: bool) -> std::io::Result<()> {
    if force {
        return crate::util::atomic_file::write_atomic(path, bytes).map_err(|e| e.source);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".kmpilot-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}
