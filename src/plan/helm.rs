//! What differs between the helm majors kmpilot runs (3.x and 4.x), as data and pure
//! functions: the plan stays major-agnostic (a chart install says which kinds its
//! post-renderer drops), and whoever runs helm — the executor, or the runbook in shell —
//! turns that into the flags of the helm it found.

use std::fmt;

/// A helm release version as `helm version --template '{{.Version}}'` prints it (`v4.3.2`,
/// `v3.21.4`, `v3.14.0+g1234567`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HelmVersion {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl fmt::Display for HelmVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The oldest Helm 3 kmpilot works with: `helm upgrade --dry-run=server` (dry runs) came in
/// 3.13.
pub const MIN_HELM3: HelmVersion = HelmVersion {
    major: 3,
    minor: 13,
    patch: 0,
};
/// The versions the tests run against (scripts/build-test-bins builds both).
pub const TESTED: [&str; 2] = ["v4.3.2", "v3.21.4"];

/// `v4.3.2`, `v3.21.4+g9f2a1b`, `v4.0.0-rc.1`, also `helm version --short`'s whole line.
pub fn parse_version(s: &str) -> Option<HelmVersion> {
    let s = s.trim();
    let s = s.strip_prefix('v').unwrap_or(s);
    // build metadata (`+g…`) and pre-release (`-rc.1`) do not change what kmpilot does
    let core = s.split(['+', '-', ' ']).next()?;
    let mut it = core.split('.').map(|n| n.parse::<u64>().ok());
    let (major, minor, patch) = (it.next()??, it.next()??, it.next().unwrap_or(Some(0))?);
    Some(HelmVersion {
        major,
        minor,
        patch,
    })
}

/// Whether kmpilot supports this helm; `Err` says why not and how to fix it.
pub fn check_supported(v: HelmVersion) -> Result<(), String> {
    let fix =
        "install Helm 4 (https://helm.sh/docs/intro/install/), or a Helm 3 of at least v3.13.0";
    if v.major < 3 || (v.major == 3 && v < MIN_HELM3) {
        return Err(format!(
            "helm {v} is older than kmpilot supports (Helm 3 from {MIN_HELM3}, or Helm 4); {fix}"
        ));
    }
    if v.major > 4 {
        return Err(format!(
            "helm {v} is a major kmpilot has not been tested with (it runs Helm 4.x and 3.x); {fix}"
        ));
    }
    Ok(())
}

/// `helm list` flags that show a release in any state (pending, failed, uninstalling, …).
/// Helm 3's `-a/--all` is gone in Helm 4; the state filters exist in both.
pub const LIST_ANY_STATE: [&str; 6] = [
    "--deployed",
    "--failed",
    "--pending",
    "--superseded",
    "--uninstalled",
    "--uninstalling",
];

/// The post-renderer plugin kmpilot writes for Helm 4 into a directory of its own.
pub const DROP_PLUGIN: &str = "kmpilot-drop-kinds";

/// Its `plugin.yaml` (Helm 4's `postrenderer/v1`, subprocess runtime): it runs `awk` with the
/// program helm passes as `--post-renderer-args` (extra arguments reach the command as they
/// are, where arguments written in plugin.yaml would have `$0` expanded by helm).
pub const DROP_PLUGIN_YAML: &str = "apiVersion: v1
type: postrenderer/v1
name: kmpilot-drop-kinds
version: 1.0.0
runtime: subprocess
runtimeConfig:
  platformCommand:
    - command: awk
";

/// The POSIX awk program that drops every manifest of one of `kinds` from the rendered
/// stream (read on stdin, written to stdout). One program argument, proven on both majors.
pub fn drop_kinds_awk(kinds: &[String]) -> String {
    format!(
        "/^---/ {{ out(); buf = $0 \"\\n\"; next }} {{ buf = buf $0 \"\\n\" }} /^kind: ({})$/ {{ drop = 1 }} END {{ out() }} function out() {{ if (!drop) printf \"%s\", buf; buf = \"\"; drop = 0 }}",
        kinds.join("|")
    )
}

/// The helm flags of a post-renderer that drops `kinds`, for helm `major`: Helm 3 runs an
/// executable (`awk`, found on PATH); Helm 4 only a plugin, by name (`DROP_PLUGIN`, found
/// through `HELM_PLUGINS`).
pub fn drop_kinds_args(major: u64, kinds: &[String]) -> Vec<String> {
    if kinds.is_empty() {
        return Vec::new();
    }
    let renderer = if major >= 4 { DROP_PLUGIN } else { "awk" };
    vec![
        "--post-renderer".into(),
        renderer.into(),
        "--post-renderer-args".into(),
        drop_kinds_awk(kinds),
    ]
}

