//! Differentiated linear demand: q_i = A − B·p_i + D·Σ_{j≠i} p_j.

use super::{DemandModel, Foc, OwnPoint, OwnPriceCurve, Owners};

/// The textbook differentiated linear demand system (symmetric).
#[derive(Clone, Debug, PartialEq)]
pub struct LinearSystem {
    /// Number of vendors.
    pub vendors: usize,
    /// A: quantity at all prices zero.
    pub intercept: f64,
    /// B: own-price slope (> 0).
    pub own_slope: f64,
    /// D: cross-price slope (0 <= D < B: substitutes).
    pub cross_slope: f64,
}

impl LinearSystem {
    fn raw(&self, i: usize, prices: &[f64], offered: &[bool]) -> f64 {
        let rivals: f64 = (0..self.vendors)
            .filter(|&j| j != i && offered[j])
            .map(|j| prices[j])
            .sum();
        self.intercept - self.own_slope * prices[i] + self.cross_slope * rivals
    }
}

impl DemandModel for LinearSystem {
    type Curve<'a> = LinearCurve;

    fn vendors(&self) -> usize {
        self.vendors
    }

    fn quantities(&self, prices: &[f64], offered: &[bool]) -> Vec<f64> {
        (0..self.vendors)
            .map(|i| {
                if offered[i] {
                    self.raw(i, prices, offered).max(0.0)
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// g_j = q_j − B·m_j + D·Σ_{k≠j owned with j} m_k; constant Jacobian −2B on the diagonal,
    /// D (1 + [same owner]) off it. None where some offered vendor's demand is clamped at 0.
    fn foc(&self, prices: &[f64], costs: &[f64], offered: &[bool], owners: &Owners) -> Option<Foc> {
        let v = self.vendors;
        let mut residual = vec![0.0; v];
        let mut jacobian = vec![0.0; v * v];
        for j in (0..v).filter(|&j| offered[j]) {
            let q = self.raw(j, prices, offered);
            if q <= 0.0 {
                return None;
            }
            let rivals: f64 = (0..v)
                .filter(|&k| k != j && offered[k] && owners.same(j, k))
                .map(|k| prices[k] - costs[k])
                .sum();
            residual[j] = q - self.own_slope * (prices[j] - costs[j]) + self.cross_slope * rivals;
            for l in (0..v).filter(|&l| offered[l]) {
                jacobian[j * v + l] = if l == j {
                    -2.0 * self.own_slope
                } else {
                    self.cross_slope * (1.0 + f64::from(u8::from(owners.same(j, l))))
                };
            }
        }
        let own_slope = (0..v)
            .map(|j| if offered[j] { -self.own_slope } else { 0.0 })
            .collect();
        Some(Foc {
            residual,
            jacobian,
            own_slope,
            own_slope_jacobian: vec![0.0; v * v],
        })
    }

    /// Alone: q_j = A − B·p_j, g_j = q_j − B·m_j, ∂g_j/∂p_j = −2B.
    fn monopoly_foc(&self, prices: &[f64], costs: &[f64], which: &[bool]) -> Option<Foc> {
        let v = self.vendors;
        let mut foc = Foc {
            residual: vec![0.0; v],
            jacobian: vec![0.0; v * v],
            own_slope: vec![0.0; v],
            own_slope_jacobian: vec![0.0; v * v],
        };
        for j in (0..v).filter(|&j| which[j]) {
            let q = self.intercept - self.own_slope * prices[j];
            if q <= 0.0 {
                return None;
            }
            foc.residual[j] = q - self.own_slope * (prices[j] - costs[j]);
            foc.jacobian[j * v + j] = -2.0 * self.own_slope;
            foc.own_slope[j] = -self.own_slope;
        }
        Some(foc)
    }

    fn curve(&self, i: usize, prices: &[f64], costs: &[f64], offered: &[bool]) -> LinearCurve {
        let mut p = prices.to_vec();
        p[i] = 0.0;
        let at_zero = self.raw(i, &p, offered);
        // Rivals selling a positive quantity gain D per unit of i's price.
        let rivals: Vec<(f64, f64)> = (0..self.vendors)
            .filter(|&j| j != i && offered[j])
            .map(|j| {
                let mut pj = prices.to_vec();
                pj[i] = 0.0;
                (self.raw(j, &pj, offered), prices[j] - costs[j])
            })
            .collect();
        LinearCurve {
            at_zero,
            b: self.own_slope,
            d: self.cross_slope,
            rivals,
        }
    }
}

/// Vendor i's curve in a [`LinearSystem`].
#[derive(Clone, Debug)]
pub struct LinearCurve {
    at_zero: f64,
    b: f64,
    d: f64,
    /// (rival quantity when p_i = 0, rival margin).
    rivals: Vec<(f64, f64)>,
}

impl OwnPriceCurve for LinearCurve {
    fn at(&self, p: f64) -> OwnPoint {
        let raw = self.at_zero - self.b * p;
        if raw <= 0.0 {
            // A vendor that sells nothing diverts nothing: its price no longer moves its rivals.
            return OwnPoint::default();
        }
        let rivals_margin_slope = self
            .rivals
            .iter()
            .filter(|(q0, _)| q0 + self.d * p > 0.0)
            .map(|(_, m)| m * self.d)
            .sum();
        let (q, dq) = (raw, -self.b);
        OwnPoint {
            q,
            dq,
            rivals_margin_slope,
        }
    }
}
