//! Arc extraction: the edges whose two faces have different owners are the borders; they are
//! chained into maximal polylines between nodes (points where more or fewer than two border
//! edges meet, or where the pair of units on either side changes). Closed borders without a
//! node (an island, an enclave) become one closed arc.

use super::faces::Graph;

/// The arcs (lon/lat) and, per arc walked forwards, the owners on its left and right.
pub(super) fn extract(graph: &Graph, owner_of_half: &[u32]) -> (Vec<Vec<[f64; 2]>>, Vec<[u32; 2]>) {
    let border = |h: u32| owner_of_half[h as usize] != owner_of_half[(h ^ 1) as usize];
    let sides = |h: u32| [owner_of_half[h as usize], owner_of_half[(h ^ 1) as usize]];
    let node_count = graph.points.len();
    // Per node: is it an arc end?
    let mut is_node = vec![false; node_count];
    for (n, flag) in is_node.iter_mut().enumerate() {
        let mut out = graph
            .leaving(n as u32)
            .iter()
            .copied()
            .filter(|&h| border(h));
        *flag = match (out.next(), out.next(), out.next()) {
            (None, _, _) => false,
            (Some(a), Some(b), None) => {
                // Through-going when arriving along a and leaving along b keeps the sides.
                sides(a ^ 1) != sides(b)
            }
            _ => true,
        };
    }
    let mut visited = vec![false; graph.edges.len()];
    let mut arcs = Vec::new();
    let mut arc_sides = Vec::new();
    let mut walk = |start: u32, visited: &mut Vec<bool>| {
        let mut points = vec![graph.points[graph.origin(start) as usize]];
        let begin = graph.origin(start);
        let mut h = start;
        loop {
            visited[(h / 2) as usize] = true;
            let v = graph.dest(h);
            points.push(graph.points[v as usize]);
            if is_node[v as usize] || v == begin {
                break;
            }
            let next = graph
                .leaving(v)
                .iter()
                .copied()
                .find(|&o| border(o) && o != (h ^ 1) && !visited[(o / 2) as usize]);
            match next {
                Some(o) => h = o,
                None => break,
            }
        }
        arcs.push(points);
        arc_sides.push(sides(start));
    };
    for n in 0..node_count as u32 {
        if !is_node[n as usize] {
            continue;
        }
        for &h in graph.leaving(n) {
            if border(h) && !visited[(h / 2) as usize] {
                walk(h, &mut visited);
            }
        }
    }
    for e in 0..graph.edges.len() as u32 {
        if !visited[e as usize] && border(2 * e) {
            walk(2 * e, &mut visited);
        }
    }
    (arcs, arc_sides)
}
