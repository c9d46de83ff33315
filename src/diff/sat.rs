//! A small CDCL satisfiability solver, the search core of `diff`
//! (docs/design/diff.md): two watched literals, first-UIP clause learning,
//! activity-ordered decisions with saved phases, and geometric restarts.
//! The formulas `diff` builds are small (a group's statements, resources
//! and value classes), so no clause is ever deleted.

/// A literal: variable `v` is `2v` (true) or `2v + 1` (false).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lit(u32);

impl Lit {
    pub(crate) fn positive(var: u32) -> Lit {
        Lit(var << 1)
    }

    pub(crate) fn var(self) -> usize {
        (self.0 >> 1) as usize
    }

    fn is_negative(self) -> bool {
        self.0 & 1 == 1
    }

    fn index(self) -> usize {
        self.0 as usize
    }
}

impl std::ops::Not for Lit {
    type Output = Lit;
    fn not(self) -> Lit {
        Lit(self.0 ^ 1)
    }
}

/// A formula in conjunctive normal form, built clause by clause, then
/// solved once.
#[derive(Default)]
pub(crate) struct Solver {
    clauses: Vec<Vec<Lit>>,
    /// Per literal: the clauses watching it (it is one of their first two).
    watches: Vec<Vec<usize>>,
    /// Per variable: `None` unassigned, else its value.
    value: Vec<Option<bool>>,
    level: Vec<usize>,
    reason: Vec<Option<usize>>,
    trail: Vec<Lit>,
    /// Where each decision level starts on the trail.
    levels: Vec<usize>,
    head: usize,
    activity: Vec<f64>,
    bump: f64,
    phase: Vec<bool>,
    /// A clause became empty: no assignment satisfies the formula.
    contradiction: bool,
}

impl Solver {
    pub(crate) fn new() -> Solver {
        Solver {
            bump: 1.0,
            ..Solver::default()
        }
    }

    /// A fresh variable; decided false first, so models stay small.
    pub(crate) fn var(&mut self) -> Lit {
        let v = self.value.len() as u32;
        self.value.push(None);
        self.level.push(0);
        self.reason.push(None);
        self.activity.push(0.0);
        self.phase.push(false);
        self.watches.push(Vec::new());
        self.watches.push(Vec::new());
        Lit::positive(v)
    }

    fn lit_value(&self, lit: Lit) -> Option<bool> {
        self.value[lit.var()].map(|v| v != lit.is_negative())
    }

    /// Adds a clause (before [`Solver::solve`]).
    pub(crate) fn clause(&mut self, lits: &[Lit]) {
        if self.contradiction {
            return;
        }
        let mut lits = lits.to_vec();
        lits.sort_unstable_by_key(|l| l.0);
        lits.dedup();
        if lits.windows(2).any(|w| w[0] == !w[1]) {
            return;
        }
        // Assignments so far are all at level 0 (facts).
        if lits.iter().any(|&l| self.lit_value(l) == Some(true)) {
            return;
        }
        lits.retain(|&l| self.lit_value(l).is_none());
        match lits.len() {
            0 => self.contradiction = true,
            1 => {
                self.assign(lits[0], None);
                if self.propagate().is_some() {
                    self.contradiction = true;
                }
            }
            _ => {
                self.attach(lits);
            }
        }
    }

    fn attach(&mut self, lits: Vec<Lit>) -> usize {
        let id = self.clauses.len();
        self.watches[lits[0].index()].push(id);
        self.watches[lits[1].index()].push(id);
        self.clauses.push(lits);
        id
    }

    fn assign(&mut self, lit: Lit, reason: Option<usize>) {
        let v = lit.var();
        self.value[v] = Some(!lit.is_negative());
        self.level[v] = self.levels.len();
        self.reason[v] = reason;
        self.trail.push(lit);
    }

