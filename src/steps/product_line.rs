//! The product line: which API-M release line (`chart_lines::APIM_LINES`) a profile deploys.
//! Choosing one re-derives everything that follows from it — the API-M chart version and image
//! tag, the IS base image and the notification-handler jar — in one place, which the wizard's
//! first screen and the tests call.

use std::sync::LazyLock;

use crate::chart_lines::{self, ApimLine};
use crate::profile::Profile;

/// `"4.7"` for the 4.7 line.
pub fn name(line: &ApimLine) -> String {
    format!("{}.{}", line.minor.0, line.minor.1)
}

/// The lines the wizard offers, newest first (`4.7`, `4.6`, `4.5`).
static NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
    chart_lines::APIM_LINES
        .iter()
        .rev()
        .map(|l| name(l))
        .collect()
});

pub fn names() -> Vec<&'static str> {
    NAMES.iter().map(String::as_str).collect()
}

/// The line `name` (`"4.6"`) names.
pub fn by_name(name: &str) -> Option<&'static ApimLine> {
    chart_lines::APIM_LINES
        .iter()
        .copied()
        .find(|l| self::name(l) == name.trim())
}

/// The profile's line, if kmpilot knows its API-M chart version.
pub fn of(p: &Profile) -> Option<&'static ApimLine> {
    chart_lines::apim(&p.api_manager.chart_version)
}

/// Moves `p` onto `line`: the newest chart version read for it, the line's API-M image (a
/// digest pins one image of the old line, so it goes), the IS base image and the
/// notification-handler version its pattern-6 documentation uses (a jar URL pinned the old
/// version, so it goes too). The registry, repositories and everything else stay.
pub fn choose(p: &mut Profile, line: &ApimLine) {
    let a = &mut p.api_manager;
    a.chart_version = line.chart_version.into();
    a.image.tag = line.image_tag.into();
    a.image.digest = None;
    let img = &mut p.identity_server.image;
    img.base = line.is_base_image.into();
    img.notification_handler = line.notification_handler.into();
    img.jar_url = None;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choosing_a_line_re_derives_what_follows_from_it() {
        let mut p = Profile::quickstart("t");
        p.api_manager.image.digest = Some("sha256:abc".into());
        p.identity_server.image.jar_url = Some("https://example/h-2.0.5.jar".into());
        choose(&mut p, by_name("4.6").unwrap());
        assert_eq!(p.api_manager.chart_version, "4.6.0-5");
        assert_eq!(p.api_manager.image.tag, "4.6.0");
        assert_eq!(p.api_manager.image.digest, None);
        assert_eq!(p.identity_server.image.notification_handler, "2.0.8");
        assert_eq!(p.identity_server.image.jar_url, None);
        assert_eq!(of(&p).unwrap().product, "4.6.0");
        choose(&mut p, by_name("4.7").unwrap());
        assert_eq!(
            (
                p.api_manager.chart_version.as_str(),
                p.identity_server.image.notification_handler.as_str()
            ),
            ("4.7.0-1", "2.1.3")
        );
        choose(&mut p, by_name("4.5").unwrap());
        assert_eq!(p.identity_server.image.notification_handler, "2.0.5");
        assert_eq!(names(), ["4.7", "4.6", "4.5"]);
    }
}
