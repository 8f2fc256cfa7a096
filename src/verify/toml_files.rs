//! Every `.toml` file a chart renders into a ConfigMap must parse: WSO2 servers refuse to start
//! on invalid TOML, and the commonest way there is a table declared twice — once by the
//! chart's template, once by the user's `extraToml`.

use super::finding::{Finding, Level, label};
use super::render::Rendered;
use crate::plan::verify_spec::{ChartKind, Expect};

/// One rendered TOML file.
#[derive(Debug, Clone)]
pub struct TomlFile {
    /// `ConfigMap/name`.
    pub object: String,
    /// The data key (file name), e.g. `deployment.toml`.
    pub file: String,
    pub text: String,
    /// `None` when it does not parse (a finding says why).
    pub table: Option<toml::Table>,
}

pub fn collect(expect: &Expect, r: &Rendered, out: &mut Vec<Finding>) -> Vec<TomlFile> {
    let mut files = Vec::new();
    for cm in r.of_kind("ConfigMap") {
        let Some(data) = cm["data"].as_object() else {
            continue;
        };
        for (file, text) in data {
            if !file.ends_with(".toml") {
                continue;
            }
            let text = text.as_str().unwrap_or_default().to_string();
            let object = label(cm);
            let table = match text.parse::<toml::Table>() {
                Ok(t) => Some(t),
                Err(e) => {
                    out.push(parse_finding(expect, &object, file, &text, &e));
                    None
                }
            };
            files.push(TomlFile {
                object,
                file: file.clone(),
                text,
                table,
            });
        }
    }
    if files.is_empty() {
        out.push(
            Finding::new(
                Level::Error,
                expect.chart,
                "toml",
                "(none)",
                "the chart renders no ConfigMap with a deployment.toml",
                chart_path(expect.chart),
            )
            .expected("a ConfigMap holding deployment.toml")
            .hint("is this the WSO2 chart? check the chart and its version"),
        );
    }
    files
}

fn chart_path(kind: ChartKind) -> &'static str {
    match kind {
        ChartKind::IdentityServer => "identityServer.chart",
        ChartKind::ApiManager => "apiManager.chart",
    }
}

/// Table headers (`[a.b]`, not `[[a.b]]`) with their 1-based line numbers.
pub fn table_headers(text: &str) -> Vec<(String, usize)> {
    let mut v = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with("[[") || !t.starts_with('[') {
            continue;
        }
        let Some(end) = t.find(']') else { continue };
        let name: String = t[1..end].chars().filter(|c| !c.is_whitespace()).collect();
        if !name.is_empty() {
            v.push((name, i + 1));
        }
    }
    v
}

fn parse_finding(
    expect: &Expect,
    object: &str,
    file: &str,
    text: &str,
    e: &toml::de::Error,
) -> Finding {
    let user: Vec<String> = table_headers(&expect.extra_toml)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    // a table declared twice: name it, and say whether the user's extraToml is the second
    let headers = table_headers(text);
    for (i, (name, line)) in headers.iter().enumerate() {
        if let Some((_, first)) = headers[..i].iter().find(|(n, _)| n == name) {
            let from_user = user.contains(name);
            let f = Finding::new(
                Level::Error,
                expect.chart,
                "toml",
                object,
                format!(
                    "table [{name}] is declared twice (lines {first} and {line}); TOML forbids it and the server would not start"
                ),
                if from_user {
                    expect.extra_toml_path.clone()
                } else {
                    chart_path(expect.chart).to_string()
                },
            )
            .file(file)
            .key(format!("[{name}]"))
            .expected("each table declared once");
            return if from_user {
                f.hint(format!(
                    "the chart's own deployment.toml already declares [{name}]; remove it from {} (set those keys through the chart's values, or choose another table)",
                    expect.extra_toml_path
                ))
            } else {
                f.hint("the chart renders this twice by itself: try another chart version")
            };
        }
    }
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
    let fix = if expect.extra_toml.trim().is_empty() {
        chart_path(expect.chart).to_string()
    } else {
        expect.extra_toml_path.clone()
    };
    Finding::new(
        Level::Error,
        expect.chart,
        "toml",
        object,
        format!(
            "not valid TOML{}: {}",
            line.map(|l| format!(" at line {l}")).unwrap_or_default(),
            e.message()
        ),
        fix,
    )
    .file(file)
    .expected("a deployment.toml that parses")
}

/// The value at a dotted path of a parsed table.
pub fn get<'a>(t: &'a toml::Table, path: &[&str]) -> Option<&'a toml::Value> {
    let (first, rest) = path.split_first()?;
    let mut cur = t.get(*first)?;
    for p in rest {
        cur = cur.as_table()?.get(*p)?;
    }
    Some(cur)
}
