//! The Cluster & prerequisites step's live parts: the kubeconfig context picker and the
//! preflight results (every check the plan will run, run now, each with its fix-it). State,
//! update and view of this feature live together here; the rest of the wizard only routes
//! messages and keys to it.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::app::{App, Modal, Screen, WizardStep};
use super::msg::Cmd;
use super::theme::Theme;
use crate::exec::preflight::{CheckOutcome, CheckStatus};
use crate::kube::KubeContexts;
use crate::steps::form::Value;

/// The last preflight and whether a newer one is under way.
#[derive(Debug, Default)]
pub struct Preflight {
    /// What the results (or the running check) are for; a different key means stale.
    pub key: Option<String>,
    pub generation: u64,
    pub running: bool,
    pub results: Vec<CheckOutcome>,
}

impl Preflight {
    pub fn failures(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.status == CheckStatus::Failed)
            .count()
    }
}

/// What decides the outcome of the checks: the kubeconfig and the checks themselves (tools,
/// context, ingress class, CSI driver). Anything else may change without a new preflight.
pub fn preflight_key(app: &App) -> String {
    let plan = crate::steps::plan(&app.profile);
    // the capacity check reads the namespace only to leave out the releases' own pods on a
    // re-run: typing a namespace does not re-check
    let checks: Vec<_> = crate::exec::preflight::checks(&plan)
        .into_iter()
        .map(|(s, c)| match c {
            crate::plan::Check::Capacity(mut spec) => {
                spec.namespace.clear();
                (s, crate::plan::Check::Capacity(spec))
            }
            c => (s, c),
        })
        .collect();
    format!("{:?}|{:?}", app.profile.cluster.kubeconfig, checks)
}

/// Starts a preflight when the Cluster step is on screen and its results are stale (or
/// `force`: the user asked to check again).
pub fn maybe_start(app: &mut App, force: bool) -> Option<Cmd> {
    if app.screen != Screen::Wizard || app.wizard_step() != WizardStep::Cluster {
        return None;
    }
    if app.editing.is_some() || app.modal.is_some() {
        return None;
    }
    let key = preflight_key(app);
    if !force && app.preflight.key.as_deref() == Some(key.as_str()) {
        return None;
    }
    app.preflight.key = Some(key);
    app.preflight.generation += 1;
    app.preflight.running = true;
    Some(Cmd::Preflight {
        generation: app.preflight.generation,
        profile: Box::new(app.profile.clone()),
        profile_path: app.profile_path.clone(),
    })
}

pub fn on_results(app: &mut App, generation: u64, results: Vec<CheckOutcome>) {
    if generation != app.preflight.generation {
        return; // an older check finished after a newer one started
    }
    app.preflight.running = false;
    app.preflight.results = results;
    // on the last field the results below it come into view as they arrive, without pulling
    // the view back up from where the user scrolled to (End twice)
    let before = app.form_scroll;
    super::form_nav::ensure_field_visible(app);
    app.form_scroll = app
        .form_scroll
        .max(before.min(super::form_nav::form_bottom(app)));
}

/// Rows the Cluster step's form shows below its fields. A failure's message and fix-it are
/// wrapped to the form's width: they are what the user has to read in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckLine {
    Header,
    /// Nothing checked yet (first run in progress).
    Pending,
    Outcome(usize),
    /// A wrapped piece of a failure's message, or of its fix-it (`fix` on the first piece).
    Text {
        text: String,
        fix: bool,
        first: bool,
    },
}

/// The cluster-kind check's detail (kind, ingress, AppArmor) is read in full, like a
/// failure's message, not cut at the end of its line.
fn detail_wraps(r: &CheckOutcome) -> bool {
    r.status == CheckStatus::Ok && r.summary.starts_with("what kind of cluster")
}

pub fn check_lines(app: &App) -> Vec<CheckLine> {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let width = (super::layout::wizard(area, false).list.width as usize).max(20);
    let mut v = vec![CheckLine::Header];
    if app.preflight.results.is_empty() {
        v.push(CheckLine::Pending);
    }
    for (i, r) in app.preflight.results.iter().enumerate() {
        v.push(CheckLine::Outcome(i));
        if r.status != CheckStatus::Failed && !detail_wraps(r) {
            continue;
        }
        // "    " + text, and "    fix: " + text
        for (k, piece) in wrap(&r.detail, width - 4).into_iter().enumerate() {
            v.push(CheckLine::Text {
                text: piece,
                fix: false,
                first: k == 0,
            });
        }
        if let Some(fix) = &r.fix {
            for (k, piece) in wrap(fix, width - 9).into_iter().enumerate() {
                v.push(CheckLine::Text {
                    text: piece,
                    fix: true,
                    first: k == 0,
                });
            }
        }
    }
    v
}

