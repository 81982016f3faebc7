//! Importing accounts from a messy Dutch CRM export through the command line: the report
//! names every skipped row and why, the import is all-or-nothing, and a re-import of a newer
//! export updates accounts by external id instead of duplicating them.

use tessera::store::ProjectFile;

mod cli_support;
use cli_support::tessera;

const EXPORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/crm-export-nl.csv");

#[test]
fn a_messy_dutch_crm_export_imports_its_good_rows_and_reports_the_bad_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("p.tessera").display().to_string();
    assert!(tessera(&["demo", &project]).status.success());
    let out = tessera(&["import", &project, "--accounts", EXPORT]);
    let report = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{report}");
    // Every bad row is named by line, column and reason.
    for expected in [
        "skipped line 5 (Plaats): no place named \"Ergens\"",
        "skipped line 6 (Breedtegraad): latitude 95 is out of range",
        "skipped line 7 (Klantnummer): external id K-1001 appears twice",
        "skipped line 8 (Potentie): potential \"veel\" is not a number",
        "skipped line 9 (Naam): the name is empty",
        "5 added, 0 updated, 0 unchanged, 5 skipped",
    ] {
        assert!(
            report.contains(expected),
            "missing {expected:?} in:\n{report}"
        );
    }
    let (_, p) = ProjectFile::open(std::path::Path::new(&project)).expect("open");
    assert_eq!(p.accounts.len(), 1017 + 5);
    let row = (0..p.accounts.len())
        .find(|&i| p.accounts.external_id(i) == "K-1001")
        .expect("K-1001 imported");
    let a = p.accounts.get(row);
    assert_eq!(a.name, "Bakkerij de Vries B.V.");
    assert_eq!((a.lat, a.lon), (52.0907, 5.1214), "decimal commas");
    assert_eq!(a.potential, 45_000.0, "euro sign and thousands dot");
    assert_eq!(a.revenue, 12_345.67);
    assert_eq!(a.status, tessera::model::AccountStatus::Customer, "klant");
    assert_eq!(a.extra.get("Plaats").map(String::as_str), Some("Utrecht"));
    let quoted = (0..p.accounts.len())
        .find(|&i| p.accounts.external_id(i) == "K-1003")
        .expect("K-1003");
    assert_eq!(p.accounts.name(quoted), "Zorggroep \"Het Baken\"");
    assert_eq!(p.accounts.potential(quoted), 1_250_000.0);
    let accent = (0..p.accounts.len())
        .find(|&i| p.accounts.external_id(i) == "K-1008")
        .expect("K-1008");
    assert_eq!(p.accounts.name(accent), "Café Överijssel");

    // A newer export: one account changed, one gone.
    let newer = dir.path().join("newer.csv");
    let text = std::fs::read_to_string(EXPORT)
        .expect("read")
        .replace("€ 30.000", "€ 35.000")
        .lines()
        .filter(|l| !l.starts_with("K-1008"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&newer, text).expect("write");
    let out = tessera(&[
        "import",
        &project,
        "--accounts",
        &newer.display().to_string(),
    ]);
    let report = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{report}");
    assert!(
        // K-1002 changed, K-1001, K-1003 and K-1009 did not; K-1008 and the demo's own accounts are
        // not in this file (they stay: an import never deletes).
        report.contains(
            "0 added, 1 updated, 3 unchanged, 5 skipped; 1018 existing accounts are not in the file"
        ),
        "{report}"
    );
    let (_, p) = ProjectFile::open(std::path::Path::new(&project)).expect("open");
    assert_eq!(p.accounts.len(), 1017 + 5, "updated, not duplicated");
    // A row without coordinates was placed by its place name, and says so.
    let by_place = (0..p.accounts.len())
        .find(|&i| p.accounts.external_id(i) == "K-1009")
        .expect("K-1009");
    let a = p.accounts.get(by_place);
    assert!(
        (a.lat - 52.51).abs() < 0.05 && (a.lon - 6.08).abs() < 0.05,
        "Zwolle: {a:?}"
    );
    assert_eq!(
        a.extra.get("located by").map(String::as_str),
        Some("place: Zwolle, NL")
    );
    let row = (0..p.accounts.len())
        .find(|&i| p.accounts.external_id(i) == "K-1001")
        .expect("K-1001");
    assert_eq!(
        p.accounts
            .get(row)
            .extra
            .get("located by")
            .map(String::as_str),
        Some("coordinates")
    );
    let row = (0..p.accounts.len())
        .find(|&i| p.accounts.external_id(i) == "K-1002")
        .expect("K-1002");
    assert_eq!(p.accounts.potential(row), 35_000.0);
}

