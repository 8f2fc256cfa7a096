//! The files PrivateJet merges into on the API-M side: the [[ContainerMgtClusterConfig]] blocks of deployment.toml and the ContainerMgt infos of tenant-conf.json, run at execution time.

use crate::plan::container_mgt::ClusterEntry;

use super::*;

pub fn entries(p: &Profile) -> Vec<ClusterEntry> {
    p.private_jet
        .clusters
        .iter()
        .map(|c| ClusterEntry {
            cluster_type: c.cluster_type.clone(),
            cluster_name: c.name.clone(),
            display_name: c.display_name.clone(),
            replicas: c.replicas,
            access_url: c.access_url.clone(),
            master_url: c.master_url.clone(),
            context: c.context.clone(),
            namespace: c.namespace.clone(),
            token_secret: c.token_secret(),
            basic_cr: c
                .security
                .as_ref()
                .and_then(|s| s.basic.as_ref())
                .map(|b| b.name.clone()),
            oauth_cr: c
                .security
                .as_ref()
                .and_then(|s| s.oauth.as_ref())
                .map(|b| b.name.clone()),
            jwt_cr: c
                .security
                .as_ref()
                .and_then(|s| s.jwt.as_ref())
                .map(|b| b.name.clone()),
        })
        .collect()
}

/// Run-time values an entry is rendered with: the token and master URL the executor read.
pub struct Resolved<'a> {
    pub master_url: &'a str,
    pub sa_token: &'a str,
}

/// Merges the entries into an existing deployment.toml, keeping its comments and layout; an
/// entry with the same clusterName is updated in place.
pub fn merge_toml(
    existing: &str,
    entries: &[(ClusterEntry, Resolved)],
    custom_class: Option<&str>,
) -> Result<String, String> {
    use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};
    let mut doc: DocumentMut = existing
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    if !doc.contains_key("ContainerMgtClusterConfig") {
        doc.insert(
            "ContainerMgtClusterConfig",
            Item::ArrayOfTables(ArrayOfTables::new()),
        );
    }
    let arr = doc["ContainerMgtClusterConfig"]
        .as_array_of_tables_mut()
        .ok_or("ContainerMgtClusterConfig exists but is not an array of tables ([[...]])")?;
    for (e, r) in entries {
        let pos = arr
            .iter()
            .position(|t| t.get("clusterName").and_then(|v| v.as_str()) == Some(&e.cluster_name));
        let mut fresh = Table::new();
        let t: &mut Table = match pos {
            Some(i) => arr.get_mut(i).ok_or("index vanished")?,
            None => &mut fresh,
        };
        t["type"] = value(&e.cluster_type);
        t["clusterName"] = value(&e.cluster_name);
        t["displayName"] = value(&e.display_name);
        if !t.contains_key("properties") {
            let mut props = Table::new();
            props.set_dotted(true);
            t.insert("properties", Item::Table(props));
        }
        let props = t["properties"]
            .as_table_like_mut()
            .ok_or("properties is not a table")?;
        props.insert("Replicas", value(i64::from(e.replicas)));
        props.insert("AccessURL", value(&e.access_url));
        props.insert("MasterURL", value(r.master_url));
        props.insert("SAToken", value(r.sa_token));
        props.insert("Namespace", value(&e.namespace));
        for (k, v) in [
            ("BasicSecurityCustomResourceName", &e.basic_cr),
            ("OauthSecurityCustomResourceName", &e.oauth_cr),
            ("JWTSecurityCustomResourceName", &e.jwt_cr),
        ] {
            match v {
                Some(v) => {
                    props.insert(k, value(v));
                }
                None => {
                    props.remove(k);
                }
            }
        }
        if pos.is_none() {
            arr.push(fresh);
        }
    }
    if let Some(class) = custom_class {
        if !doc.contains_key("ContainerMgtConfig") {
            doc.insert("ContainerMgtConfig", Item::Table(Table::new()));
        }
        let types: Vec<String> = entries
            .iter()
            .map(|(e, _)| e.cluster_type.clone())
            .collect();
        let t = doc["ContainerMgtConfig"]
            .as_table_like_mut()
            .ok_or("ContainerMgtConfig is not a table")?;
        for ty in types {
            t.insert(&ty, value(class));
        }
    }
    Ok(doc.to_string())
}

/// Merges the entries into a tenant-conf.json document's `ContainerMgt` array.
pub fn merge_tenant_conf(
    existing: &str,
    entries: &[(ClusterEntry, Resolved)],
) -> Result<String, String> {
    let mut doc: Value = if existing.trim().is_empty() {
        json!({})
    } else {
        serde_json::from_str(existing).map_err(|e| e.to_string())?
    };
    let obj = doc
        .as_object_mut()
        .ok_or("tenant-conf.json is not a JSON object")?;
    let cm = obj.entry("ContainerMgt").or_insert_with(|| json!([]));
    let groups = cm.as_array_mut().ok_or("ContainerMgt is not an array")?;
    for (e, r) in entries {
        let gi = match groups
            .iter()
            .position(|g| g["Type"] == json!(e.cluster_type))
        {
            Some(i) => i,
            None => {
                groups.push(json!({"Type": e.cluster_type, "ContainerMgtInfo": []}));
                groups.len() - 1
            }
        };
        let infos = groups[gi]["ContainerMgtInfo"]
            .as_array_mut()
            .ok_or("ContainerMgtInfo is not an array")?;
        let mut props = json!({
            "MasterURL": r.master_url,
            "AccessURL": e.access_url,
            "SAToken": r.sa_token,
            "Namespace": e.namespace,
            "Replicas": e.replicas,
        });
        for (k, v) in [
            ("BasicSecurityCustomResourceName", &e.basic_cr),
            ("OauthSecurityCustomResourceName", &e.oauth_cr),
            ("JWTSecurityCustomResourceName", &e.jwt_cr),
        ] {
            if let Some(v) = v {
                props[k] = json!(v);
            }
        }
        let info = json!({"ClusterName": e.cluster_name, "DisplayName": e.display_name, "Properties": props});
        match infos
            .iter()
            .position(|i| i["ClusterName"] == json!(e.cluster_name))
        {
            Some(i) => infos[i] = info,
            None => infos.push(info),
        }
    }
    Ok(render::json_pretty(&doc))
}
