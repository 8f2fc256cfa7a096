//! The wizard's dialogs, one file each: a dialog owns its state, its keys and its drawing, and
//! knows nothing of the wizard around it (it reads a `dialog::Ctx` and answers with
//! `dialog::Effect`s). A new dialog is its file, its `mod` line and its line in `dialogs!`.

pub mod ask_dialog;
pub mod confirm_run;
pub mod context_picker;
pub mod destroy_dialog;
pub mod detail;
pub mod dialog;
pub mod help_overlay;
pub mod log_search;
pub mod multiline_editor;
pub mod open_profile;
pub mod private_jet_clusters;
pub mod quit_guard;
pub mod save_as;
pub mod secret_editor;
pub mod secret_prompt;
pub mod step_failed;

/// Declares `Modal`, the dialog in front, with one variant per dialog, and the one place that
/// turns a variant into its `Dialog`.
macro_rules! dialogs {
    ($($(#[$doc:meta])* $variant:ident($ty:ty),)*) => {
        /// The dialog in front of the wizard.
        pub enum Modal {
            $($(#[$doc])* $variant($ty),)*
        }

        impl Modal {
            pub fn dialog(&self) -> &dyn dialog::Dialog {
                match self {
                    $(Modal::$variant(d) => d,)*
                }
            }

            pub fn dialog_mut(&mut self) -> &mut dyn dialog::Dialog {
                match self {
                    $(Modal::$variant(d) => d,)*
                }
            }
        }
    };
}

dialogs! {
    /// `?`: every binding, scrolled.
    Help(help_overlay::HelpOverlay),
    /// Unsaved changes (or a running plan) when quitting.
    QuitGuard(quit_guard::QuitGuard),
    SaveAs(save_as::SaveAs),
    Secret(secret_editor::SecretEditor),
    MultiLine(multiline_editor::MultiLineEditor),
    ConfirmRun(confirm_run::ConfirmRun),
    ConfirmRemoveCluster(private_jet_clusters::RemoveCluster),
    StepFailed(step_failed::StepFailed),
    /// Typing a log search.
    Search(log_search::LogSearch),
    /// Ctrl-O: another profile.
    Open(open_profile::OpenDialog),
    /// The executor asks for a `prompt: true` secret.
    SecretPrompt(secret_prompt::SecretPrompt),
    /// The executor asks whether to go on (`exec::ask`).
    Ask(ask_dialog::AskDialog),
    /// Choosing a kubeconfig context for a context field.
    ContextPicker(context_picker::ContextPicker),
    /// `X`: destroy what kmpilot created (the profile's name typed to confirm).
    Destroy(destroy_dialog::DestroyDialog),
    /// Enter: what a pane cuts to fit, whole; `l`/`d`/`e`: a pod's logs, description, events.
    Detail(detail::Detail),
}
