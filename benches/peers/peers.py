"""Peer benchmark: Tessera's automatic territory design against GerryChain's
recursive_tree_part and k-means-constrained, on the same instance, measured by the same
evaluator (evaluate.py). Run by hand, not in CI; see README.md beside this file.

For each N: `tessera synth` makes N accounts (K territories, seed 1); the accounts are
exported to CSV; the units are the PC4 areas with their adjacency graph; every method makes
K territories and is measured on the largest deviation of potential, workload and account
count from the mean, contiguous territories, mean Polsby-Popper, and its run time.
"""

import argparse
import csv
import functools
import itertools
import json
import math
import multiprocessing
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import shapely

import evaluate

DEFAULT_PC4 = "/work/shared/data/units/nl-pc4-2020.geojson"
METHODS = ["tessera", "gerrychain-potential", "gerrychain-accounts", "kmeans-constrained"]
# GerryChain's allowed deviation of its balanced column, and k-means-constrained's of sizes.
EPSILON = 0.05
# Spanning trees GerryChain draws for one balanced cut before it gives up.
GERRYCHAIN_ATTEMPTS = 1000
# How many synthetic accounts to make per account kept with --land-only (about 38 % are on land).
OVERSAMPLE = 4


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- The instance -------------------------------------------------------------------------


def synth(tessera, project, n, k, seed):
    subprocess.run(
        [tessera, "synth", project, "--accounts", str(n), "--territories", str(k), "--seed", str(seed), "--force"],
        check=True,
        capture_output=True,
    )


def read_project(project):
    """The project's travel settings and its accounts. No export of the CLI has the accounts'
    coordinates, potential and visits (`export --csv` writes external_id, name, territory,
    rep), so they are read from the project file."""
    with sqlite3.connect(f"file:{project}?mode=ro", uri=True) as db:
        names = ["detour_factor", "speed_kmh", "default_minutes_per_visit"]
        settings = dict(zip(names, db.execute(f"SELECT {', '.join(names)} FROM project").fetchone()))
        rows = db.execute(
            "SELECT external_id, name, lon, lat, potential, visits_per_year, minutes_per_visit FROM accounts ORDER BY id"
        ).fetchall()
    return settings, rows


ACCOUNT_COLUMNS = ["external_id", "name", "lon", "lat", "potential", "visits_per_year", "minutes_per_visit"]


def write_accounts(path, rows, columns=ACCOUNT_COLUMNS):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows(row[: len(columns)] for row in rows)


# Every Dutch woonplaats with its inhabitants (the app's own asset), for --places.
WOONPLAATSEN = Path(__file__).resolve().parents[2] / "assets" / "nl-woonplaatsen.csv.gz"


def around_places(rows, seed):
    """The accounts moved to real Dutch places: each to a woonplaats drawn by its inhabitants,
    spread around its point (Gaussian, sigma 0.004 km x sqrt(inhabitants), at least 0.3 km:
    about 3.7 km for Amsterdam, 0.3 km for a village). Potential and visits stay."""
    import gzip
    import random

    with gzip.open(WOONPLAATSEN, "rt", encoding="utf-8") as f:
        places = [p for p in csv.DictReader(f) if p["inhabitants"]]
    rng = random.Random(seed)
    picks = rng.choices(places, weights=[float(p["inhabitants"]) for p in places], k=len(rows))
    moved = []
    for row, place in zip(rows, picks):
        sigma = max(0.3, 0.004 * math.sqrt(float(place["inhabitants"])))
        lat = float(place["lat"]) + rng.gauss(0, sigma) / 111.0
        lon = float(place["lon"]) + rng.gauss(0, sigma) / (111.0 * math.cos(math.radians(52.2)))
        moved.append((row[0], row[1], round(lon, 6), round(lat, 6), *row[4:]))
    return moved


