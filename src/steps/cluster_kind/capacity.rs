//! Whether both WSO2 pods fit on the nodes: their requests against what the nodes have left.

use crate::plan::cluster_checks::{PodNeed, cpu_text, mem_text};

use super::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fit {
    pub fits: bool,
    /// `pod → node` for each pod that found room.
    pub placements: Vec<(String, String)>,
    /// The numbers: what is needed, what each node has left.
    pub report: String,
}

/// Whether the pods fit on the schedulable nodes as the scheduler counts it (allocatable
/// minus the requests of pods already bound), first-fit from the largest pod. Pods in
/// `own_namespace` whose names start with one of `own_prefixes` are left out of "already
/// requested": an upgrade replaces them.
pub fn fit(
    f: &ClusterFacts,
    needs: &[PodNeed],
    own_namespace: &str,
    own_prefixes: &[String],
) -> Fit {
    let own = |ns: &str, name: &str| {
        ns == own_namespace && own_prefixes.iter().any(|p| name.starts_with(p.as_str()))
    };
    let mut free: Vec<(String, i64, i64, String)> = Vec::new();
    let mut skipped = Vec::new();
    for n in &f.nodes {
        if !n.ready || n.unschedulable || !n.taints.is_empty() {
            skipped.push(format!(
                "{} ({})",
                n.name,
                if !n.ready {
                    "not Ready".to_string()
                } else if n.unschedulable {
                    "cordoned".to_string()
                } else {
                    format!("taint {}", n.taints.join(","))
                }
            ));
            continue;
        }
        let (oc, om) = n
            .pods
            .iter()
            .filter(|p| own(&p.namespace, &p.name))
            .fold((0, 0), |(a, b), p| (a + p.cpu_milli, b + p.memory_bytes));
        let cpu = n.cpu_milli - (n.requested_cpu_milli - oc);
        let mem = n.memory_bytes - (n.requested_memory_bytes - om);
        free.push((
            n.name.clone(),
            cpu,
            mem,
            format!(
                "{}: {} CPU / {} free of {} / {}",
                n.name,
                cpu_text(cpu.max(0)),
                mem_text(mem.max(0)),
                cpu_text(n.cpu_milli),
                mem_text(n.memory_bytes)
            ),
        ));
    }
    let mut order: Vec<&PodNeed> = needs.iter().collect();
    order.sort_by_key(|p| std::cmp::Reverse((p.cpu_milli, p.memory_bytes)));
    let mut placements = Vec::new();
    let mut left: Vec<(String, i64, i64)> = free
        .iter()
        .map(|(n, c, m, _)| (n.clone(), *c, *m))
        .collect();
    let mut missing = Vec::new();
    for p in order {
        match left
            .iter_mut()
            .find(|(_, c, m)| *c >= p.cpu_milli && *m >= p.memory_bytes)
        {
            Some((node, c, m)) => {
                *c -= p.cpu_milli;
                *m -= p.memory_bytes;
                placements.push((p.name.clone(), node.clone()));
            }
            None => missing.push(p.name.clone()),
        }
    }
    let need_cpu: i64 = needs.iter().map(|p| p.cpu_milli).sum();
    let need_mem: i64 = needs.iter().map(|p| p.memory_bytes).sum();
    let mut report = format!(
        "needed: {} ({} CPU / {} in all); left on the nodes: {}",
        needs
            .iter()
            .map(|p| format!(
                "{} {} CPU / {}",
                p.name,
                cpu_text(p.cpu_milli),
                mem_text(p.memory_bytes)
            ))
            .collect::<Vec<_>>()
            .join(", "),
        cpu_text(need_cpu),
        mem_text(need_mem),
        if free.is_empty() {
            "no schedulable node".to_string()
        } else {
            free.iter()
                .map(|x| x.3.clone())
                .collect::<Vec<_>>()
                .join("; ")
        }
    );
    if !skipped.is_empty() {
        report.push_str(&format!("; not counted: {}", skipped.join(", ")));
    }
    if !missing.is_empty() {
        report.push_str(&format!("; no room for {}", missing.join(", ")));
    }
    Fit {
        fits: missing.is_empty(),
        placements,
        report,
    }
}
