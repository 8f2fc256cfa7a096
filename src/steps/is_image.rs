//! Step "is-image": the Identity Server image with the notification event handler jar that
//! tells API-M about revoked tokens (wso2-facts §5).

use super::cluster_kind;
use crate::plan::{Action, Artifact, ArtifactKind, Command, Step, StepId};
use crate::profile::diagnostics::{Issues, YamlPath};
use crate::profile::sections::cluster_kind::{ClusterKind, Delivery};
use crate::profile::{Profile, checks};
use crate::render;

pub fn validate(p: &Profile, issues: &mut Issues) {
    let img = &p.identity_server.image;
    let base = YamlPath::root().key("identityServer").key("image");
    checks::registry(issues, &base.key("registry"), &img.registry);
    checks::non_empty(
        issues,
        &base.key("repository"),
        &img.repository,
        "an image repository such as wso2is-km",
    );
    checks::non_empty(
        issues,
        &base.key("tag"),
        &img.tag,
        "an image tag such as 7.1.0",
    );
    // with build off the chart pulls registry/repository:tag as it is; the name kmpilot gives
    // the image it builds is then an image nobody built (ImagePullBackOff on a real cluster)
    let built_name = crate::profile::sections::is_image::IsImage::default();
    if !img.build && img.registry == built_name.registry && img.repository == built_name.repository
    {
        issues.warn(
            &base.key("build"),
            format!(
                "with build off the IS pods pull `{}`, the name of the image kmpilot builds: nothing builds it now, so they cannot start (ImagePullBackOff)",
                img.image_ref()
            ),
            Some("registry, repository and tag of an image that exists (one built before, with the notification handler jar), or build: true"),
        );
    }
    if img.build {
        checks::non_empty(
            issues,
            &base.key("base"),
            &img.base,
            "a base image such as wso2/wso2is:7.1.0",
        );
        let v = &img.notification_handler;
        if v.is_empty()
            || !v
                .split('.')
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        {
            issues.error(
                &base.key("notificationHandler"),
                format!("`{v}` is not a jar version"),
                Some("a version such as 2.0.5"),
                Some("the versions are listed under org/wso2/km/ext/wso2is/wso2is.notification.event.handlers on maven.wso2.org"),
            );
        }
        if let Some(line) = crate::chart_lines::apim(&p.api_manager.chart_version)
            && !v.is_empty()
            && *v != line.notification_handler
            && img.jar_url.is_none()
        {
            issues.warn(
                &base.key("notificationHandler"),
                format!(
                    "API-M {} pairs with notification handler {} (its pattern-6 documentation), not {v}",
                    line.product, line.notification_handler
                ),
                Some(line.notification_handler),
            );
        }
        if let Some(u) = &img.jar_url {
            checks::url(issues, &base.key("jarUrl"), u);
        }
        if !img.push && !img.registry.starts_with("localhost") {
            issues.warn(
                &base.key("push"),
                "the image is built but not pushed; the cluster can only pull it if its nodes share the local Docker image store",
                Some("set push: true, or load the image into kind/minikube yourself"),
            );
        }
    }
}

pub fn dockerfile(p: &Profile) -> String {
    let img = &p.identity_server.image;
    format!(
        "{header}FROM {base}\n\n\
         ARG USER=wso2carbon\n\
         ARG USER_HOME=/home/${{USER}}\n\
         ARG WSO2_SERVER_NAME=wso2is\n\
         ARG WSO2_SERVER_VERSION={version}\n\
         ARG WSO2_SERVER=${{WSO2_SERVER_NAME}}-${{WSO2_SERVER_VERSION}}\n\
         ARG WSO2_SERVER_HOME=${{USER_HOME}}/${{WSO2_SERVER}}\n\n\
         # The notification event handler lets IS tell API-M about revoked tokens.\n\
         # The trailing slash makes ADD keep the jar's name inside dropins/.\n\
         ADD --chown=wso2carbon:wso2 {url} ${{WSO2_SERVER_HOME}}/repository/components/dropins/\n",
        header = render::header("#", &p.name),
        base = img.base,
        version = img.server_version,
        url = img.jar_url(),
    )
}

pub fn plan(p: &Profile, artifacts: &mut Vec<Artifact>) -> Option<Step> {
    let img = &p.identity_server.image;
    if !img.build {
        return None;
    }
    let path = "is-image/Dockerfile".to_string();
    artifacts.push(Artifact {
        path: path.clone(),
        kind: ArtifactKind::Dockerfile,
        content: dockerfile(p),
    });
    let image = img.image_ref();
    let mut actions = vec![
        Action::WriteFile {
            artifact: path.clone(),
        },
        Action::Run(
            Command::new("docker", ["build", "-t", &image, "-f", &path, "is-image"])
                .with_timeout(1800),
        ),
    ];
    actions.extend(delivery_actions(p, &image));
    Some(Step::new(StepId::IsImage, actions))
}

