//! The pieces of the wizard's state that `App` holds, each with the logic (and the drawing)
//! that needs only that piece, never the whole `App`: the run screen's model and its routes
//! pane, the Review's list and its background verification and diff, the Cluster step's live
//! checks.

pub mod cluster_step;
pub mod executor_question;
pub mod follows_profile;
pub mod review_diff;
pub mod review_journal;
pub mod review_state;
pub mod review_verify;
pub mod routes_pane;
pub mod run_state;
