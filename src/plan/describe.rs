//! How actions read to a person: one line each for progress and lists, and the full detail
//! (command line, manifest, artifact, masked secret overlay) for `kmpilot plan`.

use super::{Action, AddressSource, Check, Plan, SecretOverlay, SecretSource, SecretValue, Wait};
use crate::profile::secret::MASK;
use crate::render;

fn ctx(c: &Option<String>) -> String {
    c.as_deref()
        .map(|c| format!(" [context {c}]"))
        .unwrap_or_default()
}

impl Action {
    /// The verb column of a plan listing.
    pub fn verb(&self) -> &'static str {
        match self {
            Action::Check(_) => "check",
            Action::Run(_) => "run",
            Action::Apply(_) => "apply",
            Action::CreateSecret(_) => "secret",
            Action::WriteFile { .. } => "write",
            Action::Wait(_) => "wait",
            Action::GenerateKeystores(_) => "keys",
            Action::RegisterKeyManager(_) => "http",
            Action::ProveKeyManager(_) => "prove",
            Action::Http(_) => "http",
            Action::UpdateHosts(_) => "hosts",
            Action::MergeContainerMgt(_) => "merge",
            Action::RestartPods(_) => "restart",
            Action::Verify(_) => "verify",
            Action::Note { .. } => "note",
            Action::RecoverRelease(_) => "recover",
            Action::Undo(_) => "remove",
            Action::SaveOriginal(_) => "save",
        }
    }

    pub fn summary(&self) -> String {
        match self {
            // the docker check also asks its daemon (`exec::actions`): the title says both, so a
            // failure under it never reads "✗ docker is installed" above "docker is installed"
            Action::Check(Check::Tool { name }) if name == "docker" => {
                "docker is installed and its daemon answers".into()
            }
            Action::Check(Check::Tool { name }) => format!("{name} is installed"),
            Action::Check(Check::ClusterReachable { context }) => match context {
                Some(c) => format!("cluster of context {c} answers"),
                None => "cluster of the current context answers".into(),
            },
            Action::Check(Check::IngressController { class }) => {
                format!("ingress class `{class}` exists (NGINX ingress controller)")
            }
            Action::Check(Check::GatewayApi(g)) => match &g.class {
                Some(class) => format!(
                    "GatewayClass `{class}` exists and its controller implements BackendTLSPolicy{}",
                    ctx(&g.context)
                ),
                None => format!(
                    "Gateway {}/{} exists and its class's controller implements BackendTLSPolicy{}",
                    g.namespace,
                    g.gateway,
                    ctx(&g.context)
                ),
            },
            Action::Check(Check::SecretsStoreCsiDriver { context }) => {
                format!("Secrets Store CSI driver is installed{}", ctx(context))
            }
            Action::Check(Check::ServedKinds {
                context,
                purpose,
                kinds,
            }) => format!(
                "{purpose}: the cluster serves {}{}",
                kinds
                    .iter()
                    .map(|k| k.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                ctx(context)
            ),
            Action::Check(Check::ClusterKind { context, .. }) => {
                format!(
                    "what kind of cluster this is and what to adapt{}",
                    ctx(context)
                )
            }
            Action::Check(Check::Capacity(c)) => format!(
                "the nodes have room for {}{}",
                c.pods
                    .iter()
                    .map(|p| format!(
                        "{} ({} CPU / {})",
                        p.name,
                        super::cluster_checks::cpu_text(p.cpu_milli),
                        super::cluster_checks::mem_text(p.memory_bytes)
                    ))
                    .collect::<Vec<_>>()
                    .join(" + "),
                ctx(&c.context)
            ),
            Action::Note { text } => text.clone(),
            Action::Run(c) => {
                let mut s = c.command_line();
                if c.stdin.is_some() {
                    s.push_str("  < secret values");
                }
                if let Some(f) = &c.stdout_to {
                    s.push_str(&format!("  > {f}"));
                }
                s
            }
            Action::Apply(m) => format!("{}{}", m.title, ctx(&m.context)),
            Action::CreateSecret(s) => format!(
                "Secret {}/{} ({}; keys: {}){}",
                s.namespace,
                s.name,
                s.secret_type,
                s.data
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                ctx(&s.context)
            ),
            Action::WriteFile { artifact } => artifact.clone(),
            Action::Wait(w) => match w {
                Wait::DeploymentAvailable {
                    namespace,
                    name,
                    timeout_secs,
                    context,
                } => {
                    format!(
                        "deployment {namespace}/{name} available (≤ {timeout_secs}s){}",
                        ctx(context)
                    )
                }
                Wait::IngressAddress {
                    namespace,
                    host,
                    timeout_secs,
                    context,
                } => {
                    format!(
                        "ingress for {host} in {namespace} has an address (≤ {timeout_secs}s){}",
                        ctx(context)
                    )
                }
                Wait::GatewayAddress {
                    namespace,
                    name,
                    timeout_secs,
                    context,
                } => {
                    format!(
                        "Gateway {namespace}/{name} has an address (≤ {timeout_secs}s){}",
                        ctx(context)
                    )
                }
                Wait::SecretKey {
                    namespace,
                    name,
                    key,
                    timeout_secs,
                    context,
                } => {
                    format!(
                        "secret {namespace}/{name} has `{key}` (≤ {timeout_secs}s){}",
                        ctx(context)
                    )
                }
            },
            Action::GenerateKeystores(s) => format!(
                "RSA-{} keys and certificates for API-M and IS, {} days, in {}/ (store password {})",
                s.key_size, s.validity_days, s.out_dir, s.store_password
            ),
            Action::RegisterKeyManager(r) => format!(
                "register key manager `{}` at {} (DCR, password grant, list, then PUT or POST){}{}",
                r.name,
                r.key_managers_url,
                if r.tls.insecure {
                    "  [TLS NOT VERIFIED]"
                } else {
                    ""
                },
                fallback(r.apim_route.as_ref())
            ),
            Action::ProveKeyManager(p) => format!(
                "prove key manager `{}`: publish {} {} (backend {}), subscribe application {} with keys from IS, GET {} with IS's token → 200, revoke at IS → 401 within {} s; then remove the API and the application{}",
                p.key_manager,
                p.api.name,
                p.api.version,
                p.api.backend_url,
                p.api.application,
                p.invoke_url(),
                p.revocation_seconds,
                if p.tls.insecure {
                    "  [TLS NOT VERIFIED]"
                } else {
                    ""
                }
            ),
            Action::Http(h) => format!(
                "{} {} — {}{}{}",
                h.method,
                h.url,
                h.purpose,
                if h.tls.insecure {
                    "  [TLS NOT VERIFIED]"
                } else {
                    ""
                },
                fallback(h.via.as_ref())
            ),
            Action::UpdateHosts(h) => {
                let addr = match &h.address {
                    AddressSource::Fixed(a) => a.clone(),
                    AddressSource::Ingress { host, .. } => {
                        format!("<address of the ingress for {host}>")
                    }
                    AddressSource::Gateway { name, .. } => {
                        format!("<address of Gateway {name}>")
                    }
                };
                if h.print_only {
                    format!("print: {addr} {}", h.hostnames.join(" "))
                } else {
                    format!("{}: {addr} {}", h.file.display(), h.hostnames.join(" "))
                }
            }
            Action::MergeContainerMgt(m) => format!(
                "{} cluster(s) into {}",
                m.clusters.len(),
                m.source_display()
            ),
            Action::RestartPods(r) => format!(
                "pods {}/{}-* replaced and ready{}",
                r.namespace,
                r.name_prefix,
                ctx(&r.context)
            ),
            Action::Verify(v) => format!(
                "helm template {} {} {} with the install's values; check deployment.toml, keystores, hostnames, ingress, images{}",
                v.render.release,
                v.render.chart,
                v.render.version,
                if v.peer.is_some() {
                    ", and the revocation listener against the API-M chart"
                } else {
                    ""
                }
            ),
            Action::RecoverRelease(r) => format!(
                "helm release {}/{} not left pending by an interrupted run (rolled back or removed, when you agree)",
                r.namespace, r.release
            ),
            Action::Undo(u) => u.summary(),
            Action::SaveOriginal(o) => format!(
                "Deployment {}/{} as it is, into ConfigMap {} (once; destroy restores it){}",
                o.namespace,
                o.name,
                o.config_map,
                ctx(&o.context)
            ),
        }
    }

    /// Everything the action will send or write, secrets masked.
    pub fn detail(&self, plan: &Plan) -> Option<String> {
        match self {
            Action::Run(c) => c.stdin.as_ref().map(|o| {
                format!(
                    "# standard input (secret values masked)\n{}",
                    masked_overlay(o)
                )
            }),
            Action::Apply(m) => Some(render::yaml(&m.object)),
            Action::WriteFile { artifact } => plan.artifact(artifact).map(|a| a.content.clone()),
            Action::CreateSecret(s) => Some(
                s.data
                    .iter()
                    .map(|(k, v)| match v {
                        SecretSource::Plain(v) => format!("{k}: {v}"),
                        SecretSource::Ref { secret, .. } => format!("{k}: {MASK} (from {secret})"),
                        SecretSource::WorkFile(f) => format!("{k}: <file {f}>"),
                        SecretSource::Kept {
                            secret: Some(secret),
                            ..
                        } => format!(
                            "{k}: {MASK} (kept from the cluster; else from {secret})"
                        ),
                        SecretSource::Kept { hex_chars, .. } => format!(
                            "{k}: {MASK} (kept from the cluster; else {hex_chars} random hex characters)"
                        ),
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
                    + "\n",
            ),
            Action::RegisterKeyManager(r) => Some(format!(
                "POST {dcr}   (Basic {user}:{MASK})\nPOST {token}   grant_type=password scope={scopes}\nGET  {km}\nPUT  {km}/<id>  or  POST {km}\n# body\n{body}",
                dcr = r.dcr_url,
                user = r.admin.username,
                token = r.token_url,
                scopes = super::key_manager::TOKEN_SCOPES,
                km = r.key_managers_url,
                body = render::json_pretty(&r.body),
            )),
            Action::MergeContainerMgt(m) => plan.artifact(&m.output).map(|a| a.content.clone()),
            Action::Verify(v) => Some(format!(
                "# expected in the rendered chart\n{}",
                render::yaml(&v.expect)
            )),
            _ => None,
        }
    }
}

/// The overlay as YAML with every value masked (and encrypted ones marked).
pub fn masked_overlay(o: &SecretOverlay) -> String {
    let mut root = serde_json::json!({});
    for e in &o.entries {
        let shown = match &e.value {
            SecretValue::Ref(s) => format!("{MASK} ({s})"),
            SecretValue::VaultEncrypted { secret, cipher } => {
                format!("<{cipher:?} ciphertext of {secret}>")
            }
        };
        set_path(&mut root, &e.path, serde_json::Value::String(shown));
    }
    render::yaml(&root)
}

pub fn set_path(root: &mut serde_json::Value, path: &[String], v: serde_json::Value) {
    let mut cur = root;
    for (i, seg) in path.iter().enumerate() {
        if !cur.is_object() {
            *cur = serde_json::json!({});
        }
        let obj = cur.as_object_mut().expect("made an object above");
        if i + 1 == path.len() {
            obj.insert(seg.clone(), v);
            return;
        }
        cur = obj
            .entry(seg.clone())
            .or_insert_with(|| serde_json::json!({}));
    }
}

/// `kmpilot plan` text output.
pub fn text(plan: &Plan, with_details: bool) -> String {
    let mut s = format!(
        "Plan for profile `{}`: {} steps\n",
        plan.profile,
        plan.steps.len()
    );
    s.push_str(&format!(
        "Order (steps of one level may run side by side): {}\n",
        levels_text(plan)
    ));
    for (i, step) in plan.steps.iter().enumerate() {
        s.push_str(&format!(
            "\n{:>2}. {} — {} ({})\n",
            i + 1,
            step.id.as_str(),
            step.title,
            plan.needs_text(step.id)
        ));
        for a in &step.actions {
            s.push_str(&format!("    {:<8} {}\n", a.verb(), a.summary()));
            if with_details && let Some(d) = a.detail(plan) {
                for line in d.lines() {
                    s.push_str("             │ ");
                    s.push_str(line);
                    s.push('\n');
                }
            }
        }
    }
    s.push_str("\nWhen it is done:\n");
    for u in &plan.console_urls {
        s.push_str(&format!("    {:<16} {}\n", u.name, u.url));
    }
    s
}

/// `1) prerequisites · 2) is-image, keystores · …`: the plan's levels on one line.
pub fn levels_text(plan: &Plan) -> String {
    plan.levels()
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let names: Vec<&str> = l.iter().map(|s| s.as_str()).collect();
            format!("{}) {}", i + 1, names.join(", "))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The route a call takes when its host does not resolve where kmpilot runs.
fn fallback(via: Option<&super::key_manager::ServiceRoute>) -> String {
    via.map(|v| format!("; if the name does not resolve here: {}", v.describe()))
        .unwrap_or_default()
}

impl super::destroy::Undo {
    /// One line: what goes, if kmpilot proves it created it.
    pub fn summary(&self) -> String {
        use super::destroy::Undo;
        match self {
            Undo::Delete(r) => format!("{r}, if kmpilot created it"),
            Undo::DeleteNamespace(r) => {
                format!("{r}, if kmpilot created it and nothing else is in it")
            }
            Undo::Uninstall(r) => format!(
                "helm release {}/{}, if kmpilot installed it{}",
                r.namespace,
                r.release,
                ctx(&r.context())
            ),
            Undo::Hosts { file, print_only } => {
                if *print_only {
                    "the hosts block kmpilot printed (nothing was written)".into()
                } else {
                    format!("the profile's block in {}", file.display())
                }
            }
            Undo::ContainerMgt(m) => format!(
                "{} cluster(s) kmpilot merged, out of {}",
                m.clusters.len(),
                m.source_display()
            ),
            Undo::KeyManager(r) => format!(
                "key manager `{}` at {}, if kmpilot registered it (Admin REST API DELETE){}",
                r.name,
                r.key_managers_url,
                fallback(r.apim_route.as_ref())
            ),
            Undo::ForgetApply => "apply's journal (the next apply runs every step again)".into(),
            Undo::Restore(o) => format!(
                "Deployment {}/{} restored from ConfigMap {}{}",
                o.namespace,
                o.name,
                o.config_map,
                ctx(&o.context)
            ),
        }
    }
}
