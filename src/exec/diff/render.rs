//! The diff as text (terraform plan / kubectl diff style: `+` created, `~` changed, `-`
//! removed, one block per step) or JSON. Colours only when asked for (NO_COLOR, --no-color,
//! not a terminal turn them off).

use super::report::{Change, DiffReport, Item, Op};

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn op(&self, op: Op, s: &str) -> String {
        match op {
            Op::Add => self.wrap("32", s),
            Op::Remove => self.wrap("31", s),
            Op::Secret => self.wrap("33", s),
            Op::Hunk => self.wrap("36", s),
            Op::Context => s.to_string(),
        }
    }
}

/// The sign and words of an item's change.
fn head(i: &Item) -> (&'static str, &'static str) {
    match i.change {
        Change::Create => ("+", "to be created"),
        Change::Update => ("~", "to be changed"),
        Change::None => ("=", "no changes"),
        Change::NotCompared => ("?", "not compared"),
        Change::Error => ("!", "could not compare"),
    }
}

pub fn text(r: &DiffReport, color: bool) -> String {
    let p = Paint { on: color };
    let mut s = format!(
        "kmpilot diff: profile `{}` against the live cluster\n",
        r.profile
    );
    if let Some(e) = &r.error {
        s.push_str(&p.wrap("31", &format!("\n! nothing compared: {e}\n")));
        return s;
    }
    for (n, step) in r.steps.iter().enumerate() {
        if step.items.is_empty() {
            continue;
        }
        s.push_str(&format!(
            "\n{}\n",
            p.wrap(
                "1",
                &format!("{}. {} — {}", n + 1, step.step.as_str(), step.title)
            )
        ));
        let same = step
            .items
            .iter()
            .filter(|i| i.change == Change::None)
            .count();
        for i in step.items.iter().filter(|i| i.change != Change::None) {
            let (sign, words) = head(i);
            let code = match i.change {
                Change::Create => "32",
                Change::Update => "33",
                Change::Error => "31",
                _ => "2",
            };
            s.push_str(&format!(
                "  {}\n",
                p.wrap(code, &format!("{sign} {} ({words})", i.what))
            ));
            if let Some(d) = &i.detail {
                s.push_str(&format!("      {}\n", p.wrap("2", d)));
            }
            for l in &i.lines {
                let sign = match l.op {
                    Op::Add => "+ ",
                    Op::Remove => "- ",
                    Op::Secret => "~ ",
                    Op::Context => "  ",
                    Op::Hunk => "",
                };
                s.push_str(&format!(
                    "      {}\n",
                    p.op(l.op, &format!("{sign}{}", l.text))
                ));
            }
        }
        if same > 0 {
            s.push_str(&format!(
                "  {}\n",
                p.wrap("2", &format!("= {same} compared, unchanged"))
            ));
        }
    }
    let count = |c: Change| {
        r.steps
            .iter()
            .flat_map(|s| &s.items)
            .filter(|i| i.change == c)
            .count()
    };
    let steps = r.steps.iter().filter(|s| s.changes() > 0).count();
    s.push_str(&format!(
        "\n{} to create, {} to change in {steps} step(s); {} unchanged, {} not compared, {} could not be compared\n",
        count(Change::Create),
        count(Change::Update),
        count(Change::None),
        count(Change::NotCompared),
        count(Change::Error),
    ));
    s
}

pub fn json(r: &DiffReport) -> serde_json::Value {
    serde_json::json!({
        "profile": r.profile,
        "changes": r.changes(),
        "errors": r.errors(),
        "exitCode": r.exit_code(),
        "error": r.error,
        "steps": r.steps.iter().map(|s| serde_json::json!({
            "step": s.step,
            "title": s.title,
            "changes": s.changes(),
            "items": s.items,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::{DiffLine, StepDiff};
    use super::*;
    use crate::plan::StepId;

    #[test]
    fn text_reads_like_a_plan_and_colours_only_when_asked() {
        let r = DiffReport {
            profile: "p".into(),
            error: None,
            steps: vec![StepDiff {
                step: StepId::Keystores,
                title: "Keystores".into(),
                items: vec![
                    Item::new("secret", "Secret wso2/s", Change::Update)
                        .lines(vec![DiffLine::new(Op::Secret, "k: (secret) changed")]),
                    Item::new("secret", "Secret wso2/t", Change::None),
                ],
            }],
        };
        let t = text(&r, false);
        assert!(t.contains("1. keystores — Keystores"), "{t}");
        assert!(
            t.contains("  ~ Secret wso2/s (to be changed)\n      ~ k: (secret) changed"),
            "{t}"
        );
        assert!(t.contains("= 1 compared, unchanged"), "{t}");
        assert!(t.contains("0 to create, 1 to change in 1 step(s)"), "{t}");
        assert!(!t.contains('\x1b'));
        assert!(text(&r, true).contains("\x1b[33m"));
        assert_eq!(json(&r)["exitCode"], 1);
    }
}