def make_instance(tessera, units, n, k, seed, land_only, folder, places=False):
    """Writes the project every method starts from and its accounts as CSV; returns the
    project, the accounts (arrays) and the project's travel settings.

    `tessera synth` spreads its accounts over the Netherlands' bounding box, sea, Belgium and
    Germany included. With land_only, it makes OVERSAMPLE x N accounts, the first N inside a PC4 unit are
    kept and imported into a new project of K territories (`synth --accounts 0`). With places,
    the N accounts are moved around real Dutch places (see around_places) and imported so."""
    folder.mkdir(parents=True, exist_ok=True)
    project = folder / "synth.tessera"
    synth(tessera, project, OVERSAMPLE * n if land_only else n, k, seed)
    settings, rows = read_project(project)
    if places:
        rows = around_places(rows, seed)
    elif land_only:
        lon, lat = (np.array([r[c] for r in rows]) for c in (2, 3))
        rows = [r for r, unit in zip(rows, evaluate.within(units, lon, lat)) if unit >= 0][:n]
        if len(rows) < n:
            raise SystemExit(f"only {len(rows)} of {OVERSAMPLE * n} synthetic accounts are on land, fewer than {n}")
    if places or land_only:
        if any(r[6] is not None for r in rows):
            raise SystemExit("synth now sets minutes per visit, which `tessera import` cannot read")
        on_land = folder / "on-land.csv"
        write_accounts(on_land, rows, ACCOUNT_COLUMNS[:-1])
        project = folder / "land.tessera"
        synth(tessera, project, 0, k, seed)
        subprocess.run([tessera, "import", project, "--accounts", on_land], check=True, capture_output=True)
        settings, rows = read_project(project)
    accounts_csv = folder / "accounts.csv"
    write_accounts(accounts_csv, rows)
    return project, read_accounts(accounts_csv), settings


def read_accounts(path):
    """The accounts CSV as arrays, which every method reads."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))

    def column(name):
        return np.array([float(r[name]) if r[name] else np.nan for r in rows])

    return {
        "lon": column("lon"),
        "lat": column("lat"),
        "potential": column("potential"),
        "visits": column("visits_per_year"),
        "minutes": column("minutes_per_visit"),
    }


# --- Running a peer under a time limit ------------------------------------------------------


def run_limited(job, timeout):
    """Runs job() in a forked process. Returns ("ok", result), ("error", message) or
    ("timeout", None) when it has not finished within timeout seconds (it is then killed)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child():
        try:
            send.send(("ok", job()))
        except Exception as e:  # reported as the peer's outcome
            send.send(("error", f"{type(e).__name__}: {e}"))

    process = context.Process(target=child)
    process.start()
    outcome = receive.recv() if receive.poll(timeout) else ("timeout", None)
    process.join(5)
    if process.is_alive():
        process.kill()
        process.join()
    return outcome


# --- The methods ----------------------------------------------------------------------------
# Each returns a job: a function giving (account labels, unit labels, run s, setup s, note).


def gerrychain_job(units, account_unit, accounts, k, column, seed, timeout):
    """recursive_tree_part on the PC4 graph, balancing one node column: the units' potential
    or their account count. GerryChain's default of 100,000 spanning trees per cut runs for
    hours when no balanced cut is found; here each cut gets GERRYCHAIN_ATTEMPTS trees, and a
    failed run is restarted with the next seed while time is left."""

    def job():
        from gerrychain import Graph
        from gerrychain.partition.initial_partition_generators import recursive_tree_part
        from gerrychain.tree import bipartition_tree

        start = time.perf_counter()
        weights = np.bincount(
            account_unit, weights=accounts["potential"] if column == "potential" else None, minlength=len(units)
        )
        graph = units.graph.copy()
        for unit, weight in enumerate(weights.tolist()):
            graph.nodes[unit][column] = weight
        graph = Graph.from_networkx(graph)
        cut = functools.partial(bipartition_tree, max_attempts=GERRYCHAIN_ATTEMPTS)
        ready = time.perf_counter()
        for restart in itertools.count():
            began = time.perf_counter()
            try:
                plan = recursive_tree_part(
                    graph, list(range(k)), weights.sum() / k, column, EPSILON, bipartition_tree_fn=cut, rng=seed + restart
                )
                break
            except RuntimeError as e:  # no balanced cut (PopulationBalanceError is one too)
                now = time.perf_counter()
                if now + (now - began) > start + timeout:
                    raise RuntimeError(f"{restart + 1} runs (seeds {seed} to {seed + restart}) found no balanced plan: {e}")
        done = time.perf_counter()
        unit_labels = np.array([plan[u] for u in range(len(units))])
        return unit_labels[account_unit], unit_labels, done - ready, ready - start, f"{restart} restarts"

    return job


