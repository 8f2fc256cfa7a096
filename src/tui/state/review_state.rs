//! The Review & run step's list: the plan's steps and actions, its artifacts and console URLs,
//! one row each, with the selection and the preview of the selected row (secrets masked).

use std::sync::Arc;

use crate::plan::Plan;

/// One row of the review list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewRow {
    Header(String),
    /// Step index, action index.
    Action(usize, usize),
    ArtifactsHeader,
    Artifact(usize),
    UrlsHeader,
    Url(usize),
}

#[derive(Default)]
pub struct ReviewState {
    pub plan: Option<Arc<Plan>>,
    pub rows: Vec<ReviewRow>,
    pub selected: usize,
    pub scroll: usize,
    pub preview_scroll: usize,
}

impl ReviewState {
    pub fn build(plan: Arc<Plan>) -> Self {
        let mut rows = Vec::new();
        for (si, s) in plan.steps.iter().enumerate() {
            rows.push(ReviewRow::Header(format!(
                "{:>2}. {} — {} ({})",
                si + 1,
                s.id.as_str(),
                s.title,
                plan.needs_text(s.id)
            )));
            for ai in 0..s.actions.len() {
                rows.push(ReviewRow::Action(si, ai));
            }
        }
        rows.push(ReviewRow::ArtifactsHeader);
        for i in 0..plan.artifacts.len() {
            rows.push(ReviewRow::Artifact(i));
        }
        rows.push(ReviewRow::UrlsHeader);
        for i in 0..plan.console_urls.len() {
            rows.push(ReviewRow::Url(i));
        }
        let selected = rows
            .iter()
            .position(|r| !matches!(r, ReviewRow::Header(_)))
            .unwrap_or(0);
        ReviewState {
            plan: Some(plan),
            rows,
            selected,
            scroll: 0,
            preview_scroll: 0,
        }
    }

    /// The preview text of the selected row: the action's detail (secrets masked) or the
    /// artifact's content.
    pub fn preview(&self) -> (String, String) {
        let Some(plan) = &self.plan else {
            return (String::new(), String::new());
        };
        match self.rows.get(self.selected) {
            Some(ReviewRow::Action(si, ai)) => {
                let a = &plan.steps[*si].actions[*ai];
                let title = format!("{} {}", a.verb(), plan.steps[*si].id.as_str());
                let body = a
                    .detail(plan)
                    .unwrap_or_else(|| format!("{}\n\n(nothing more to show)", a.summary()));
                (title, body)
            }
            Some(ReviewRow::Artifact(i)) => {
                let a = &plan.artifacts[*i];
                (a.path.clone(), a.content.clone())
            }
            Some(ReviewRow::Url(i)) => {
                let u = &plan.console_urls[*i];
                (u.name.clone(), u.url.clone())
            }
            _ => (String::new(), String::new()),
        }
    }
}
