//! Candidate plans with different trade-offs (issue 14): the same design asked three ways,
//! for the planner to compare in a small table and pick one. A design trades balance for
//! round shapes (no compactness weight, the weight asked, and four times it); a rebalance
//! trades balance for disruption (the tolerance asked, and 60 % and 30 % of it: tighter, at
//! the price of more accounts changing rep).

use super::design::DesignRequest;

/// How much the variants scale the tolerance (a rebalance).
const TOLERANCE_SCALES: [f64; 3] = [1.0, 0.6, 0.3];

/// The requests of the candidate plans, each named by its trade-off. The seed, locks and
/// everything else stay as asked, so each variant can be made again alone.
pub fn trade_offs(request: &DesignRequest, rebalance: bool) -> Vec<(String, DesignRequest)> {
    let with = |change: &dyn Fn(&mut DesignRequest)| {
        let mut variant = request.clone();
        change(&mut variant);
        variant
    };
    if rebalance {
        TOLERANCE_SCALES
            .iter()
            .map(|&scale| {
                let tolerance = request.tolerance * scale;
                let name = format!("\u{b1}{:.1} %", tolerance * 100.0);
                (name, with(&|v| v.tolerance = tolerance))
            })
            .collect()
    } else {
        // Asked for none, the middle plan weighs roundness 1 (the default).
        let middle = if request.compactness > 0.0 {
            request.compactness
        } else {
            1.0
        };
        [0.0, middle, 4.0 * middle]
            .into_iter()
            .map(|weight| {
                let name = if weight == 0.0 {
                    "Balance only".to_owned()
                } else {
                    format!("Compactness {weight}")
                };
                (name, with(&|v| v.compactness = weight))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::TerritoryCount;

    #[test]
    fn variants_differ_only_in_their_trade_off() {
        let request = DesignRequest {
            layer: "nl-pc4".into(),
            count: TerritoryCount::Count(4),
            balance: vec![(crate::engine::balance::BalanceMetric::Workload, 1.0)],
            tolerance: 0.05,
            compactness: 2.0,
            locked: vec!["West".into()],
            locked_units: Vec::new(),
            column: None,
            limits: Vec::new(),
            seed: 9,
            from: None,
            into: "Designed".into(),
        };
        let design = trade_offs(&request, false);
        let weights: Vec<f64> = design.iter().map(|(_, r)| r.compactness).collect();
        assert_eq!(weights, [0.0, 2.0, 8.0]);
        let names: Vec<&str> = design.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Balance only", "Compactness 2", "Compactness 8"]);
        assert!(
            design
                .iter()
                .all(|(_, r)| r.tolerance == 0.05 && r.seed == 9)
        );
        let rebalance = trade_offs(&request, true);
        let tolerances: Vec<f64> = rebalance.iter().map(|(_, r)| r.tolerance).collect();
        assert_eq!(tolerances, [0.05, 0.05 * 0.6, 0.05 * 0.3]);
        assert_eq!(rebalance[2].0, "\u{b1}1.5 %");
        assert!(
            rebalance
                .iter()
                .all(|(_, r)| r.compactness == 2.0 && r.locked == ["West"])
        );
    }
}
