//! The command line, end to end: demo, report, route, and their errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tessera::store::ProjectFile;

fn tessera(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn demo_file(dir: &Path) -> PathBuf {
    let path = dir.join("demo.tessera");
    let out = tessera(&["demo", path.to_str().expect("utf-8 path")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    path
}

#[test]
fn demo_then_report_shows_the_worked_example() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_file(dir.path());
    let p = path.to_str().expect("utf-8");

    let out = tessera(&["report", p]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    for region in ["Noord", "Oost", "West", "Zuid"] {
        assert!(table.contains(region), "{table}");
    }
    assert!(
        table.contains("Gaps (accounts in no territory): 0"),
        "{table}"
    );
    assert!(
        table.contains("Overlaps (accounts in two or more): 0"),
        "{table}"
    );

    let out = tessera(&["report", p, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["scenario"], "Current plan");
    assert_eq!(json["gaps"], 0);
    assert_eq!(json["overlaps"], 0);
    let territories = json["territories"].as_array().expect("a list");
    assert_eq!(territories.len(), 4);
    for t in territories {
        for key in [
            "name",
            "rep",
            "accounts",
            "prospects",
            "customers",
            "potential",
            "revenue",
            "workload_hours",
            "required_deals",
            "required_leads",
            "area_km2",
            "polsby_popper",
            "parts",
        ] {
            assert!(t.get(key).is_some(), "missing {key} in {t}");
        }
        assert_eq!(t["prospects"], 200);
        assert_eq!(t["required_deals"], 20.0);
        assert!((t["required_leads"].as_f64().unwrap_or(0.0) - 200.0).abs() < 1e-9);
    }

    let out = tessera(&["report", p, "--format", "csv", "--scenario", "Current plan"]);
    let csv = text(&out.stdout);
    assert_eq!(csv.lines().count(), 5, "{csv}");
    assert!(csv.starts_with("name,rep,accounts,prospects"), "{csv}");
}

#[test]
fn report_errors_are_clear_and_leave_files_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_file(dir.path());
    let out = tessera(&[
        "report",
        path.to_str().expect("utf-8"),
        "--scenario",
        "2027 draft",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr)
            .contains("no scenario named \"2027 draft\"; the project has: Current plan"),
        "{}",
        text(&out.stderr)
    );

    let not_project = dir.path().join("leads.csv");
    std::fs::write(&not_project, "name,lat,lon\nA,52.1,5.1\n").expect("write");
    let out = tessera(&["report", not_project.to_str().expect("utf-8")]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("is not a Tessera project"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&not_project).expect("read"),
        "name,lat,lon\nA,52.1,5.1\n"
    );

    let out = tessera(&["demo", path.to_str().expect("utf-8")]);
    assert!(!out.status.success(), "demo must not overwrite");
    assert!(text(&out.stderr).contains("already exists"));
    assert!(
        tessera(&["demo", path.to_str().expect("utf-8"), "--force"])
            .status
            .success()
    );
}

const TWO_SQUARES: &str = r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"name":"West"},"geometry":{"type":"Polygon","coordinates":[[[4,52],[5,52],[5,53],[4,53],[4,52]]]}},
 {"type":"Feature","properties":{"name":"East"},"geometry":{"type":"Polygon","coordinates":[[[5,52],[6,52],[6,53],[5,53],[5,52]]]}}]}"#;