/// Splits `s` into pieces of at most `w` characters, at spaces where there is one.
fn wrap(s: &str, w: usize) -> Vec<String> {
    let w = w.max(8);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let mut word = word.to_string();
        loop {
            let len = line.chars().count();
            let need = word.chars().count() + usize::from(len > 0);
            if len + need <= w {
                if len > 0 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if len > 0 {
                out.push(std::mem::take(&mut line));
                continue;
            }
            // a word longer than the line: cut it
            let head: String = word.chars().take(w).collect();
            word = word.chars().skip(w).collect();
            out.push(head);
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

pub fn draw_check_line(app: &App, line: &CheckLine) -> Line<'static> {
    let t = &app.theme;
    let p = &app.preflight;
    match line {
        CheckLine::Header => {
            let state = if p.running {
                "checking…".to_string()
            } else if p.results.is_empty() {
                String::new()
            } else {
                match p.failures() {
                    0 => "all passed".to_string(),
                    n => format!("{n} failing"),
                }
            };
            Line::from(vec![
                Span::styled("── Prerequisites  ", t.title()),
                Span::styled(state, if p.failures() > 0 { t.error() } else { t.dim() }),
                Span::styled("  (c checks again)", t.dim()),
            ])
        }
        CheckLine::Pending => Line::from(Span::styled(
            if p.running {
                "  checking the cluster and tools…"
            } else {
                "  not checked yet"
            },
            t.dim(),
        )),
        CheckLine::Outcome(i) => {
            let r = &p.results[*i];
            let mut spans = vec![
                Span::raw("  "),
                glyph(r.status, t),
                Span::raw(" "),
                Span::raw(r.summary.clone()),
            ];
            if r.status != CheckStatus::Failed && !r.detail.is_empty() && !detail_wraps(r) {
                spans.push(Span::styled(format!(" — {}", r.detail), t.dim()));
            }
            Line::from(spans)
        }
        CheckLine::Text { text, fix, first } => {
            let lead = match (fix, first) {
                (true, true) => Span::styled("    fix: ", t.warn()),
                (true, false) => Span::raw("         "),
                _ => Span::raw("    "),
            };
            let body = if *fix {
                Span::raw(text.clone())
            } else {
                Span::styled(text.clone(), t.error())
            };
            Line::from(vec![lead, body])
        }
    }
}

/// The context picker: the kubeconfig's contexts, "(unset)" first.
pub struct ContextPicker {
    /// The field the choice goes into.
    pub field: usize,
    pub loaded: Option<Result<KubeContexts, String>>,
    /// 0 is "leave empty"; `i + 1` is context `i`.
    pub selected: usize,
}

impl ContextPicker {
    fn len(&self) -> usize {
        1 + match &self.loaded {
            Some(Ok(l)) => l.contexts.len(),
            _ => 0,
        }
    }
}

pub fn open_picker(app: &mut App) -> Option<Cmd> {
    app.modal = Some(Modal::ContextPicker(ContextPicker {
        field: app.field,
        loaded: None,
        selected: 0,
    }));
    Some(Cmd::LoadContexts {
        kubeconfig: app.profile.cluster.kubeconfig.clone(),
    })
}

pub fn on_contexts(app: &mut App, r: Result<KubeContexts, String>) {
    let current = app
        .fields
        .get(app.field)
        .map(|f| f.get(&app.profile).text().to_string())
        .unwrap_or_default();
    if let Some(Modal::ContextPicker(p)) = &mut app.modal {
        p.selected = match &r {
            Ok(l) => l
                .contexts
                .iter()
                .position(|c| c.name == current)
                .map_or(0, |i| i + 1),
            Err(_) => 0,
        };
        p.loaded = Some(r);
    }
}

/// Keys of the open picker; returns whether the user wants to type the name instead.
pub fn on_picker_key(app: &mut App, k: KeyEvent) -> PickerOutcome {
    let Some(Modal::ContextPicker(p)) = &mut app.modal else {
        return PickerOutcome::Open;
    };
    let n = p.len();
    match k.code {
        KeyCode::Up | KeyCode::Char('k') => p.selected = p.selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => p.selected = (p.selected + 1).min(n - 1),
        KeyCode::Home => p.selected = 0,
        KeyCode::End => p.selected = n - 1,
        KeyCode::Esc => {
            app.modal = None;
            return PickerOutcome::Closed;
        }
        KeyCode::Char('e') => {
            app.modal = None;
            return PickerOutcome::TypeByHand;
        }
        KeyCode::Enter => {
            let name = match (&p.loaded, p.selected) {
                (_, 0) => String::new(),
                (Some(Ok(l)), i) => l.contexts[i - 1].name.clone(),
                _ => return PickerOutcome::Open,
            };
            let field = p.field;
            app.modal = None;
            if let Some(f) = app.fields.get(field).cloned() {
                let _ = f.set(&mut app.profile, Value::Text(name.clone()));
                app.revalidate();
                app.status = Some((
                    if name.is_empty() {
                        format!("{}: the default", f.label)
                    } else {
                        format!("{}: {name}", f.label)
                    },
                    false,
                ));
            }
            return PickerOutcome::Closed;
        }
        _ => {}
    }
    PickerOutcome::Open
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerOutcome {
    Open,
    Closed,
    TypeByHand,
}

pub fn draw_picker(app: &App, p: &ContextPicker, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let default = app
        .fields
        .get(p.field)
        .and_then(|f| f.default.clone())
        .unwrap_or_else(|| "(current context)".into());
    let mut lines: Vec<Line> = Vec::new();
    let mut items: Vec<(String, String)> = vec![(default, "leave empty".into())];
    match &p.loaded {
        None => lines.push(Line::from(Span::styled("reading the kubeconfig…", t.dim()))),
        Some(Err(e)) => {
            lines.push(Line::from(Span::styled(e.clone(), t.error())));
            lines.push(Line::from(Span::styled(
                "set Kubeconfig (or KUBECONFIG), or press e and type the name",
                t.dim(),
            )));
        }
        Some(Ok(l)) => {
            lines.push(Line::from(vec![
                Span::styled("from ", t.dim()),
                Span::raw(l.source.clone()),
            ]));
            for c in &l.contexts {
                let mut about = c.server.clone();
                if let Some(ns) = &c.namespace {
                    about.push_str(&format!("  ns {ns}"));
                }
                if l.current.as_deref() == Some(c.name.as_str()) {
                    about.push_str("  (current)");
                }
                items.push((c.name.clone(), about));
            }
        }
    }
    lines.push(Line::from(""));
    let w = items
        .iter()
        .map(|i| i.0.chars().count())
        .max()
        .unwrap_or(10);
    // a long kubeconfig: the window of rows around the selection that fits the screen
    let rows = (area.height as usize)
        .saturating_sub(lines.len() + 6)
        .max(3);
    let first = p.selected.saturating_sub(rows - 1);
    for (i, (name, about)) in items.iter().enumerate().skip(first).take(rows) {
        lines.push(super::widgets::pick_row(t, i == p.selected, name, w, about));
    }
    lines.push(Line::from(""));
    lines.push(super::widgets::key_line(
        t,
        &[
            ("↑↓", "choose"),
            ("Enter", "use"),
            ("e", "type a name"),
            ("Esc", "cancel"),
        ],
    ));
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = super::widgets::centered(area, 76, h);
    super::widgets::dialog(&app.theme, f, r, "Kubeconfig context", lines);
}

fn glyph(status: CheckStatus, t: &Theme) -> Span<'static> {
    match status {
        CheckStatus::Ok => Span::styled("✓", t.ok()),
        CheckStatus::Failed => Span::styled("✗", t.error()),
        CheckStatus::Skipped => Span::styled("-", t.dim()),
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_breaks_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("a bb ccc dddd", 8), ["a bb ccc", "dddd"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(
            wrap("see https://kubernetes.github.io/ingress-nginx now", 12),
            [
                "see",
                "https://kube",
                "rnetes.githu",
                "b.io/ingress",
                "-nginx now"
            ]
        );
        for piece in wrap(&"word ".repeat(50), 17) {
            assert!(piece.chars().count() <= 17, "{piece}");
        }
    }
}