#[test]
fn a_file_with_no_usable_row_imports_nothing_and_says_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("p.tessera");
    let project_arg = project.display().to_string();
    assert!(tessera(&["demo", &project_arg]).status.success());
    let before = std::fs::read(&project).expect("read");
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty.csv", b"", "no data rows"),
        ("header-only.csv", b"naam;lat;lon\n", "no data rows"),
        (
            "binary.csv",
            b"PK\x03\x04\x00\x00\x14\x00",
            "not a text (CSV) file",
        ),
        (
            "no-coordinates.csv",
            b"naam;plaats\nA;Nergenshuizen\n",
            "no place named",
        ),
    ];
    for (name, bytes, message) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).expect("write");
        let out = tessera(&[
            "import",
            &project_arg,
            "--accounts",
            &file.display().to_string(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name}");
        assert!(
            stderr.contains(name) && stderr.contains(message),
            "{name}: {stderr}"
        );
    }
    let all_bad = dir.path().join("all-bad.csv");
    std::fs::write(&all_bad, "naam;lat;lon\nA;95;5\nB;x;5\n").expect("write");
    let out = tessera(&[
        "import",
        &project_arg,
        "--accounts",
        &all_bad.display().to_string(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("none of the 2 rows can be imported") && stderr.contains("line 2"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&project).expect("read"),
        before,
        "the project is untouched"
    );
}

#[test]
fn an_excel_export_imports_like_a_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("p.tessera");
    let project_arg = project.display().to_string();
    assert!(tessera(&["demo", &project_arg]).status.success());
    let xlsx = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/crm-export-nl.xlsx");
    let out = tessera(&["import", &project_arg, "--accounts", xlsx]);
    let report = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{report}");
    assert!(
        report.contains("2 added, 0 updated, 0 unchanged, 1 skipped"),
        "{report}"
    );
    assert!(
        report.contains("line 4 (Plaats): no place named \"Nergenshuizen\""),
        "{report}"
    );
    let (_, p) = ProjectFile::open(&project).expect("open");
    let row = (0..p.accounts.len())
        .find(|&i| p.accounts.external_id(i) == "X-1")
        .expect("X-1");
    assert_eq!(
        (p.accounts.lats()[row], p.accounts.lons()[row]),
        (52.0907, 5.1214)
    );
    assert_eq!(p.accounts.potential(row), 45_000.0);
    let by_place = (0..p.accounts.len())
        .find(|&i| p.accounts.external_id(i) == "X-2")
        .expect("X-2 placed by its city");
    assert!((p.accounts.lats()[by_place] - 52.51).abs() < 0.05);
    assert_eq!(p.accounts.potential(by_place), 30_000.5);
}

#[test]
fn geojson_points_import_with_their_properties_as_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("p.tessera");
    let project_arg = project.display().to_string();
    assert!(tessera(&["demo", &project_arg]).status.success());
    let points = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/crm-accounts.geojson"
    );
    // One feature has no status: the import waits for its meaning.
    let out = tessera(&["import", &project_arg, "--accounts", points]);
    let report = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("(empty) (1 rows)"), "{report}");
    let out = tessera(&[
        "import",
        &project_arg,
        "--accounts",
        points,
        "--status",
        "=prospect",
    ]);
    let report = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{report}");
    for expected in [
        "3 added, 0 updated, 0 unchanged, 1 skipped",
        // Messages count features, not lines, and name the geometry's column.
        "skipped feature 4 (latitude (geometry)): latitude 95 is out of range",
    ] {
        assert!(report.contains(expected), "{expected:?} in:\n{report}");
    }
    let (_, p) = ProjectFile::open(&project).expect("open");
    assert_eq!(p.accounts.len(), 1017 + 3);
    let find = |id: &str| {
        (0..p.accounts.len())
            .find(|&i| p.accounts.external_id(i) == id)
            .map(|i| p.accounts.get(i))
            .unwrap_or_else(|| panic!("{id} imported"))
    };
    let a = find("G-1");
    // The point, not the `lat` property, places the account; the property is kept.
    assert_eq!((a.lat, a.lon), (52.0907, 5.1214));
    assert_eq!(a.extra.get("lat").map(String::as_str), Some("1.5"));
    assert_eq!(a.name, "Bakkerij Geo");
    assert_eq!(a.potential, 45_000.0, "a JSON number");
    assert_eq!(a.status, tessera::model::AccountStatus::Customer);
    assert_eq!(find("G-2").potential, 30_000.0, "Dutch text amounts too");
    // A feature without geometry is placed by its city, like a CSV row without coordinates.
    let zwolle = find("G-3");
    assert!((zwolle.lat - 52.51).abs() < 0.05, "{zwolle:?}");
}

