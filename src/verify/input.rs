//! What a check reads: the plan's expectations, the chart's rendering, its peer's, the
//! TOML files the rendering carries.

use super::finding::Finding;
use super::render::Rendered;
use super::toml_files;
use crate::plan::verify_spec::Expect;

/// What a check reads.
pub struct Input<'a> {
    pub expect: &'a Expect,
    pub rendered: &'a Rendered,
    /// The peer chart's rendering, when it rendered.
    pub peer: Option<&'a Rendered>,
    pub tomls: &'a [toml_files::TomlFile],
}

pub type CheckFn = fn(&Input<'_>, &mut Vec<Finding>);
