//! What a chart's own `fail` means for the person who reads it: the charts stop rendering with
//! their own words (the API-M 4.7 chart without its symmetric encryption key); `verify` adds
//! which profile field decides it, so the refusal comes with its fix, before anything is
//! installed.

/// helm's last error line of a render that failed → the profile's side of it, if known.
pub fn explain(helm_error: &str) -> Option<String> {
    let e = helm_error.to_ascii_lowercase();
    if e.contains("encryption key is required") {
        return Some(
            "the API-M chart (4.7 and later) refuses to render without its symmetric encryption \
             key. kmpilot hands it over through the credentials Secret \
             (existingSecret.encryptionKeyKey) unless secureVault.enabled, where it selects the \
             keystore-based provider that needs none: fix: apiManager.encryptionKey (leave it \
             out to have kmpilot generate the key once), or the chart's values if they were \
             changed by hand"
                .into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_4_7_charts_refusal_names_the_profile_field() {
        let helm = "Error: execution error at (wso2am-all-in-one/templates/am/instance-1/wso2am-deployment.yaml:28:29): Encryption key is required for symmetric encryption. Configure one of: wso2.apim.configurations.encryption.key, …";
        let x = explain(helm).unwrap();
        assert!(x.contains("apiManager.encryptionKey"), "{x}");
        assert!(explain("Error: template: x: nil pointer").is_none());
    }
}