#[test]
fn swapped_coordinate_columns_are_refused_and_import_once_mapped_the_other_way() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("p.tessera");
    let project_arg = project.display().to_string();
    assert!(tessera(&["demo", &project_arg]).status.success());
    let before = std::fs::read(&project).expect("read");
    let swapped = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/bad/swapped-lat-lon.csv"
    );
    let out = tessera(&["import", &project_arg, "--accounts", swapped]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains(
            "latitude and longitude look swapped: column 'Breedtegraad' holds values like 5.1214 \
             and column 'Lengtegraad' values like 52.0907; 4 of 4 rows read fall among the \
             project's accounts only the other way round"
        ),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&project).expect("read"),
        before,
        "nothing written"
    );
    // The planner maps the columns the other way round: now they import where they belong.
    let mapping = dir.path().join("m.ron");
    std::fs::write(
        &mapping,
        "(roles: [ExternalId, Name, City, Industry, Potential, Lon, Lat])",
    )
    .expect("write");
    let out = tessera(&[
        "import",
        &project_arg,
        "--accounts",
        swapped,
        "--mapping",
        &mapping.display().to_string(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, p) = ProjectFile::open(&project).expect("open");
    let row = (0..p.accounts.len())
        .find(|&i| p.accounts.external_id(i) == "K-2001")
        .expect("K-2001");
    assert_eq!(
        (p.accounts.lats()[row], p.accounts.lons()[row]),
        (52.0907, 5.1214)
    );
}

#[test]
fn a_self_intersecting_territory_is_repaired_and_reported() {
    use geo::{Area, Validation};
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("p.tessera");
    let project_arg = project.display().to_string();
    assert!(tessera(&["demo", &project_arg]).status.success());
    let bow_tie = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/self-intersecting.geojson"
    );
    let out = tessera(&["import", &project_arg, "--territories", bow_tie]);
    let report = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{report}");
    assert!(
        report.contains("self-intersecting.geojson: feature 1 (X): repaired invalid geometry (")
            && report.contains("into 2 parts of 0.5000 square degrees")
            && report.contains("added 1 territories to Current plan (1 repaired)"),
        "{report}"
    );
    let (_, p) = ProjectFile::open(&project).expect("open");
    let s = p.active().expect("scenario");
    let x = s
        .territories
        .iter()
        .find(|t| t.name == "X")
        .expect("X imported");
    // The bow tie (5,52)-(6,53)-(6,52)-(5,53) crosses itself at (5.5, 52.5): two triangles.
    assert!(x.geometry.is_valid());
    assert_eq!(x.geometry.0.len(), 2);
    assert!((x.geometry.unsigned_area() - 0.5).abs() < 1e-12);
}

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