#[test]
fn route_adds_territories_and_reports_bad_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let territories = dir.path().join("t.geojson");
    std::fs::write(&territories, TWO_SQUARES).expect("write");
    let leads = dir.path().join("leads.csv");
    std::fs::write(
        &leads,
        "id,name,lat,lon,notes\n\
         1,\"Bakker, Jan\",52.5,4.5,\"keep \"\"this\"\"\"\n\
         2,Border,52.5,5.0,on the shared border\n\
         3,Far,40.0,4.5,outside\n\
         4,Broken,abc,4.5,\n\
         5,Polar,95,4.5,\n\
         6,East,52.25,5.75,\n",
    )
    .expect("write");
    let out_path = dir.path().join("routed.csv");
    let out = tessera(&[
        "route",
        "--accounts",
        leads.to_str().expect("utf-8"),
        "--territories",
        territories.to_str().expect("utf-8"),
        "--out",
        out_path.to_str().expect("utf-8"),
        "--timings",
    ]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("leads.csv line 5, column lat: \"abc\" is not a number"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 6, column lat: 95 is out of range"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "routed 3 of 6 rows (1 outside every territory, 2 with unusable coordinates)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("timings: read"), "{stderr}");

    let mut reader = csv::Reader::from_path(&out_path).expect("output is CSV");
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(header, ["id", "name", "lat", "lon", "notes", "territory"]);
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    let territory: Vec<&str> = rows.iter().map(|r| &r[5]).collect();
    assert_eq!(
        territory,
        ["West", "East", "", "", "", "East"],
        "the border point goes east"
    );
    assert_eq!(&rows[0][1], "Bakker, Jan");
    assert_eq!(
        &rows[0][4], "keep \"this\"",
        "other columns pass through unchanged"
    );
}

#[test]
fn route_through_a_project_matches_the_engine_and_names_reps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_file(dir.path());
    let (_, project) = ProjectFile::open(&path).expect("open");
    // Export the demo's accounts as leads, with a Dutch semicolon file and decimal commas.
    let leads = dir.path().join("leads.csv");
    let mut csv_text = String::from("naam;lat;lon\n");
    for i in 0..project.accounts.len() {
        let lat = project.accounts.lats()[i].to_string().replace('.', ",");
        let lon = project.accounts.lons()[i].to_string().replace('.', ",");
        csv_text.push_str(&format!("{};{lat};{lon}\n", project.accounts.name(i)));
    }
    std::fs::write(&leads, csv_text).expect("write");
    let out = tessera(&[
        "route",
        "--accounts",
        leads.to_str().expect("utf-8"),
        "--project",
        path.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = tessera::engine::report::ScenarioReport::compute(
        &project,
        project.active().expect("scenario"),
    );
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        ["naam", "lat", "lon", "territory", "rep"]
    );
    let mut per_territory = std::collections::BTreeMap::<String, u64>::new();
    for row in reader.records() {
        let row = row.expect("row");
        let expected_rep = report
            .territories
            .iter()
            .find(|t| t.name == row[3])
            .and_then(|t| t.rep.clone());
        assert_eq!(Some(row[4].to_string()), expected_rep);
        *per_territory.entry(row[3].to_string()).or_default() += 1;
    }
    for t in &report.territories {
        assert_eq!(
            per_territory.get(&t.name),
            Some(&t.metrics.accounts),
            "{}",
            t.name
        );
    }
}

#[test]
fn route_refuses_unusable_inputs_without_writing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let territories = dir.path().join("t.geojson");
    std::fs::write(&territories, TWO_SQUARES).expect("write");
    let t = territories.to_str().expect("utf-8");
    let out_path = dir.path().join("out.csv");
    let o = out_path.to_str().expect("utf-8");
    let cases = [
        (
            "no_coords.csv",
            "name,city\nA,Utrecht\n",
            "no latitude column (looked for lat, latitude, breedtegraad); the header has: name, city",
        ),
        (
            "all_bad.csv",
            "name,lat,lon\nA,x,y\nB,,\n",
            "nothing could be routed: 2 rows, 2 with unusable coordinates",
        ),
        (
            "outside.csv",
            "name,lat,lon\nA,10,10\n",
            "nothing could be routed: 1 rows, 0 with unusable coordinates, 1 outside",
        ),
    ];
    for (name, content, expected) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, content).expect("write");
        let out = tessera(&[
            "route",
            "--accounts",
            file.to_str().expect("utf-8"),
            "--territories",
            t,
            "--out",
            o,
        ]);
        assert!(!out.status.success(), "{name}");
        assert!(
            text(&out.stderr).contains(expected),
            "{name}: {}",
            text(&out.stderr)
        );
        assert!(!out_path.exists(), "{name}: no output on failure");
    }
    let point = dir.path().join("point.geojson");
    std::fs::write(
        &point,
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[5,52]},"properties":{}}"#,
    )
    .expect("write");
    let leads = dir.path().join("ok.csv");
    std::fs::write(&leads, "lat,lon\n52.5,4.5\n").expect("write");
    let out = tessera(&[
        "route",
        "--accounts",
        leads.to_str().expect("utf-8"),
        "--territories",
        point.to_str().expect("utf-8"),
    ]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("expected a GeoJSON FeatureCollection of (Multi)Polygon features, found a single Feature"), "{}", text(&out.stderr));
}

