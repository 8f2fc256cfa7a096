//! Which step may start now: the plan's dependency graph (`Plan::needs`) as a state machine
//! the executor drives. Pure, so the rules are tested without a cluster: a step starts once
//! everything upstream of it — what it needs, what that needs, and so on — is done or not part
//! of this run, at most `limit` at a time, in the plan's order; a failure blocks what is
//! downstream of it, and nothing else. Upstream, not only the direct needs: a resumed run
//! passes a step the journal has done, and what needs that step must still wait for the steps
//! before it that this run does execute (key-manager registration waits for the helm upgrades
//! even when DNS, between them, is passed).

use crate::plan::{Plan, StepId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Waiting,
    Running,
    Done,
    /// Not run in this run (not selected, done before, skipped by the person): counts as met.
    Passed,
    Failed,
    /// A need failed or was blocked: never starts in this run.
    Blocked,
}

#[derive(Debug)]
pub struct Schedule {
    ids: Vec<StepId>,
    needs: Vec<Vec<usize>>,
    /// Everything upstream of each step (its needs, theirs, …).
    upstream: Vec<Vec<usize>>,
    state: Vec<State>,
    limit: usize,
}

impl Schedule {
    pub fn new(plan: &Plan, limit: usize) -> Self {
        let ids: Vec<StepId> = plan.steps.iter().map(|s| s.id).collect();
        let needs: Vec<Vec<usize>> = ids
            .iter()
            .map(|&id| {
                plan.needs(id)
                    .iter()
                    .filter_map(|n| ids.iter().position(|x| x == n))
                    .collect()
            })
            .collect();
        let upstream = closure(&needs);
        Schedule {
            state: vec![State::Waiting; ids.len()],
            ids,
            needs,
            upstream,
            limit: limit.max(1),
        }
    }

    /// The steps upstream of `id`, in the plan's order.
    pub fn upstream(&self, id: StepId) -> Vec<StepId> {
        match self.at(id) {
            Some(i) => self.upstream[i].iter().map(|&u| self.ids[u]).collect(),
            None => Vec::new(),
        }
    }

    fn at(&self, id: StepId) -> Option<usize> {
        self.ids.iter().position(|&x| x == id)
    }

    pub fn state(&self, id: StepId) -> Option<State> {
        self.at(id).map(|i| self.state[i])
    }

    fn set(&mut self, id: StepId, s: State) {
        if let Some(i) = self.at(id) {
            self.state[i] = s;
        }
    }

    /// `id` is not run in this run; what needs it may start.
    pub fn pass(&mut self, id: StepId) {
        self.set(id, State::Passed);
    }

    pub fn started(&mut self, id: StepId) {
        self.set(id, State::Running);
    }

    pub fn finished(&mut self, id: StepId, ok: bool) {
        self.set(id, if ok { State::Done } else { State::Failed });
    }

    pub fn running(&self) -> usize {
        self.state.iter().filter(|s| **s == State::Running).count()
    }

    /// The next step to start, if one is ready and the bound allows: the first waiting step
    /// in the plan's order whose needs are all met.
    pub fn next(&self) -> Option<StepId> {
        if self.running() >= self.limit {
            return None;
        }
        (0..self.ids.len())
            .find(|&i| {
                self.state[i] == State::Waiting
                    && self.upstream[i]
                        .iter()
                        .all(|&n| matches!(self.state[n], State::Done | State::Passed))
            })
            .map(|i| self.ids[i])
    }

    /// Marks as blocked every waiting step with a failed or blocked need; returns each with
    /// the needs that stopped it, in the plan's order.
    pub fn block(&mut self) -> Vec<(StepId, Vec<StepId>)> {
        let mut out = Vec::new();
        loop {
            let stopped = |s: State| matches!(s, State::Failed | State::Blocked);
            let found = (0..self.ids.len()).find(|&i| {
                self.state[i] == State::Waiting
                    && self.upstream[i].iter().any(|&n| stopped(self.state[n]))
            });
            let Some(i) = found else {
                return out;
            };
            self.state[i] = State::Blocked;
            // the direct needs that stopped it; through a passed step, the ones further up
            let direct: Vec<StepId> = self.needs[i]
                .iter()
                .filter(|&&n| stopped(self.state[n]))
                .map(|&n| self.ids[n])
                .collect();
            let why = if direct.is_empty() {
                self.upstream[i]
                    .iter()
                    .filter(|&&n| stopped(self.state[n]))
                    .map(|&n| self.ids[n])
                    .collect()
            } else {
                direct
            };
            out.push((self.ids[i], why));
        }
    }

    /// Steps still waiting (a cancelled run leaves them so).
    pub fn waiting(&self) -> Vec<StepId> {
        (0..self.ids.len())
            .filter(|&i| self.state[i] == State::Waiting)
            .map(|i| self.ids[i])
            .collect()
    }

