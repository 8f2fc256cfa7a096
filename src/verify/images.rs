//! The server container runs the image the profile names (the IS image kmpilot builds, when
//! it builds one).

use super::finding::{Finding, Level, label};
use super::input::Input;

pub fn check(i: &Input<'_>, out: &mut Vec<Finding>) {
    let e = i.expect;
    let mut seen = false;
    for w in i.rendered.workloads() {
        let containers = w["spec"]["template"]["spec"]["containers"].as_array();
        for c in containers.into_iter().flatten() {
            if c["name"].as_str() != Some(e.container.as_str()) {
                continue;
            }
            seen = true;
            let image = c["image"].as_str().unwrap_or_default();
            if image != e.image {
                out.push(
                    Finding::new(
                        Level::Error,
                        e.chart,
                        "image",
                        label(w),
                        format!("container `{}` runs `{image}`", e.container),
                        &e.image_path,
                    )
                    .key(format!(
                        "spec.template.spec.containers[{}].image",
                        e.container
                    ))
                    .expected(format!("`{}`", e.image)),
                );
            }
        }
    }
    if !seen {
        out.push(
            Finding::new(
                Level::Error,
                e.chart,
                "image",
                "(none)",
                format!("no workload has a container named `{}`", e.container),
                &e.image_path,
            )
            .expected(format!("a Deployment running `{}`", e.image)),
        );
    }
}
