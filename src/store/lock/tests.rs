//! Tests of the project lock file.
use super::*;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

#[test]
fn times_are_written_and_read_as_rfc3339_utc() {
    assert_eq!(rfc3339(at(0)), "1970-01-01T00:00:00Z");
    // 2026-11-30 14:02:07 UTC
    let t = at(1_796_047_327);
    assert_eq!(rfc3339(t), "2026-11-30T14:02:07Z");
    assert_eq!(parse_rfc3339("2026-11-30T14:02:07Z"), Some(t));
    assert_eq!(rfc3339(at(951_782_400)), "2000-02-29T00:00:00Z");
    for secs in [0, 59, 86_399, 951_868_799, 4_102_444_800, 1_796_047_327] {
        assert_eq!(parse_rfc3339(&rfc3339(at(secs))), Some(at(secs)));
    }
    for bad in [
        "",
        "2026-11-30 14:02:07Z",
        "2026-13-01T00:00:00Z",
        "2026-11-30T14:02:07",
    ] {
        assert_eq!(parse_rfc3339(bad), None, "{bad}");
    }
}

#[test]
fn the_lock_file_names_user_host_pid_and_times() {
    let holder = Holder {
        user: "anna".into(),
        host: "LAPTOP-7".into(),
        pid: 4242,
        since: at(1_796_047_327),
        heartbeat: at(1_796_047_357),
        token: 0xabc,
    };
    let text = holder.to_text();
    assert_eq!(
        text,
        "tessera-lock 1\nuser=anna\nhost=LAPTOP-7\npid=4242\nsince=2026-11-30T14:02:07Z\n\
         heartbeat=2026-11-30T14:02:37Z\ntoken=0000000000000abc\n"
    );
    assert_eq!(Holder::parse(&text), Some(holder.clone()));
    assert_eq!(
        holder.to_string(),
        "anna on LAPTOP-7 since 2026-11-30 14:02 UTC"
    );
    // Not a lock: empty, foreign, cut short.
    assert_eq!(Holder::parse(""), None);
    assert_eq!(Holder::parse("hello\nuser=anna\n"), None);
    assert_eq!(Holder::parse("tessera-lock 1\nuser=anna\nhost=x\n"), None);
}

#[test]
fn a_lock_is_created_refused_while_held_and_released_on_drop() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.tessera");
    let lock = ProjectLock::acquire(&project).unwrap();
    let path = ProjectLock::lock_path(&project);
    assert_eq!(path, dir.path().join("p.tessera.lock"));
    let on_disk = ProjectLock::holder_of(&project).unwrap();
    assert_eq!(on_disk.pid, std::process::id());
    assert_eq!(on_disk.host, this_host());
    assert!(lock.took_over().is_none());
    // This very process holds it: a second writer (another window) is refused.
    match ProjectLock::acquire(&project) {
        Err(LockError::Held { holder, .. }) => assert_eq!(holder, on_disk),
        other => panic!("expected Held, got {other:?}"),
    }
    drop(lock);
    assert!(!path.exists(), "released on drop");
    let again = ProjectLock::acquire(&project).unwrap();
    assert!(again.took_over().is_none());
}

#[test]
fn a_lock_of_a_dead_process_on_this_host_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.tessera");
    // A process that has exited and been reaped: its pid is free.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    let dead = Holder {
        pid,
        ..Holder::me(SystemTime::now())
    };
    std::fs::write(ProjectLock::lock_path(&project), dead.to_text()).unwrap();
    assert_eq!(
        dead.stale(SystemTime::now()),
        Some(StaleReason::ProcessGone)
    );
    let lock = ProjectLock::acquire(&project).unwrap();
    let took = lock.took_over().expect("a takeover");
    assert_eq!(took.holder, dead);
    assert!(took.to_string().contains("is no longer running"), "{took}");
    assert_eq!(
        ProjectLock::holder_of(&project).unwrap().pid,
        std::process::id()
    );
}

#[test]
fn a_lock_without_heartbeat_is_stale_and_a_fresh_one_from_another_host_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.tessera");
    let now = Holder::me(SystemTime::now()).since; // whole seconds, as files hold them
    let remote = Holder {
        user: "anna".into(),
        host: "LAPTOP-7-elsewhere".into(),
        pid: 1,
        since: now - Duration::from_secs(3600),
        heartbeat: now - Duration::from_secs(20),
        token: 1,
    };
    // Beating 20 s ago: alive, whatever its pid means here.
    assert_eq!(remote.stale(now), None);
    std::fs::write(ProjectLock::lock_path(&project), remote.to_text()).unwrap();
    let err = ProjectLock::acquire(&project).unwrap_err();
    assert!(
        err.to_string()
            .contains("is being edited by anna on LAPTOP-7-elsewhere since"),
        "{err}"
    );
    // Silent for 6 minutes: stale.
    let silent = Holder {
        heartbeat: now - Duration::from_secs(6 * 60),
        ..remote
    };
    assert_eq!(
        silent.stale(now),
        Some(StaleReason::NoHeartbeat { minutes: 6 })
    );
    std::fs::write(ProjectLock::lock_path(&project), silent.to_text()).unwrap();
    let lock = ProjectLock::acquire(&project).unwrap();
    assert_eq!(lock.took_over().map(|t| &t.holder), Some(&silent));
}

#[test]
fn the_heartbeat_renews_the_lock_and_notices_a_takeover() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.tessera");
    let lock = ProjectLock::acquire_with(&project, Duration::from_millis(20)).unwrap();
    let first = ProjectLock::holder_of(&project).unwrap();
    // Heartbeats are whole seconds: wait for one to land in a later second.
    let renewed = (0..150).any(|_| {
        std::thread::sleep(Duration::from_millis(20));
        ProjectLock::holder_of(&project).is_some_and(|h| h.heartbeat > first.heartbeat)
    });
    assert!(renewed, "the heartbeat was rewritten");
    assert!(!lock.is_lost());
    // Another process judged it stale and took it: the heartbeat notices, and dropping
    // our lock leaves theirs alone.
    let theirs = Holder {
        host: "elsewhere".into(),
        token: 99,
        ..Holder::me(SystemTime::now())
    };
    std::fs::write(lock.path(), theirs.to_text()).unwrap();
    let noticed = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(20));
        lock.is_lost()
    });
    assert!(noticed, "the lost lock was noticed");
    drop(lock);
    assert_eq!(ProjectLock::holder_of(&project), Some(theirs));
}

#[test]
fn an_unreadable_lock_file_counts_as_held_until_it_is_old() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.tessera");
    let path = ProjectLock::lock_path(&project);
    std::fs::write(&path, "").unwrap();
    let err = ProjectLock::acquire(&project).unwrap_err();
    assert!(matches!(err, LockError::Held { .. }), "{err}");
    let old = SystemTime::now() - Duration::from_secs(3600);
    File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let lock = ProjectLock::acquire(&project).unwrap();
    assert!(lock.took_over().is_some());
}