    /// Every step that ran or was passed succeeded, and none is left.
    pub fn all_ok(&self) -> bool {
        self.state
            .iter()
            .all(|s| matches!(s, State::Done | State::Passed))
    }
}

/// Each step's upstream: its needs and, transitively, theirs (sorted, without repeats).
fn closure(needs: &[Vec<usize>]) -> Vec<Vec<usize>> {
    (0..needs.len())
        .map(|i| {
            let mut seen = vec![false; needs.len()];
            let mut todo = needs[i].clone();
            while let Some(n) = todo.pop() {
                if n != i && !seen[n] {
                    seen[n] = true;
                    todo.extend(needs[n].iter().copied());
                }
            }
            (0..needs.len()).filter(|&n| seen[n]).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;
    use StepId::*;

    fn quickstart(limit: usize) -> Schedule {
        Schedule::new(&crate::steps::plan(&Profile::quickstart("q")), limit)
    }

    /// Starts whatever is ready; returns what started.
    fn start_all(s: &mut Schedule) -> Vec<StepId> {
        let mut v = Vec::new();
        while let Some(id) = s.next() {
            s.started(id);
            v.push(id);
        }
        v
    }

    #[test]
    fn independent_steps_start_together_within_the_bound() {
        let mut s = quickstart(3);
        assert_eq!(start_all(&mut s), [Prerequisites]);
        s.finished(Prerequisites, true);
        assert_eq!(start_all(&mut s), [IsImage, Keystores]);
        s.finished(Keystores, true);
        // API-M does not wait for the image
        assert_eq!(start_all(&mut s), [ApiManager]);
        s.finished(IsImage, true);
        assert_eq!(start_all(&mut s), [IdentityServer]);
        s.finished(ApiManager, true);
        assert!(start_all(&mut s).is_empty(), "DNS waits for IS");
        s.finished(IdentityServer, true);
        assert_eq!(start_all(&mut s), [Dns]);
        s.finished(Dns, true);
        assert_eq!(start_all(&mut s), [KeyManager]);
        s.finished(KeyManager, true);
        // the proof needs a registered key manager
        assert_eq!(start_all(&mut s), [Prove]);
        s.finished(Prove, true);
        assert!(s.all_ok());
    }

    #[test]
    fn a_bound_of_one_is_the_listed_order() {
        let plan = crate::steps::plan(&Profile::quickstart("q"));
        let mut s = Schedule::new(&plan, 1);
        let mut order = Vec::new();
        while let Some(id) = s.next() {
            s.started(id);
            assert!(s.next().is_none(), "one at a time");
            s.finished(id, true);
            order.push(id);
        }
        let listed: Vec<StepId> = plan.steps.iter().map(|s| s.id).collect();
        assert_eq!(order, listed);
    }

    #[test]
    fn a_failure_blocks_what_needs_it_and_nothing_else() {
        let mut s = quickstart(3);
        s.started(Prerequisites);
        s.finished(Prerequisites, true);
        start_all(&mut s);
        s.finished(IsImage, true);
        s.finished(Keystores, true);
        assert_eq!(start_all(&mut s), [IdentityServer, ApiManager]);
        s.finished(IdentityServer, false);
        assert_eq!(
            s.block(),
            [
                (Dns, vec![IdentityServer]),
                (KeyManager, vec![Dns]),
                (Prove, vec![KeyManager])
            ]
        );
        assert_eq!(s.state(ApiManager), Some(State::Running));
        s.finished(ApiManager, true);
        assert!(s.next().is_none());
        assert!(!s.all_ok());
    }

    /// A passed step between them does not let a step start beside what it needs upstream:
    /// with DNS passed (done before), key-manager still waits for IS, which runs again.
    #[test]
    fn a_step_waits_for_everything_upstream_this_run_executes() {
        let mut s = quickstart(3);
        for id in [Prerequisites, IsImage, Keystores, Dns] {
            s.pass(id);
        }
        assert_eq!(start_all(&mut s), [IdentityServer, ApiManager]);
        s.finished(ApiManager, true);
        assert!(start_all(&mut s).is_empty(), "key-manager waits for IS");
        s.finished(IdentityServer, false);
        assert_eq!(
            s.block(),
            [
                (KeyManager, vec![IdentityServer]),
                (Prove, vec![KeyManager])
            ]
        );
    }

    #[test]
    fn passed_steps_count_as_met() {
        let mut s = quickstart(3);
        for id in [Prerequisites, IsImage, Keystores, IdentityServer] {
            s.pass(id);
        }
        assert_eq!(start_all(&mut s), [ApiManager]);
    }
}