    /// Unit propagation; the conflicting clause, if any.
    fn propagate(&mut self) -> Option<usize> {
        while self.head < self.trail.len() {
            let falsified = !self.trail[self.head];
            self.head += 1;
            let mut watching = std::mem::take(&mut self.watches[falsified.index()]);
            let mut i = 0;
            let mut conflict = None;
            while i < watching.len() {
                let c = watching[i];
                let clause = &mut self.clauses[c];
                if clause[0] == falsified {
                    clause.swap(0, 1);
                }
                let first = clause[0];
                if self.value[first.var()].map(|v| v != first.is_negative()) == Some(true) {
                    i += 1;
                    continue;
                }
                let replacement = (2..clause.len()).find(|&k| {
                    let l = clause[k];
                    self.value[l.var()].map(|v| v != l.is_negative()) != Some(false)
                });
                if let Some(k) = replacement {
                    clause.swap(1, k);
                    let watched = clause[1];
                    self.watches[watched.index()].push(c);
                    watching.swap_remove(i);
                    continue;
                }
                i += 1;
                if self.lit_value(first) == Some(false) {
                    conflict = Some(c);
                    break;
                }
                self.assign(first, Some(c));
            }
            // Watches added to this literal meanwhile (none: a clause
            // watches two distinct literals) are kept with the rest.
            let added = std::mem::replace(&mut self.watches[falsified.index()], watching);
            self.watches[falsified.index()].extend(added);
            if conflict.is_some() {
                return conflict;
            }
        }
        None
    }

    /// First-UIP learning: the learnt clause (asserting literal first) and
    /// the level to go back to.
    fn analyze(&mut self, mut conflict: usize) -> (Vec<Lit>, usize) {
        let current = self.levels.len();
        let mut seen = vec![false; self.value.len()];
        let mut learnt = vec![Lit(0)];
        let mut open = 0;
        let mut index = self.trail.len();
        let mut pivot: Option<Lit> = None;
        loop {
            let clause = self.clauses[conflict].clone();
            for &lit in &clause {
                if Some(lit) == pivot {
                    continue;
                }
                let v = lit.var();
                if seen[v] || self.level[v] == 0 {
                    continue;
                }
                seen[v] = true;
                self.bump_var(v);
                if self.level[v] == current {
                    open += 1;
                } else {
                    learnt.push(lit);
                }
            }
            // The next literal of the current level on the trail.
            loop {
                index -= 1;
                if seen[self.trail[index].var()] {
                    break;
                }
            }
            let lit = self.trail[index];
            seen[lit.var()] = false;
            open -= 1;
            if open == 0 {
                learnt[0] = !lit;
                break;
            }
            pivot = Some(lit);
            conflict = self.reason[lit.var()].expect("a propagated literal has a reason");
        }
        let back = learnt[1..].iter().map(|l| self.level[l.var()]).max().unwrap_or(0);
        // The literal of the back-jump level second, so it is watched.
        if let Some(k) = (1..learnt.len()).max_by_key(|&k| self.level[learnt[k].var()]) {
            learnt.swap(1, k);
        }
        (learnt, back)
    }

    fn bump_var(&mut self, v: usize) {
        self.activity[v] += self.bump;
        if self.activity[v] > 1e100 {
            for a in &mut self.activity {
                *a *= 1e-100;
            }
            self.bump *= 1e-100;
        }
    }

    fn backtrack(&mut self, level: usize) {
        if self.levels.len() <= level {
            return;
        }
        let start = self.levels[level];
        for lit in self.trail.drain(start..) {
            let v = lit.var();
            self.phase[v] = !lit.is_negative();
            self.value[v] = None;
            self.reason[v] = None;
        }
        self.levels.truncate(level);
        self.head = start;
    }

    fn decide(&self) -> Option<Lit> {
        let mut best: Option<usize> = None;
        for v in 0..self.value.len() {
            if self.value[v].is_none() && best.is_none_or(|b| self.activity[v] > self.activity[b]) {
                best = Some(v);
            }
        }
        best.map(|v| {
            let lit = Lit::positive(v as u32);
            if self.phase[v] {
                lit
            } else {
                !lit
            }
        })
    }