fn demo(dir: &std::path::Path) -> String {
    let path = dir.join("p.tessera").display().to_string();
    assert!(tessera(&["demo", &path]).status.success());
    path
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_row_split_by_unquoted_decimal_commas_is_reported_not_misread() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo(dir.path());
    let csv = dir.path().join("a.csv");
    std::fs::write(
        &csv,
        "external_id,name,lat,lon\nD-0,Good,52.1,5.1\nD-1,Dutch,52,1,5,1\nD-2,Trailing,52.2,5.2,\n",
    )
    .expect("write");
    let out = tessera(&["import", &project, "--accounts", &csv.display().to_string()]);
    let message = stderr(&out);
    assert!(out.status.success(), "{message}");
    assert!(
        message.contains(
            "skipped line 3: 6 fields, the header has 4; a decimal comma in an unquoted number?"
        ),
        "{message}"
    );
    let (_, p) = ProjectFile::open(std::path::Path::new(&project)).expect("open");
    let names: Vec<&str> = (0..p.accounts.len()).map(|i| p.accounts.name(i)).collect();
    assert!(names.contains(&"Good"));
    // A trailing empty field is no shift: that row imports.
    assert!(names.contains(&"Trailing"));
    assert!(!names.contains(&"Dutch"), "the split row is not imported");
}

#[test]
fn unknown_status_values_stop_the_import_until_answered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo(dir.path());
    let file = format!("{DATA}/bad/unknown-status.csv");
    let before = std::fs::read(&project).expect("read");
    let out = tessera(&["import", &project, "--accounts", &file]);
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{message}");
    assert!(
        message.contains("neither customer nor prospect: (empty) (1 rows), \"vip\" (2 rows)"),
        "{message}"
    );
    assert!(message.contains("--status 'vip=customer'"), "{message}");
    assert_eq!(std::fs::read(&project).expect("read"), before);

    let out = tessera(&[
        "import",
        &project,
        "--accounts",
        &file,
        "--status",
        "VIP=customer",
        "--status",
        "=prospect",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (_, p) = ProjectFile::open(std::path::Path::new(&project)).expect("open");
    let status = |name: &str| {
        let i = (0..p.accounts.len())
            .find(|&i| p.accounts.name(i) == name)
            .expect("imported");
        p.accounts.get(i).status
    };
    use tessera::model::AccountStatus::{Customer, Prospect};
    assert_eq!(
        [status("A"), status("B"), status("C"), status("D")],
        [Customer, Prospect, Customer, Customer]
    );
}

#[test]
fn rows_without_potential_or_visits_are_counted_and_can_get_defaults() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo(dir.path());
    let csv = dir.path().join("a.csv");
    // Utrecht (in a demo region), twice without potential, once without visits.
    std::fs::write(
        &csv,
        "naam;lat;lon;grootte;potentie;bezoeken\nA;52,09;5,12;MKB;;\nB;52,10;5,13;MKB;;4\nC;52,11;5,14;;5000;2\n",
    )
    .expect("write");
    let c = csv.display().to_string();
    let out = tessera(&["import", &project, "--accounts", &c, "--dry-run"]);
    let message = stderr(&out);
    assert!(out.status.success(), "{message}");
    assert!(message.contains("2 rows have no potential"), "{message}");
    assert!(
        message.contains("1 rows have no visits per year"),
        "{message}"
    );

    let out = tessera(&[
        "import",
        &project,
        "--accounts",
        &c,
        "--potential-from-territory",
        "--visits",
        "MKB=6",
    ]);
    let message = stderr(&out);
    assert!(out.status.success(), "{message}");
    assert!(
        message
            .contains("2 rows without potential get their territory's average deal x conversion"),
        "{message}"
    );
    assert!(!message.contains("no visits per year"), "{message}");
    let (_, p) = ProjectFile::open(std::path::Path::new(&project)).expect("open");
    let account = |name: &str| {
        let i = (0..p.accounts.len())
            .rev()
            .find(|&i| p.accounts.name(i) == name)
            .expect("imported");
        p.accounts.get(i)
    };
    // The demo's territories: average deal EUR 40K at 10 % conversion.
    let plan = p.active().expect("active plan");
    let t = &plan.territories[0];
    assert_eq!(account("A").potential, t.average_deal * t.conversion);
    assert_eq!(account("A").potential, 4000.0);
    assert_eq!(account("A").visits_per_year, 6.0);
    assert_eq!(account("B").visits_per_year, 4.0);
    assert_eq!(account("C").potential, 5000.0);
}