def equirectangular_km(lon, lat):
    """Points in km around 52.2 N, good enough for clustering within the Netherlands."""
    r = evaluate.EARTH_RADIUS_KM
    return np.column_stack([np.radians(lon) * r * math.cos(math.radians(52.2)), np.radians(lat) * r])


def kmeans_job(units, account_unit, accounts, k, seed):
    """KMeansConstrained on the account points (sizes within EPSILON of N/k). Each unit goes
    to the cluster holding most of its accounts; a unit without accounts to the nearest
    cluster centre (from a point inside it)."""

    def job():
        from k_means_constrained import KMeansConstrained

        start = time.perf_counter()
        points = equirectangular_km(accounts["lon"], accounts["lat"])
        n = len(points)
        model = KMeansConstrained(
            n_clusters=k,
            size_min=math.floor(n / k * (1 - EPSILON)),
            size_max=math.ceil(n / k * (1 + EPSILON)),
            random_state=seed,
        )
        ready = time.perf_counter()
        labels = model.fit_predict(points)
        done = time.perf_counter()

        votes = np.zeros((len(units), k))
        np.add.at(votes, (account_unit, labels), 1)
        inside = shapely.point_on_surface(units.metric)
        lon, lat = units.to_lonlat.transform(shapely.get_x(inside), shapely.get_y(inside))
        centre_distance = np.linalg.norm(
            equirectangular_km(lon, lat)[:, None, :] - model.cluster_centers_[None, :, :], axis=2
        )
        unit_labels = np.where(votes.sum(axis=1) > 0, votes.argmax(axis=1), centre_distance.argmin(axis=1))
        return labels, unit_labels, done - ready, (ready - start) + (time.perf_counter() - done), ""

    return job


def has_design(tessera):
    # Not `design --help`: a binary without the subcommand takes `design` for a project path
    # and prints its own help, successfully.
    return subprocess.run([tessera, "help", "design"], capture_output=True).returncode == 0


