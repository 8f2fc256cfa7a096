//! How the run screen's log says whose each line is: steps run side by side, so their lines
//! interleave. Each line carries its step's name (dim) unless the log shows one step only
//! (`f` cycles through the steps, then back to all).

use ratatui::text::{Line, Span};

use crate::tui::app::App;
use crate::tui::state::run_state::LogLine;

/// `line`, behind its step's name when the log shows every step.
pub fn tagged<'a>(app: &App, l: &LogLine, line: Line<'a>) -> Line<'a> {
    if app.run.log_step.is_some() {
        return line;
    }
    let mut spans = vec![Span::styled(
        format!("{:<width$} ", l.step.as_str(), width = TAG_WIDTH),
        app.theme.dim(),
    )];
    spans.extend(line.spans);
    Line::from(spans)
}

/// Wide enough for `identity-server`, so the lines' own text starts in one column.
const TAG_WIDTH: usize = 15;

/// The log pane's title says which step it shows.
pub fn title(app: &App, title: &mut String) {
    if let Some(s) = app.run.log_step {
        title.push_str(&format!(" · step {} (f: next)", s.as_str()));
    }
}
