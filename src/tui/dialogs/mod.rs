//! The wizard's dialogs, one file each: a dialog owns its state, its keys and its drawing, and
//! knows nothing of the wizard around it (it decides on a key and says what it decided).

pub mod ask_dialog;
pub mod confirm_run;
pub mod context_picker;
pub mod destroy_dialog;
pub mod detail;
pub mod log_search;
pub mod multiline_editor;
pub mod open_profile;
pub mod private_jet_clusters;
pub mod quit_guard;
pub mod save_as;
pub mod secret_editor;
pub mod secret_prompt;
pub mod step_failed;
