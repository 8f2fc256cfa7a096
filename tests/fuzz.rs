//! A malformed profile never panics the loader, whatever the bytes. proptest mutates the example
//! profiles (deletions, insertions, swapped lines) and also feeds arbitrary text.

use kmpilot::profile::load;
use proptest::prelude::*;

const QUICKSTART: &str = include_str!("../profiles/quickstart.yaml");
const PRIVATEJET: &str = include_str!("../profiles/privatejet.yaml");

fn mutate(base: &str, at: usize, len: usize, insert: &str) -> String {
    let chars: Vec<char> = base.chars().collect();
    let at = at % (chars.len() + 1);
    let end = (at + len).min(chars.len());
    let mut s: String = chars[..at].iter().collect();
    s.push_str(insert);
    s.extend(&chars[end..]);
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn mutated_profiles_never_panic(at in 0usize..4000, len in 0usize..40, insert in "[ :\\-\\[\\]{}#'\"a-z0-9\n\t]{0,12}", which in 0u8..2) {
        let base = if which == 0 { QUICKSTART } else { PRIVATEJET };
        let text = mutate(base, at, len, &insert);
        match load::from_str(&text, kmpilot::steps::validate) {
            Ok(_) => {}
            Err(e) => {
                // every failure explains itself
                prop_assert!(!e.issues().is_empty());
                for i in e.issues() {
                    prop_assert!(!i.message.is_empty());
                }
            }
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let _ = load::from_str(&text, kmpilot::steps::validate);
    }
}
