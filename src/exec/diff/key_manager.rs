//! The key-manager registration against what API-M holds (Admin REST API): the body `apply`
//! would PUT (discovery's values applied, as in `apply`) against the key manager of that name,
//! only the fields kmpilot's body sets; the connector password compared by hash and shown as
//! a mask.

use serde_json::Value;

use super::fields::Fields;
use super::report::{Change, DiffLine, Item, Op};
use crate::exec::ctx::Ctx;
use crate::plan::key_manager::Registration;
use crate::profile::secret::MASK;

const KIND: &str = "key-manager";

pub(super) async fn compare(ctx: &mut Ctx<'_>, r: &Registration) -> Item {
    let what = format!("key manager {} at {}", r.name, r.key_managers_url);
    let admin =
        crate::exec::key_manager_actions::admin_password(ctx.secrets, r).map(str::to_string);
    let Some(admin) = admin else {
        return Item::new(KIND, what, Change::NotCompared).detail(format!(
            "the API-M admin password is not available: {}",
            crate::exec::secrets::unavailable(
                &r.admin.password,
                r.admin.password.shell_var("APIM_ADMIN_PASSWORD")
            )
        ));
    };
    let connector = crate::exec::key_manager_actions::connector_password(ctx.secrets, r)
        .map(|p| super::report::digest(p.as_bytes()));
    let (reach, forward) = match crate::exec::key_manager_actions::route(
        ctx,
        &r.key_managers_url,
        r.apim_route.as_ref(),
    )
    .await
    {
        Ok(x) => x,
        Err(f) => return Item::error(KIND, what, f.error),
    };
    let live = crate::http::registered_via(r, &ctx.opts.work_dir, &admin, &reach, &mut |line| {
        tracing::debug!("diff: {line}")
    })
    .await;
    drop(forward);
    let live = match live {
        Ok(l) => l,
        Err(e) => return Item::error(KIND, what, ctx.secrets.scrub(&e.message())),
    };
    let mut desired = r.body.clone();
    if let Some(d) = &ctx.discovered {
        crate::http::key_manager::discover::apply_to_body(&mut desired, d);
    }
    let Some(live) = live else {
        let shown = with_password(desired, MASK);
        return Item::new(KIND, what, Change::Create).lines(
            crate::render::yaml(&shown)
                .lines()
                .map(|l| DiffLine::new(Op::Add, l))
                .collect(),
        );
    };
    let mut live = live;
    crate::steps::key_manager::read_as_connector(&desired, &mut live);
    let (old, new, password_changed) = compared(&desired, &live, connector);
    let mut lines = super::report::unified(&crate::render::yaml(&old), &crate::render::yaml(&new));
    if password_changed {
        lines.push(DiffLine::new(
            Op::Secret,
            "additionalProperties.Password: (secret) changed",
        ));
    }
    let change = if lines.is_empty() {
        Change::None
    } else {
        Change::Update
    };
    Item::new(KIND, what, change).lines(lines)
}

/// `(live, desired)` cut down to the fields kmpilot's body sets, the password masked in both,
/// and whether the password differs (by hash; a password API-M returns masked is not
/// compared).
pub(super) fn compared(
    desired: &Value,
    live: &Value,
    connector: Option<[u8; 32]>,
) -> (Value, Value, bool) {
    let fields = Fields::of_manifest(&with_password(desired.clone(), MASK));
    let live_pw = live
        .pointer("/additionalProperties/Password")
        .and_then(Value::as_str);
    let changed = match (live_pw, connector) {
        (Some(p), Some(want)) if !p.chars().all(|c| c == '*') => {
            super::report::digest(p.as_bytes()) != want
        }
        _ => false,
    };
    let old = fields
        .project(&with_password(live.clone(), MASK))
        .unwrap_or(Value::Null);
    let new = fields
        .project(&with_password(desired.clone(), MASK))
        .unwrap_or(Value::Null);
    (old, new, changed)
}

fn with_password(mut body: Value, shown: &str) -> Value {
    if let Some(ap) = body
        .get_mut("additionalProperties")
        .and_then(Value::as_object_mut)
        && ap.contains_key("Password")
    {
        ap.insert("Password".into(), Value::String(shown.into()));
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_password_is_compared_by_hash_and_never_shown() {
        let desired = json!({"name":"KM","issuer":"https://is.new/oauth2/token","additionalProperties":{"Username":"admin","Password":""}});
        let live = json!({"id":"1","name":"KM","issuer":"https://is.old/oauth2/token","additionalProperties":{"Username":"admin","Password":"live-secret-pw"}});
        let (old, new, changed) = compared(
            &desired,
            &live,
            Some(super::super::report::digest(b"new-secret-pw")),
        );
        assert!(changed);
        let text = format!("{old}{new}");
        assert!(!text.contains("live-secret-pw") && !text.contains("new-secret-pw"));
        assert!(old.get("id").is_none(), "only the fields kmpilot sets");
        assert_ne!(old["issuer"], new["issuer"]);
        let (_, _, changed) = compared(
            &desired,
            &live,
            Some(super::super::report::digest(b"live-secret-pw")),
        );
        assert!(!changed);
        let masked = json!({"name":"KM","additionalProperties":{"Password":"*****"}});
        assert!(!compared(&desired, &masked, Some([0; 32])).2);
    }
}
