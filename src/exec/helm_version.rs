//! The helm kmpilot runs, where the majors differ: its version (asked once per binary on
//! PATH), and for a command whose post-renderer drops kinds, the flags and environment of
//! that major (`plan::helm` says which; this writes Helm 4's plugin into kmpilot's own
//! directory, never into the person's helm plugins).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use crate::plan::helm::{self, HelmVersion};

/// What kmpilot knows about one helm binary.
#[derive(Debug, Clone)]
pub struct Found {
    pub version: HelmVersion,
    /// Helm 4: the person's own plugins directory (`helm env HELM_PLUGINS`), kept on the path
    /// next to kmpilot's.
    pub user_plugins: String,
}

/// Per binary, so a run asks once, and a PATH that changes (tests) asks again.
static SEEN: Mutex<BTreeMap<PathBuf, Found>> = Mutex::new(BTreeMap::new());

fn helm_path() -> Result<PathBuf, String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("helm"))
        .find(|p| p.is_file())
        .ok_or_else(|| "helm is not installed (not found on PATH)".to_string())
}

async fn output(helm: &Path, args: &[&str]) -> Result<String, String> {
    let run = tokio::process::Command::new(helm)
        .args(args)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(Duration::from_secs(10), run).await {
        Ok(Ok(o)) if o.status.success() => Ok(String::from_utf8_lossy(&o.stdout).into_owned()),
        Ok(Ok(o)) => Err(format!(
            "`helm {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Ok(Err(e)) => Err(format!("cannot run {}: {e}", helm.display())),
        Err(_) => Err(format!(
            "`helm {}` did not answer within 10s",
            args.join(" ")
        )),
    }
}

/// The helm on PATH: its version, and on Helm 4 the person's plugins directory.
pub async fn found() -> Result<Found, String> {
    let helm = helm_path()?;
    if let Some(f) = SEEN.lock().unwrap_or_else(|e| e.into_inner()).get(&helm) {
        return Ok(f.clone());
    }
    // `--template` prints the bare version on both majors (`--short` adds `+g<commit>`)
    let text = output(&helm, &["version", "--template", "{{.Version}}"]).await?;
    let version = helm::parse_version(&text)
        .ok_or_else(|| format!("cannot read helm's version from {:?}", text.trim()))?;
    let user_plugins = if version.major >= 4 {
        output(&helm, &["env", "HELM_PLUGINS"])
            .await?
            .trim()
            .to_string()
    } else {
        String::new()
    };
    let f = Found {
        version,
        user_plugins,
    };
    SEEN.lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(helm, f.clone());
    Ok(f)
}

/// A post-renderer that drops kinds, for the helm found: the flags to add, and the
/// environment to run helm with.
#[derive(Debug, Default)]
pub struct PostRender {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

/// Where kmpilot keeps its Helm 4 plugin, under a directory of its own (`dir`: the run's work
/// directory, or the temporary directory of a `helm template`).
pub fn plugins_dir(dir: &Path) -> PathBuf {
    dir.join("helm-plugins")
}

/// The flags and environment for `kinds` (none when empty) on the helm on PATH.
pub async fn post_render(dir: &Path, kinds: &[String]) -> Result<PostRender, String> {
    if kinds.is_empty() {
        return Ok(PostRender::default());
    }
    let f = found().await?;
    for_version(&f, dir, kinds)
}

/// `post_render` for a known helm (the plugin is written for Helm 4 only).
pub fn for_version(f: &Found, dir: &Path, kinds: &[String]) -> Result<PostRender, String> {
    let mut env = Vec::new();
    if f.version.major >= 4 {
        let plugins = plugins_dir(dir);
        let file = plugins.join(helm::DROP_PLUGIN).join("plugin.yaml");
        crate::util::atomic_file::write_atomic(&file, helm::DROP_PLUGIN_YAML.as_bytes())
            .map_err(|e| format!("writing kmpilot's helm post-renderer plugin: {e}"))?;
        let abs = std::path::absolute(&plugins).unwrap_or(plugins);
        env.push((
            "HELM_PLUGINS".to_string(),
            helm::plugins_path(&abs.display().to_string(), &f.user_plugins),
        ));
    }
    Ok(PostRender {
        args: helm::drop_kinds_args(f.version.major, kinds),
        env,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(major: u64) -> Found {
        Found {
            version: HelmVersion {
                major,
                minor: 0,
                patch: 0,
            },
            user_plugins: "/home/u/.local/share/helm/plugins".into(),
        }
    }

    #[test]
    fn helm_4_gets_kmpilots_own_plugin_dir_before_the_persons() {
        let dir = tempfile::tempdir().unwrap();
        let kinds = vec!["Ingress".to_string()];
        let p = for_version(&found(4), dir.path(), &kinds).unwrap();
        let yaml = dir
            .path()
            .join("helm-plugins/kmpilot-drop-kinds/plugin.yaml");
        assert_eq!(
            std::fs::read_to_string(&yaml).unwrap(),
            helm::DROP_PLUGIN_YAML
        );
        let (k, v) = &p.env[0];
        assert_eq!(k, "HELM_PLUGINS");
        assert_eq!(
            v,
            &format!(
                "{}:/home/u/.local/share/helm/plugins",
                dir.path().join("helm-plugins").display()
            )
        );
        assert_eq!(p.args[1], helm::DROP_PLUGIN);
    }

    #[test]
    fn helm_3_gets_the_executable_and_no_plugin() {
        let dir = tempfile::tempdir().unwrap();
        let p = for_version(&found(3), dir.path(), &["Ingress".to_string()]).unwrap();
        assert!(p.env.is_empty());
        assert!(!dir.path().join("helm-plugins").exists());
        assert_eq!(p.args[1], "awk");
    }
}