    /// A satisfying assignment (per variable), or `None` when there is none.
    pub(crate) fn solve(mut self) -> Option<Vec<bool>> {
        if self.contradiction || self.propagate().is_some() {
            return None;
        }
        let mut conflicts = 0usize;
        let mut restart_at = 100usize;
        loop {
            if let Some(conflict) = self.propagate() {
                if self.levels.is_empty() {
                    return None;
                }
                conflicts += 1;
                let (learnt, back) = self.analyze(conflict);
                self.backtrack(back);
                self.bump /= 0.95;
                if learnt.len() == 1 {
                    self.assign(learnt[0], None);
                } else {
                    let asserting = learnt[0];
                    let id = self.attach(learnt);
                    self.assign(asserting, Some(id));
                }
                continue;
            }
            if conflicts >= restart_at {
                restart_at += restart_at / 2;
                self.backtrack(0);
                continue;
            }
            match self.decide() {
                None => return Some(self.value.iter().map(|v| v.unwrap_or(false)).collect()),
                Some(lit) => {
                    self.levels.push(self.trail.len());
                    self.assign(lit, None);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every assignment of `n` variables, by brute force.
    fn brute(n: usize, clauses: &[Vec<(usize, bool)>]) -> bool {
        (0u32..1 << n).any(|bits| {
            clauses
                .iter()
                .all(|c| c.iter().any(|&(v, positive)| (bits >> v & 1 == 1) == positive))
        })
    }

    /// Random small formulas around the satisfiability threshold: the
    /// solver agrees with brute force, and every model it gives satisfies
    /// every clause.
    #[test]
    fn agrees_with_brute_force_on_random_formulas() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        };
        let (mut sat, mut unsat) = (0, 0);
        for _ in 0..3000 {
            let n = 1 + next(12) as usize;
            let m = next(5 * n as u64 + 1) as usize;
            let clauses: Vec<Vec<(usize, bool)>> = (0..m)
                .map(|_| {
                    (0..1 + next(3))
                        .map(|_| (next(n as u64) as usize, next(2) == 0))
                        .collect()
                })
                .collect();
            let mut solver = Solver::new();
            let vars: Vec<Lit> = (0..n).map(|_| solver.var()).collect();
            for c in &clauses {
                let lits: Vec<Lit> = c
                    .iter()
                    .map(|&(v, positive)| if positive { vars[v] } else { !vars[v] })
                    .collect();
                solver.clause(&lits);
            }
            let expected = brute(n, &clauses);
            match solver.solve() {
                Some(model) => {
                    assert!(expected, "a model of an unsatisfiable formula: {clauses:?}");
                    for c in &clauses {
                        assert!(c.iter().any(|&(v, positive)| model[v] == positive), "{c:?}");
                    }
                    sat += 1;
                }
                None => {
                    assert!(!expected, "satisfiable, but none found: {clauses:?}");
                    unsat += 1;
                }
            }
        }
        assert!(sat > 500 && unsat > 500, "{sat} satisfiable, {unsat} not");
    }

    /// A pigeonhole formula (5 pigeons, 4 holes) needs real learning and
    /// is unsatisfiable; 4 pigeons fit.
    #[test]
    fn pigeonholes() {
        for (pigeons, fits) in [(5, false), (4, true)] {
            let holes = 4;
            let mut solver = Solver::new();
            let x: Vec<Vec<Lit>> = (0..pigeons)
                .map(|_| (0..holes).map(|_| solver.var()).collect())
                .collect();
            for row in &x {
                solver.clause(row);
            }
            for h in 0..holes {
                let column: Vec<Lit> = x.iter().map(|row| row[h]).collect();
                for (a, &p) in column.iter().enumerate() {
                    for &q in &column[a + 1..] {
                        solver.clause(&[!p, !q]);
                    }
                }
            }
            assert_eq!(solver.solve().is_some(), fits, "{pigeons} pigeons");
        }
    }
}