#[test]
fn a_reimport_without_external_ids_warns_and_can_match_by_name_and_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo(dir.path());
    let csv = dir.path().join("a.csv");
    std::fs::write(
        &csv,
        "naam,lat,lon,status\nAlfa,52.09,5.12,klant\nBeta,52.37,4.89,prospect\nGamma,51.92,4.48,prospect\n",
    )
    .expect("write");
    let c = csv.display().to_string();
    let count = || {
        ProjectFile::open(std::path::Path::new(&project))
            .expect("open")
            .1
            .accounts
            .len()
    };
    let first = count();
    assert!(
        tessera(&["import", &project, "--accounts", &c])
            .status
            .success()
    );
    assert_eq!(count(), first + 3);
    let out = tessera(&["import", &project, "--accounts", &c, "--dry-run"]);
    let message = stderr(&out);
    assert!(
        message.contains(
            "3 rows without an external id have the name and place of an existing account"
        ),
        "{message}"
    );
    let out = tessera(&["import", &project, "--accounts", &c, "--match-by-name"]);
    let message = stderr(&out);
    assert!(out.status.success(), "{message}");
    assert!(
        message.contains("0 added, 0 updated, 3 unchanged"),
        "{message}"
    );
    assert!(message.contains("3 matched by name and place"), "{message}");
    assert_eq!(count(), first + 3, "no duplicates");
    // A changed row updates its match.
    std::fs::write(
        &csv,
        "naam,lat,lon,status\nalfa,52.0905,5.1204,prospect\nDelta,52.0,5.0,prospect\n",
    )
    .expect("write");
    let out = tessera(&["import", &project, "--accounts", &c, "--match-by-name"]);
    let message = stderr(&out);
    assert!(message.contains("1 added, 1 updated"), "{message}");
    assert_eq!(count(), first + 4);
}

#[test]
fn utf16_text_and_bom_prefixed_geojson_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo(dir.path());
    let out = tessera(&[
        "import",
        &project,
        "--accounts",
        &format!("{DATA}/utf16-with-bom.csv"),
        "--status",
        "=prospect",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (_, p) = ProjectFile::open(std::path::Path::new(&project)).expect("open");
    let last = p.accounts.get(p.accounts.len() - 1);
    assert_eq!(
        (last.name.as_str(), last.lat, last.potential),
        ("A", 52.1, 1000.0)
    );
    let out = tessera(&[
        "import",
        &project,
        "--territories",
        &format!("{DATA}/bom.geojson"),
        "--scenario",
        "Bom",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (_, p) = ProjectFile::open(std::path::Path::new(&project)).expect("open");
    let bom = p.scenario_by_name("Bom").expect("scenario");
    assert_eq!(bom.territories[0].name, "Vierkant");
}

#[test]
fn territories_are_named_by_the_chosen_or_guessed_property() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo(dir.path());
    let file = format!("{DATA}/qgis-regio.geojson");
    let names = |scenario: &str| {
        let (_, p) = ProjectFile::open(std::path::Path::new(&project)).expect("open");
        p.scenario_by_name(scenario)
            .expect("scenario")
            .territories
            .iter()
            .map(|t| t.name.clone())
            .collect::<Vec<_>>()
    };
    let out = tessera(&[
        "import",
        &project,
        "--territories",
        &file,
        "--scenario",
        "Guess",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(names("Guess"), ["Noord", "Oost", "Zuid"]);
    let out = tessera(&[
        "import",
        &project,
        "--territories",
        &file,
        "--scenario",
        "Codes",
        "--name-property",
        "code",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(names("Codes"), ["N", "O", "Z"]);
    let out = tessera(&[
        "import",
        &project,
        "--territories",
        &file,
        "--name-property",
        "naam",
    ]);
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{message}");
    assert!(
        message.contains("no feature has a property \"naam\"; text properties: code, regio"),
        "{message}"
    );
}
