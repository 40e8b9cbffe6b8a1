//! Nested logit: options grouped in nests, each with a nesting parameter λ ∈ (0, 1].
//!
//! With utilities u_k (vendors by index, the outside option last), nest g has
//! m_g = max_{k∈g} u_k, S_g = Σ_{k∈g} exp((u_k − m_g)/λ_g) and the nest's value
//! V_g = m_g + λ_g·ln S_g (λ_g times its inclusive value). The log-sum is L = ln Σ_g exp(V_g)
//! (the expected maximum utility, whose money measure is the consumer surplus), and
//! P_k = exp(V_g − L)·exp((u_k − m_g)/λ_g)/S_g: the nest's probability times the choice within
//! it. λ = 1 in every nest is plain logit; options in no declared nest form nests of their own.
//! Every exponential and logarithm is `numerics`' portable one.

use crate::numerics::{exp_fast, ln_fast};

/// Which nest each option is in, and each nest's λ.
#[derive(Clone, Debug, PartialEq)]
pub struct Nesting {
    /// Nest of each option (vendors by index, the outside option last).
    nest: Vec<u32>,
    /// λ of each nest.
    lambda: Vec<f64>,
}

/// Scratch space of [`Nesting::choose`], reused between calls.
#[derive(Clone, Debug, Default)]
pub struct NestWork {
    max: Vec<f64>,
    sum: Vec<f64>,
    value: Vec<f64>,
}

/// exp(x), exactly 0 for an unavailable option (−inf) and where exp underflows.
#[inline(always)]
fn exp0(x: f64) -> f64 {
    if x < -708.0 { 0.0 } else { exp_fast(x) }
}

impl Nesting {
    /// The nesting of `options` options (vendors and the outside option) in `groups` of
    /// (λ, member options); an option in no group is a nest of its own with λ = 1. Members are
    /// checked by the scenario (each in at most one group, λ in (0, 1]).
    pub fn new(options: usize, groups: &[(f64, Vec<usize>)]) -> Self {
        let mut nest = vec![u32::MAX; options];
        let mut lambda = Vec::new();
        for (l, members) in groups {
            let g = lambda.len() as u32;
            lambda.push(*l);
            for &k in members {
                if k < options {
                    nest[k] = g;
                }
            }
        }
        for n in nest.iter_mut().filter(|n| **n == u32::MAX) {
            *n = lambda.len() as u32;
            lambda.push(1.0);
        }
        Self { nest, lambda }
    }

    /// Options (vendors and the outside option).
    pub fn options(&self) -> usize {
        self.nest.len()
    }

    /// Number of nests (declared and singletons).
    pub fn nests(&self) -> usize {
        self.lambda.len()
    }

    /// The nest of option `k`.
    pub fn nest_of(&self, k: usize) -> usize {
        self.nest[k] as usize
    }

    /// λ of nest `g`.
    pub fn lambda(&self, g: usize) -> f64 {
        self.lambda[g]
    }

    /// True when every nest has λ = 1: plain logit (callers then take the plain-logit path,
    /// which gives its own bits).
    pub fn is_plain(&self) -> bool {
        self.lambda.iter().all(|&l| l == 1.0)
    }

    /// Choice probabilities at utilities `u` (−inf: not available) into `prob`, the
    /// probabilities within each option's nest into `within`; returns the log-sum L, or −inf
    /// when nothing is available (every probability 0).
    pub fn choose(&self, u: &[f64], prob: &mut [f64], within: &mut [f64], w: &mut NestWork) -> f64 {
        let g_n = self.lambda.len();
        for x in [&mut w.max, &mut w.sum, &mut w.value] {
            x.clear();
            x.resize(g_n, 0.0);
        }
        w.max.fill(f64::NEG_INFINITY);
        for (k, &uk) in u.iter().enumerate() {
            let g = self.nest[k] as usize;
            w.max[g] = w.max[g].max(uk);
        }
        for (k, &uk) in u.iter().enumerate() {
            let g = self.nest[k] as usize;
            let e = if uk == f64::NEG_INFINITY {
                0.0
            } else {
                exp0((uk - w.max[g]) / self.lambda[g])
            };
            within[k] = e;
            w.sum[g] += e;
        }
        let mut top = f64::NEG_INFINITY;
        for g in 0..g_n {
            w.value[g] = if w.sum[g] > 0.0 {
                w.max[g] + self.lambda[g] * ln_fast(w.sum[g])
            } else {
                f64::NEG_INFINITY
            };
            top = top.max(w.value[g]);
        }
        if top == f64::NEG_INFINITY {
            prob.fill(0.0);
            within.fill(0.0);
            return f64::NEG_INFINITY;
        }
        let mut total = 0.0;
        for v in w.value.iter_mut() {
            *v = if *v == f64::NEG_INFINITY {
                0.0
            } else {
                exp0(*v - top)
            };
            total += *v;
        }
        for k in 0..u.len() {
            let g = self.nest[k] as usize;
            if within[k] > 0.0 {
                within[k] /= w.sum[g];
                prob[k] = w.value[g] / total * within[k];
            } else {
                prob[k] = 0.0;
            }
        }
        top + ln_fast(total)
    }