/// How the built image reaches the nodes (see `cluster_kind::Delivery`).
fn delivery_actions(p: &Profile, image: &str) -> Vec<Action> {
    let img = &p.identity_server.image;
    let kind = p.cluster.kind;
    let push = || {
        if img.push {
            vec![Action::Run(
                Command::new("docker", ["push", image]).with_timeout(1800),
            )]
        } else {
            vec![]
        }
    };
    match img.delivery {
        Delivery::Push => push(),
        Delivery::Shared => vec![Action::Note {
            text: format!(
                "{image} stays in the Docker engine the {kind} cluster shares; pulled with IfNotPresent"
            ),
        }],
        Delivery::Load => {
            match cluster_kind::load_command(kind, p.cluster.name.as_deref(), image) {
                Some(cmd) => vec![Action::Run(
                    Command::new(&cmd[0], &cmd[1..]).with_timeout(1800),
                )],
                None if kind == ClusterKind::Auto => vec![Action::Note {
                    text: format!(
                        "load {image} into the cluster (decided at apply: kind load docker-image, minikube image load or k3d image import, by the cluster's kind)"
                    ),
                }],
                None => vec![Action::Note {
                    text: format!(
                        "a {kind} cluster has no image-load command: set identityServer.image.delivery: push and a registry its nodes can pull from"
                    ),
                }],
            }
        }
        Delivery::Auto => {
            let mut v = vec![Action::Note {
                text: format!(
                    "identityServer.image.delivery: auto (decided at apply: load {image} into kind/minikube/k3d, nothing for Docker Desktop/OrbStack/Rancher Desktop, docker push otherwise)"
                ),
            }];
            if kind != ClusterKind::Auto {
                // the kind is pinned: decide now
                let mut q = p.clone();
                q.identity_server.image.delivery = cluster_kind::delivery_for(kind);
                v = delivery_actions(&q, image);
            }
            v
        }
    }
}

/// The wizard's fields for this step.
pub fn form(_p: &Profile) -> Vec<super::form::Field> {
    use super::form::{Field, path};
    let b = ["identityServer", "image"];
    let at = |k: &str| path(&[b[0], b[1], k]);
    vec![
        Field::bool(
            "Build image",
            at("build"),
            "build and push an IS image with the notification handler jar; no = the chart pulls registry/repository:tag below as it is",
            |p| p.identity_server.image.build,
            |p, v| p.identity_server.image.build = v,
        ),
        Field::text(
            "Base image",
            at("base"),
            "Docker Hub's wso2/wso2is needs no subscription; docker.wso2.com does",
            |p| p.identity_server.image.base.clone(),
            |p, v| p.identity_server.image.base = v,
        ),
        Field::text(
            "Notification handler",
            at("notificationHandler"),
            "version of wso2is.notification.event.handlers (token revocation to API-M)",
            |p| p.identity_server.image.notification_handler.clone(),
            |p, v| p.identity_server.image.notification_handler = v,
        ),
        Field::opt_text(
            "Jar URL",
            at("jarUrl"),
            "where the jar is downloaded from; derived from the version when empty",
            |p| p.identity_server.image.jar_url.clone(),
            |p, v| p.identity_server.image.jar_url = v,
        )
        .with_default("(derived from the version)"),
        Field::text(
            "Server version",
            at("serverVersion"),
            "IS version inside the image; names its home directory",
            |p| p.identity_server.image.server_version.clone(),
            |p, v| p.identity_server.image.server_version = v,
        ),
        Field::text(
            "Registry",
            at("registry"),
            "registry the image is pushed to and pulled from",
            |p| p.identity_server.image.registry.clone(),
            |p, v| p.identity_server.image.registry = v,
        ),
        Field::text(
            "Repository",
            at("repository"),
            "image repository within the registry",
            |p| p.identity_server.image.repository.clone(),
            |p, v| p.identity_server.image.repository = v,
        ),
        Field::text(
            "Tag",
            at("tag"),
            "image tag",
            |p| p.identity_server.image.tag.clone(),
            |p, v| p.identity_server.image.tag = v,
        ),
        Field::enum_choice(
            "Delivery",
            at("delivery"),
            "auto: kind/minikube/k3d load the image, Docker Desktop/OrbStack share it, else push",
            &["auto", "push", "load", "shared"],
            |p| p.identity_server.image.delivery,
            |p, v| p.identity_server.image.delivery = v,
        ),
        Field::bool(
            "Push",
            at("push"),
            "push after building when the delivery is push",
            |p| p.identity_server.image.push,
            |p, v| p.identity_server.image.push = v,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handler_of_another_line_is_named_with_the_line_s_own() {
        let mut p = Profile::quickstart("t");
        p.api_manager.chart_version = "4.7.0-1".into();
        p.identity_server.image.notification_handler = "2.0.5".into();
        let mut i = Issues::default();
        validate(&p, &mut i);
        let w: Vec<_> = i
            .list
            .iter()
            .filter(|x| x.path.to_string() == "identityServer.image.notificationHandler")
            .collect();
        assert_eq!(w.len(), 1, "{:?}", i.list);
        assert!(
            !w[0].is_error()
                && w[0]
                    .message
                    .contains("API-M 4.7.0 pairs with notification handler 2.1.3")
        );
        p.identity_server.image.notification_handler = "2.1.3".into();
        let mut i = Issues::default();
        validate(&p, &mut i);
        assert!(
            i.list
                .iter()
                .all(|x| x.path.to_string() != "identityServer.image.notificationHandler")
        );
    }
}
