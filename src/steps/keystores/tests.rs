use super::*;

#[test]
fn dname_forms() {
    assert!(parse_dname("CN=*.wso2.com, OU=MS, O=WSO2, L=Colombo, ST=Colombo, C=LK").is_ok());
    assert!(parse_dname("OU=MS").unwrap_err().contains("CN"));
    assert!(
        parse_dname("CN=a, C=LKA")
            .unwrap_err()
            .contains("two-letter")
    );
    assert!(parse_dname("CN=a, X=b").unwrap_err().contains("unknown"));
}
