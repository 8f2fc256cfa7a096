//! The runbook's answer to what differs between helm majors: the script asks the helm it runs
//! for its version and sets the post-renderer the same way the executor does (`plan::helm`).

use crate::plan::helm::{DROP_PLUGIN, DROP_PLUGIN_YAML};
use crate::plan::{Action, Plan};

/// Whether a command of the plan drops kinds with a post-renderer.
pub fn needs_post_render(plan: &Plan) -> bool {
    plan.steps.iter().flat_map(|s| &s.actions).any(|a| match a {
        Action::Run(c) => !c.drop_kinds.is_empty(),
        Action::Verify(v) => !v.render.drop_kinds.is_empty(),
        _ => false,
    })
}

/// Sets `KMPILOT_HELM_POST_RENDERER` and `KMPILOT_HELM_PLUGINS`, which the post-rendered
/// commands read (`Command::command_line`): Helm 3 runs `awk` itself; Helm 4 runs only a
/// plugin, which the script writes into its own directory and puts before the person's.
pub fn preamble() -> String {
    format!(
        r#"# Helm 3 takes an executable as post-renderer, Helm 4 only a plugin: the IS install drops
# its Ingress with the same awk program either way, on Helm 4 through a plugin written here
# (never into your own helm plugins, which stay on HELM_PLUGINS after it).
KMPILOT_HELM_MAJOR=$(helm version --template '{{{{.Version}}}}' | sed 's/^v\([0-9]*\).*/\1/')
case "$KMPILOT_HELM_MAJOR" in
  3) KMPILOT_HELM_POST_RENDERER=awk; KMPILOT_HELM_PLUGINS=$(helm env HELM_PLUGINS) ;;
  4)
    mkdir -p helm-plugins/{DROP_PLUGIN}
    cat > helm-plugins/{DROP_PLUGIN}/plugin.yaml <<'KMPILOT_PLUGIN'
{DROP_PLUGIN_YAML}KMPILOT_PLUGIN
    KMPILOT_HELM_POST_RENDERER={DROP_PLUGIN}
    KMPILOT_HELM_PLUGINS="$PWD/helm-plugins:$(helm env HELM_PLUGINS)" ;;
  *) echo "helm $(helm version --short) is not a major kmpilot supports (3 or 4)" >&2; exit 1 ;;
esac
"#
    )
}