#[test]
fn help_explains_every_command() {
    let out = tessera(&["--help"]);
    let help = text(&out.stdout);
    for command in [
        "demo", "report", "route", "synth", "import", "export", "compare",
    ] {
        assert!(help.contains(command), "{help}");
    }
    let out = tessera(&["route", "--help"]);
    assert!(text(&out.stdout).contains("--territories"));
}

#[test]
fn territories_imported_as_a_new_scenario_compare_against_the_plan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_file(dir.path());
    let p = path.to_str().expect("utf-8");
    let geojson = dir.path().join("plan.geojson");
    let g = geojson.to_str().expect("utf-8");
    let out = tessera(&["export", p, "--geojson", g]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A scenario name the project does not have: a new scenario of the file's territories,
    // with the reps, colours and targets our export wrote.
    let out = tessera(&["import", p, "--territories", g, "--scenario", "Draft"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("new scenario Draft"));
    assert!(text(&out.stderr).contains("4 with their rep"));
    let (_, project) = ProjectFile::open(&path).expect("opens");
    assert_eq!(project.scenarios.len(), 2);
    let draft = project.scenario_by_name("Draft").expect("draft");
    let current = project.scenario_by_name("Current plan").expect("plan");
    assert_eq!(draft.territories.len(), current.territories.len());
    for (d, c) in draft.territories.iter().zip(&current.territories) {
        assert_eq!(
            (
                &d.name,
                d.rep,
                d.colour,
                d.target,
                d.average_deal,
                d.conversion,
                &d.rule
            ),
            (
                &c.name,
                c.rep,
                c.colour,
                c.target,
                c.average_deal,
                c.conversion,
                &c.rule
            )
        );
    }

    // Export then import gives the same plan: nobody changes hands.
    let compare = |b: &str, moves: &Path| {
        let out = tessera(&[
            "compare",
            p,
            "--a",
            "Current plan",
            "--b",
            b,
            "--format",
            "json",
            "--moves",
            moves.to_str().expect("utf-8"),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
        let rows = csv::Reader::from_path(moves)
            .expect("moves CSV")
            .records()
            .count();
        (json, rows)
    };
    let (json, rows) = compare("Draft", &dir.path().join("moves.csv"));
    assert_eq!(json["disruption"]["moved"], 0);
    assert_eq!(rows, 0);

    // A rep the project does not know is reported; that territory's accounts change hands.
    let noord_rep = current.territories[0]
        .rep
        .and_then(|r| project.rep(r))
        .map(|r| r.name.clone())
        .expect("Noord has a rep");
    let renamed = std::fs::read_to_string(&geojson)
        .expect("read")
        .replace(&noord_rep, "Nobody Known");
    let other = dir.path().join("other.geojson");
    std::fs::write(&other, renamed).expect("write");
    let out = tessera(&[
        "import",
        p,
        "--territories",
        other.to_str().expect("utf-8"),
        "--scenario",
        "Other",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("the project has no rep named Nobody Known"),
        "{}",
        text(&out.stderr)
    );
    let (json, rows) = compare("Other", &dir.path().join("moves2.csv"));
    let report = tessera::engine::report::ScenarioReport::compute(&project, current);
    let noord = report.territories[0].metrics.accounts;
    assert_eq!(json["disruption"]["moved"], noord);
    assert_eq!(rows as u64, noord);
    let flows = json["disruption"]["reps"].as_array().expect("reps");
    let no_rep = flows
        .iter()
        .find(|f| f["name"] == "(no rep)")
        .expect("no-rep row");
    assert_eq!(no_rep["gained"], noord);

    let out = tessera(&["compare", p, "--a", "Current plan", "--b", "Other"]);
    let table = text(&out.stdout);
    assert!(table.contains("Territory: Noord"), "{table}");
    assert!(table.contains("Changing hands:"), "{table}");
    let out = tessera(&["compare", p, "--a", "Current plan", "--b", "Nope"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no scenario named \"Nope\""));
}

#[test]
fn a_pipe_is_refused_as_not_a_regular_file_without_waiting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_file(dir.path());
    let p = path.to_str().expect("utf-8");
    let fifo = dir.path().join("pipe.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let f = fifo.to_str().expect("utf-8");
    let fifo_geojson = dir.path().join("pipe.geojson");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo_geojson)
            .status()
            .expect("mkfifo")
            .success()
    );
    let g = fifo_geojson.to_str().expect("utf-8");
    for args in [
        vec!["import", p, "--accounts", f],
        vec!["import", p, "--territories", g],
        vec!["route", "--accounts", f, "--project", p],
        vec!["report", f],
    ] {
        let out = tessera(&args);
        let message = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {message}");
        assert!(
            message.contains("not a regular file"),
            "{args:?}: {message}"
        );
        assert!(!message.contains("directory"), "{args:?}: {message}");
    }
}

#[test]
fn route_refuses_an_unclosed_quote_with_its_line_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = demo_file(dir.path());
    let p = path.to_str().expect("utf-8");
    let input = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/bad/unclosed-quote-route.csv"
    );
    let out_file = dir.path().join("routed.csv");
    let out = tessera(&[
        "route",
        "--accounts",
        input,
        "--project",
        p,
        "--out",
        out_file.to_str().expect("utf-8"),
    ]);
    let message = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{message}");
    assert!(
        message.contains("line 3: a quoted field does not close"),
        "{message}"
    );
    assert!(!message.contains("is empty"), "{message}");
    assert!(!out_file.exists(), "nothing written");
}