    /// ∂P_k/∂u_i from the probabilities `prob` and `within` of [`Nesting::choose`]:
    /// P_i·(1/λ − (1 − λ)/λ·P_{i|g} − P_i) for k = i, −P_k·((1 − λ)/λ·P_{i|g} + P_i) for k in
    /// i's nest g, −P_k·P_i otherwise.
    pub fn slope(&self, k: usize, i: usize, prob: &[f64], within: &[f64]) -> f64 {
        let g = self.nest[i] as usize;
        let l = self.lambda[g];
        let nested = (1.0 - l) / l * within[i];
        if k == i {
            prob[i] * (1.0 / l - nested - prob[i])
        } else if self.nest[k] as usize == g {
            -prob[k] * (nested + prob[i])
        } else {
            -prob[k] * prob[i]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(n: &Nesting, u: &[f64]) -> (Vec<f64>, Vec<f64>, f64) {
        let (mut p, mut w) = (vec![0.0; u.len()], vec![0.0; u.len()]);
        let l = n.choose(u, &mut p, &mut w, &mut NestWork::default());
        (p, w, l)
    }

    /// Shares against the closed form by hand: two nests {0, 1} (λ = 0.5) and {2, outside}.
    #[test]
    fn shares_match_the_closed_form() {
        let n = Nesting::new(4, &[(0.5, vec![0, 1]), (0.8, vec![2, 3])]);
        let u = [1.0, 0.4, 0.7, 0.0];
        let (p, within, l) = run(&n, &u);
        let s1 = (1.0f64 / 0.5).exp() + (0.4f64 / 0.5).exp();
        let s2 = (0.7f64 / 0.8).exp() + 1.0;
        let (v1, v2) = (0.5 * s1.ln(), 0.8 * s2.ln());
        let denom = v1.exp() + v2.exp();
        let expect = [
            v1.exp() / denom * (2.0f64).exp() / s1,
            v1.exp() / denom * (0.8f64).exp() / s1,
            v2.exp() / denom * (0.7f64 / 0.8).exp() / s2,
            v2.exp() / denom / s2,
        ];
        for k in 0..4 {
            assert!(
                (p[k] - expect[k]).abs() < 1e-14,
                "{k}: {} vs {}",
                p[k],
                expect[k]
            );
        }
        assert!((within[0] - (2.0f64).exp() / s1).abs() < 1e-14);
        assert!((l - denom.ln()).abs() < 1e-13);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-14);
    }

    /// λ = 1 everywhere is plain logit; unavailable options get nothing, in or out of a nest.
    #[test]
    fn unit_lambda_is_plain_logit() {
        let n = Nesting::new(4, &[(1.0, vec![0, 2])]);
        assert!(n.is_plain());
        let u = [1.0, f64::NEG_INFINITY, -0.3, 0.2];
        let (p, _, l) = run(&n, &u);
        let w: Vec<f64> = u.iter().map(|x| x.exp()).collect();
        let tot: f64 = w.iter().sum();
        for k in 0..4 {
            assert!((p[k] - w[k] / tot).abs() < 1e-14);
        }
        assert_eq!(p[1], 0.0);
        assert!((l - tot.ln()).abs() < 1e-13);
        let none = run(&n, &[f64::NEG_INFINITY; 4]);
        assert_eq!(none.2, f64::NEG_INFINITY);
        assert!(none.0.iter().all(|&x| x == 0.0));
    }

    /// The analytic slopes agree with central differences of the probabilities, and the
    /// log-sum's slope in u_i is P_i (the expected-maximum property behind Roy's identity).
    #[test]
    fn slopes_match_finite_differences() {
        let n = Nesting::new(5, &[(0.35, vec![0, 1, 2]), (0.7, vec![3, 4])]);
        let u = [0.9, 0.5, -0.2, 0.3, 0.0];
        let (p, within, _) = run(&n, &u);
        let h = 1e-6;
        for i in 0..5 {
            let (mut up, mut dn) = (u, u);
            up[i] += h;
            dn[i] -= h;
            let (pu, _, lu) = run(&n, &up);
            let (pd, _, ld) = run(&n, &dn);
            assert!(((lu - ld) / (2.0 * h) - p[i]).abs() < 1e-8);
            for k in 0..5 {
                let fd = (pu[k] - pd[k]) / (2.0 * h);
                let an = n.slope(k, i, &p, &within);
                assert!((fd - an).abs() < 1e-8, "∂P{k}/∂u{i}: {fd} vs {an}");
            }
        }
    }
}
