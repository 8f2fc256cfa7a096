//! The wizard's three screens, drawn from the whole `App` and moved through by its keys: the
//! step form (`form_*`, with the Key manager step's discovery), Review & run (`review_*`) and
//! the run screen (`run_*`).

pub mod form_nav;
pub mod form_pane;
pub mod key_manager_discovery;
pub mod review_nav;
pub mod review_pane;
pub mod run_log;
pub mod run_nav;
pub mod run_screen;