#[test]
fn outputs_never_overwrite_the_project_an_input_or_a_non_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = demo_file(dir.path());
    let p = project.to_str().expect("utf-8");
    // Another spelling of the project's path is the project too.
    let dotted = dir.path().join(".").join("demo.tessera");
    let d = dotted.to_str().expect("utf-8");
    let accounts = dir.path().join("crm.csv");
    std::fs::write(&accounts, "name,lat,lon\nA,52.1,5.1\nB,52.3,6.0\n").expect("write");
    let a = accounts.to_str().expect("utf-8");
    let target = dir.path().join("target.csv");
    std::fs::write(&target, "keep").expect("write");
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let l = link.to_str().expect("utf-8");
    let project_bytes = std::fs::read(&project).expect("read");
    let accounts_bytes = std::fs::read(&accounts).expect("read");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["export", p, "--csv", p], "the project"),
        (vec!["export", p, "--geojson", d], "the project"),
        (vec!["export", p, "--gpkg", p], "the project"),
        (vec!["export", p, "--csv", l], "symbolic link"),
        (
            vec![
                "compare",
                p,
                "--a",
                "Current plan",
                "--b",
                "Current plan",
                "--moves",
                p,
            ],
            "the project",
        ),
        (
            vec!["route", "--accounts", a, "--project", p, "--out", p],
            "the project",
        ),
        (
            vec!["route", "--accounts", a, "--project", p, "--out", a],
            "the accounts file",
        ),
        (
            vec!["import", p, "--accounts", a, "--save-mapping", p],
            "the project",
        ),
        (
            vec!["import", p, "--accounts", a, "--save-mapping", a],
            "the accounts file",
        ),
    ];
    for (args, why) in cases {
        let out = tessera(&args);
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "{args:?} must fail");
        assert!(stderr.contains(why), "{args:?}: {stderr}");
        assert_eq!(
            std::fs::read(&project).expect("read"),
            project_bytes,
            "{args:?}"
        );
        assert_eq!(
            std::fs::read(&accounts).expect("read"),
            accounts_bytes,
            "{args:?}"
        );
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "keep");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink(),
            "{args:?} left the link a link"
        );
    }
    // Two outputs of one export on the same file are refused too.
    let both = dir.path().join("both.out");
    let b = both.to_str().expect("utf-8");
    let out = tessera(&["export", p, "--csv", b, "--geojson", b]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("another output"),
        "{}",
        text(&out.stderr)
    );
    assert!(!both.exists());
    // The project still opens and reports.
    assert!(tessera(&["report", p]).status.success());
}
