//! What kmpilot writes for a profile, as data: its JSON with every literal secret turned into
//! `prompt: true` (a literal is never written). Saving renders it whole (`save`) or replaces
//! the values that changed in the file it came from (`edit_in_place`).

use serde_json::Value;

use super::Profile;
use super::secret::MASK;

/// What kmpilot writes for `p`, as JSON (literal secrets become prompts), and the paths of
/// the literal secrets it replaced.
pub fn as_written(p: &Profile) -> Result<(Value, Vec<String>), serde_json::Error> {
    let mut v = serde_json::to_value(p)?;
    let mut replaced = Vec::new();
    drop_literals(&mut v, &mut String::new(), &mut replaced);
    Ok((v, replaced))
}

fn drop_literals(v: &mut Value, path: &mut String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if m.len() == 1 && m.get("literal") == Some(&Value::String(MASK.into())) {
                *v = serde_json::json!({"prompt": true});
                out.push(path.clone());
                return;
            }
            for (k, child) in m.iter_mut() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                drop_literals(child, path, out);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                drop_literals(child, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}