/// The same flags in the runbook's shell, which decides the major when it runs
/// (`runbook::helm_preamble` sets the variable).
pub fn drop_kinds_shell_args(kinds: &[String]) -> String {
    format!(
        "--post-renderer \"$KMPILOT_HELM_POST_RENDERER\" --post-renderer-args {}",
        super::shell::shell_quote(&drop_kinds_awk(kinds))
    )
}

/// `HELM_PLUGINS` for a Helm 4 command that uses the plugin: kmpilot's directory first, then
/// the person's own (helm 4 reads the variable as a path list for post-renderers), so their
/// plugins still load and nothing is installed among them.
pub fn plugins_path(kmpilot_dir: &str, user_dir: &str) -> String {
    if user_dir.is_empty() {
        kmpilot_dir.to_string()
    } else {
        format!("{kmpilot_dir}:{user_dir}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(major: u64, minor: u64, patch: u64) -> HelmVersion {
        HelmVersion {
            major,
            minor,
            patch,
        }
    }

    #[test]
    fn versions_as_both_majors_print_them() {
        assert_eq!(parse_version("v4.3.2"), Some(v(4, 3, 2)));
        assert_eq!(parse_version("v3.21.4\n"), Some(v(3, 21, 4)));
        assert_eq!(parse_version("v3.14.0+g3fc9f4b"), Some(v(3, 14, 0)));
        assert_eq!(parse_version("v4.0.0-rc.1"), Some(v(4, 0, 0)));
        assert_eq!(parse_version("v3.21"), Some(v(3, 21, 0)));
        assert_eq!(parse_version("version.BuildInfo{Version:..."), None);
        assert_eq!(parse_version(""), None);
    }

    #[test]
    fn supported_is_helm_3_from_3_13_and_helm_4() {
        assert!(check_supported(v(4, 3, 2)).is_ok());
        assert!(check_supported(v(4, 0, 0)).is_ok());
        assert!(check_supported(v(3, 21, 4)).is_ok());
        assert!(check_supported(v(3, 13, 0)).is_ok());
        let old = check_supported(v(3, 12, 3)).unwrap_err();
        assert!(
            old.contains("v3.12.3") && old.contains("install Helm 4"),
            "{old}"
        );
        assert!(check_supported(v(2, 17, 0)).is_err());
        let new = check_supported(v(5, 0, 0)).unwrap_err();
        assert!(new.contains("not been tested"), "{new}");
        for t in TESTED {
            assert!(check_supported(parse_version(t).unwrap()).is_ok(), "{t}");
        }
    }

    #[test]
    fn helm_4_gets_the_plugin_by_name_helm_3_the_executable() {
        let kinds = vec!["Ingress".to_string()];
        let h4 = drop_kinds_args(4, &kinds);
        assert_eq!(h4[..2], ["--post-renderer", DROP_PLUGIN]);
        // Helm 4 refuses an executable here: "plugin: {Name:awk Type:postrenderer/v1} not found"
        assert!(!h4.iter().any(|a| a == "awk"), "{h4:?}");
        let h3 = drop_kinds_args(3, &kinds);
        assert_eq!(h3[..2], ["--post-renderer", "awk"]);
        // Helm 3 has no plugin of that name: it must be given the executable
        assert!(!h3.iter().any(|a| a == DROP_PLUGIN), "{h3:?}");
        assert_eq!(h3[2..], h4[2..]);
        assert_eq!(h3[3], drop_kinds_awk(&kinds));
        assert!(drop_kinds_args(4, &[]).is_empty());
    }

    #[test]
    fn the_awk_program_drops_only_the_named_kinds() {
        let p = drop_kinds_awk(&["Ingress".into()]);
        assert!(p.contains("/^kind: (Ingress)$/"), "{p}");
        let two = drop_kinds_awk(&["Ingress".into(), "Route".into()]);
        assert!(two.contains("/^kind: (Ingress|Route)$/"), "{two}");
    }

    #[test]
    fn the_plugin_is_a_helm_4_postrenderer_running_awk() {
        let y: serde_json::Value = serde_saphyr::from_str(DROP_PLUGIN_YAML).unwrap();
        assert_eq!(y["apiVersion"], "v1");
        assert_eq!(y["type"], "postrenderer/v1");
        assert_eq!(y["name"], DROP_PLUGIN);
        assert_eq!(y["runtime"], "subprocess");
        assert_eq!(y["runtimeConfig"]["platformCommand"][0]["command"], "awk");
        assert_eq!(plugins_path("/k", "/u/plugins"), "/k:/u/plugins");
        assert_eq!(plugins_path("/k", ""), "/k");
    }
}
