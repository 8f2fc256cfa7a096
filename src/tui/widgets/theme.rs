//! Styles. With `NO_COLOR` every style carries modifiers only (bold, reversed, dim…), never a
//! colour, so the screen stays readable and no colour escape is written.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub no_color: bool,
}

impl Theme {
    pub fn new(no_color: bool) -> Self {
        Theme { no_color }
    }

    /// `NO_COLOR` set to anything non-empty (no-color.org).
    pub fn from_env() -> Self {
        Theme::new(std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()))
    }

    fn fg(&self, c: Color) -> Style {
        if self.no_color {
            Style::default()
        } else {
            Style::default().fg(c)
        }
    }

    pub fn base(&self) -> Style {
        Style::default()
    }
    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        if self.no_color {
            Style::default().add_modifier(Modifier::DIM)
        } else {
            Style::default().fg(Color::DarkGray)
        }
    }
    pub fn label(&self) -> Style {
        self.fg(Color::Gray)
    }
    pub fn value(&self) -> Style {
        self.fg(Color::White)
    }
    pub fn selected(&self) -> Style {
        if self.no_color {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        }
    }
    /// Selected while the other pane has the focus.
    pub fn selected_unfocused(&self) -> Style {
        if self.no_color {
            Style::default().add_modifier(Modifier::UNDERLINED)
        } else {
            Style::default().bg(Color::DarkGray).fg(Color::White)
        }
    }
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }
    pub fn running(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn key(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    pub fn border(&self) -> Style {
        self.fg(Color::DarkGray)
    }
    pub fn border_focused(&self) -> Style {
        self.fg(Color::Cyan)
    }
    pub fn highlight(&self) -> Style {
        if self.no_color {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().bg(Color::Yellow).fg(Color::Black)
        }
    }
    /// A text field being typed into.
    pub fn input(&self) -> Style {
        if self.no_color {
            Style::default().add_modifier(Modifier::UNDERLINED)
        } else {
            Style::default().fg(Color::White).bg(Color::Black)
        }
    }
    pub fn modified(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
}
