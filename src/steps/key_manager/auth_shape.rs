//! Where the IS 7 connector's credentials sit in `additionalProperties`, per API-M line
//! (`chart_lines::ApimLine::km_auth_shape`), and how a registration API-M holds is read in
//! either shape.
//!
//! Connector 2.0.4 (API-M 4.5) declares `Username` and `Password` as required connection
//! fields. From 2.0.7/2.0.8 (API-M 4.6, 4.7) they are the `BasicAuth` choice of an
//! `Authentication` dropdown (`BasicAuth` | `MutualTLS`), which the 4.6/4.7 Admin Portal
//! stores beside them; a configuration without `Authentication` is still accepted and read as
//! `BasicAuth` (`WSO2IS7ConnectorConfiguration.processConnectorConfigurations`,
//! apim-km-wso2is v2.0.8).

use serde_json::{Map, Value};

use crate::chart_lines::{self, KmAuthShape};
use crate::profile::Profile;

pub const AUTHENTICATION: &str = "Authentication";
pub const BASIC_AUTH: &str = "BasicAuth";

/// The shape the profile's API-M line stores. A chart version kmpilot knows no line for keeps
/// the flat shape, which every connector version accepts.
pub fn auth_shape(p: &Profile) -> KmAuthShape {
    chart_lines::apim(&p.api_manager.chart_version)
        .map(|l| l.km_auth_shape)
        .unwrap_or(KmAuthShape::Flat)
}

/// The connector's credential fields, in the order the line's Admin Portal stores them.
pub fn credentials(shape: KmAuthShape, username: &str, password: &str) -> Map<String, Value> {
    let mut m = Map::new();
    if shape == KmAuthShape::BasicAuth {
        m.insert(AUTHENTICATION.into(), Value::String(BASIC_AUTH.into()));
    }
    m.insert("Username".into(), Value::String(username.into()));
    m.insert("Password".into(), Value::String(password.into()));
    m
}

/// `live` as the connector of `desired`'s line reads it: when kmpilot sends
/// `Authentication: BasicAuth` and API-M holds a registration without the key (stored in the
/// flat shape, by kmpilot on 4.5 or by hand), the connector reads it as `BasicAuth`, so the
/// two are the same registration and no difference is reported.
pub fn read_as_connector(desired: &Value, live: &mut Value) {
    let wants_basic = desired
        .pointer("/additionalProperties/Authentication")
        .and_then(Value::as_str)
        == Some(BASIC_AUTH);
    if !wants_basic {
        return;
    }
    if let Some(ap) = live
        .get_mut("additionalProperties")
        .and_then(Value::as_object_mut)
        && !ap.contains_key(AUTHENTICATION)
    {
        ap.insert(AUTHENTICATION.into(), Value::String(BASIC_AUTH.into()));
    }
}
