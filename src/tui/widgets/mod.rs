//! Drawing pieces every screen and dialog shares: styles, blocks, one-line text inputs.
pub mod blocks;
pub mod text_input;
pub mod theme;