def run_tessera(tessera, project, units, account_unit, k, seed, timeout, folder):
    """`tessera design` on a copy of the project; its plan read back unit by unit through
    `tessera export --units`. Returns (outcome, its own JSON)."""
    designed = folder / "designed.tessera"
    shutil.copyfile(project, designed)
    command = [
        tessera, "design", designed, "--territories", str(k), "--units", "nl-pc4",
        "--balance", "potential,workload,accounts", "--tolerance", str(round(EPSILON * 100)),
        "--seed", str(seed), "--into", "Designed", "--format", "json",
    ]  # fmt: skip
    start = time.perf_counter()
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return ("timeout", None), None
    wall = time.perf_counter() - start
    if result.returncode != 0:
        return ("error", result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed"), None
    own = json.loads(result.stdout)

    units_csv = folder / "designed-units.csv"
    subprocess.run(
        [tessera, "export", designed, "--units", units_csv, "--scenario", own.get("scenario", "Designed")],
        check=True,
        capture_output=True,
    )
    with open(units_csv, newline="") as f:
        territory_of = {r["unit_code"]: r["territory"] for r in csv.DictReader(f)}
    names = sorted({t for t in territory_of.values() if t})
    label = {name: i for i, name in enumerate(names)}
    unit_labels = np.array([label.get(territory_of.get(code, ""), -1) for code in units.codes])
    seconds = own.get("seconds", wall)
    note = f"feasible: {own['feasible']}" if "feasible" in own else ""
    return ("ok", (unit_labels[account_unit], unit_labels, seconds, wall - seconds, note)), own


# --- The benchmark --------------------------------------------------------------------------


def bench(args, units, n):
    folder = Path(args.work) / f"n{n}{'-places' if args.places else '-land' if args.land_only else ''}"
    start = time.perf_counter()
    project, accounts, settings = make_instance(
        args.tessera, units, n, args.k, args.seed, args.land_only, folder, args.places
    )
    account_unit, outside = evaluate.locate(units, accounts["lon"], accounts["lat"])
    log(
        f"N={n}: instance in {time.perf_counter() - start:.1f} s; {outside} accounts in no PC4 unit "
        f"went to the nearest unit"
    )
    rows = []
    for method in args.methods:
        row = {"n": n, "land_only": args.land_only, "places": args.places, "method": method, "balanced_on": "", "outside_accounts": outside}
        log(f"N={n}: {method} ...")
        if method == "tessera":
            row["balanced_on"] = "potential, workload, accounts"
            if not has_design(args.tessera):
                row["status"] = "skipped: this tessera has no `design` command yet"
                log(f"N={n}: {row['status']}")
                rows.append(row)
                continue
            outcome, own = run_tessera(
                args.tessera, project, units, account_unit, args.k, args.seed, args.timeout, folder
            )
            row["tessera_own"] = own
        elif method.startswith("gerrychain"):
            column = method.split("-")[1]
            row["balanced_on"] = column
            outcome = run_limited(
                gerrychain_job(units, account_unit, accounts, args.k, column, args.seed, args.timeout), args.timeout
            )
        else:
            row["balanced_on"] = "accounts"
            outcome = run_limited(kmeans_job(units, account_unit, accounts, args.k, args.seed), args.timeout)

        status, value = outcome
        if status == "timeout":
            row["status"] = f"did not finish in {args.timeout / 60:g} min"
        elif status == "error":
            row["status"] = f"failed: {value}"
        else:
            account_labels, unit_labels, row["run_s"], row["setup_s"], row["note"] = value
            row["status"] = "ok"
            row.update(evaluate.evaluate(units, accounts, settings, account_labels, unit_labels, args.k))
        log(f"N={n}: {method}: {row['status']}" + (f" in {row['run_s']:.1f} s" if "run_s" in row else ""))
        rows.append(row)
    return rows


def instance(row):
    return f"{row['n']:,}" + (" around places" if row.get("places") else " on land" if row["land_only"] else "")


def table(rows, k):
    header = [
        "N", "method", "balanced on", "max dev potential", "max dev workload", "max dev accounts",
        f"contiguous (of {k})", "mean Polsby-Popper", "run s", "setup s", "note",
    ]  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        if r["status"] != "ok":
            cells = [instance(r), r["method"], r["balanced_on"], r["status"]] + [""] * (len(header) - 4)
        else:
            cells = [
                instance(r),
                r["method"],
                r["balanced_on"],
                f"{r['max_dev_potential_pct']:.1f} %",
                f"{r['max_dev_workload_pct']:.1f} %",
                f"{r['max_dev_accounts_pct']:.1f} %",
                str(r["contiguous"]),
                f"{r['polsby_popper_mean']:.3f}",
                f"{r['run_s']:.1f}",
                f"{r['setup_s']:.1f}",
                r["note"],
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tessera", default="target/debug/tessera", help="the tessera binary")
    parser.add_argument("--pc4", default=DEFAULT_PC4, help="the PC4 units as GeoJSON (property `postcode`)")
    parser.add_argument("--accounts", type=int, nargs="+", default=[10_000, 100_000], help="values of N")
    parser.add_argument("--k", type=int, default=12, help="number of territories")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600, help="seconds each method may take")
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=METHODS)
    parser.add_argument(
        "--land-only", action="store_true", help="keep only synthetic accounts inside a PC4 unit (see make_instance)"
    )
    parser.add_argument(
        "--places",
        action="store_true",
        help="move the synthetic accounts around real Dutch places, by inhabitants (see around_places)",
    )
    parser.add_argument("--work", default="/tmp/peers", help="folder for the projects and CSV files")
    parser.add_argument("--json", help="also write every row, per-territory numbers included, here")
    args = parser.parse_args()

    start = time.perf_counter()
    units = evaluate.load_units(args.pc4)
    log(
        f"{len(units)} units, {units.graph.number_of_edges()} adjacencies ({units.island_edges} tying islands "
        f"to the mainland) in {time.perf_counter() - start:.1f} s"
    )
    rows = [row for n in args.accounts for row in bench(args, units, n)]
    print(table(rows, args.k))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1, default=float)


if __name__ == "__main__":
    main()
