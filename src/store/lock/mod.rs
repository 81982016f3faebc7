//! One writer per project: a lock file beside the project (`P.tessera.lock`) that says who
//! holds it.
//!
//! SQLite's own locks do not hold across SMB shares and say nothing about who holds a file,
//! so the lock is a plain file, created with create-new semantics (`O_EXCL`, which network
//! file systems honour) and holding the holder's user, host, process id, the time the lock
//! was taken and a heartbeat. While a [`ProjectLock`] lives, a thread rewrites the heartbeat
//! every [`HEARTBEAT`]; dropping the lock stops the thread and removes the file.
//!
//! A lock left behind by a process that died is **stale** and is taken over:
//! - on the same host, when the holder's process is gone (Linux: `/proc/PID` is absent or a
//!   zombie; elsewhere the heartbeat decides);
//! - on any host, when the heartbeat is older than [`STALE_AFTER`] (this assumes the hosts'
//!   clocks agree within a minute or two).
//!
//! Taking over renames the stale file aside and checks that what was moved is what was
//! judged stale, so two processes racing for a stale lock cannot both win.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use thiserror::Error;

/// How often the holder rewrites its heartbeat.
pub const HEARTBEAT: Duration = Duration::from_secs(30);

/// A heartbeat older than this marks the lock stale (ten missed beats).
pub const STALE_AFTER: Duration = Duration::from_secs(5 * 60);

/// The first line of every lock file (its format version).
const MAGIC: &str = "tessera-lock 1";

/// Who holds a project, as written in its lock file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The user's login name (`USER`, `USERNAME` or `LOGNAME`), "unknown" when none is set.
    pub user: String,
    /// The host's name.
    pub host: String,
    /// The holding process.
    pub pid: u32,
    /// When the lock was taken.
    pub since: SystemTime,
    /// When the holder last said it is alive.
    pub heartbeat: SystemTime,
    /// Tells two locks of the same process apart (taken, released, taken again).
    token: u64,
}

impl Holder {
    /// This process, now.
    fn me(now: SystemTime) -> Holder {
        let user = ["USER", "USERNAME", "LOGNAME"]
            .iter()
            .filter_map(std::env::var_os)
            .map(|u| u.to_string_lossy().trim().to_owned())
            .find(|u| !u.is_empty())
            .unwrap_or_else(|| "unknown".to_owned());
        let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or_default();
        let nanos = since_epoch.as_nanos() as u64;
        // Whole seconds, as the file holds them, so that what we wrote reads back equal.
        let now = UNIX_EPOCH + Duration::from_secs(since_epoch.as_secs());
        Holder {
            user: one_line(&user),
            host: this_host(),
            pid: std::process::id(),
            since: now,
            heartbeat: now,
            token: nanos ^ (u64::from(std::process::id()) << 32),
        }
    }

    /// The lock file's text: a first line naming the format, then `key=value` lines.
    pub fn to_text(&self) -> String {
        format!(
            "{MAGIC}\nuser={}\nhost={}\npid={}\nsince={}\nheartbeat={}\ntoken={:016x}\n",
            self.user,
            self.host,
            self.pid,
            rfc3339(self.since),
            rfc3339(self.heartbeat),
            self.token
        )
    }

    /// Reads a lock file's text; `None` when it is not one (empty, cut short, foreign).
    pub fn parse(text: &str) -> Option<Holder> {
        let mut lines = text.lines();
        if lines.next()?.trim() != MAGIC {
            return None;
        }
        let (mut user, mut host, mut pid, mut since, mut heartbeat, mut token) =
            (None, None, None, None, None, None);
        for line in lines {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let value = value.trim();
            match key.trim() {
                "user" => user = Some(value.to_owned()),
                "host" => host = Some(value.to_owned()),
                "pid" => pid = value.parse().ok(),
                "since" => since = parse_rfc3339(value),
                "heartbeat" => heartbeat = parse_rfc3339(value),
                "token" => token = u64::from_str_radix(value, 16).ok(),
                // Later versions may say more; what we need is above.
                _ => {}
            }
        }
        Some(Holder {
            user: user?,
            host: host?,
            pid: pid?,
            since: since?,
            heartbeat: heartbeat?,
            token: token.unwrap_or(0),
        })
    }

    /// Whether `other` is the same taking of the lock (the heartbeat aside).
    fn same_lock(&self, other: &Holder) -> bool {
        self.host == other.host
            && self.pid == other.pid
            && self.since == other.since
            && self.token == other.token
    }

    /// When the lock was taken, for people: `2026-11-30 14:02 UTC`.
    pub fn since_text(&self) -> String {
        let t = rfc3339(self.since);
        format!("{} {} UTC", &t[..10], &t[11..16])
    }

    /// Whether the holder is gone, and why (`None`: it may well be alive).
    pub fn stale(&self, now: SystemTime) -> Option<StaleReason> {
        if self.host == this_host() && self.pid != std::process::id() && !process_alive(self.pid) {
            return Some(StaleReason::ProcessGone);
        }
        let age = now.duration_since(self.heartbeat).unwrap_or_default();
        (age > STALE_AFTER).then_some(StaleReason::NoHeartbeat {
            minutes: age.as_secs() / 60,
        })
    }
}

impl fmt::Display for Holder {
    /// `anna on LAPTOP-7 since 2026-11-30 14:02 UTC`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} on {} since {}",
            self.user,
            self.host,
            self.since_text()
        )
    }
}

/// Why a lock was judged stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleReason {
    /// The holder ran on this host and its process is gone.
    ProcessGone,
    /// The holder has not renewed its heartbeat for this many minutes.
    NoHeartbeat {
        /// Minutes since the last heartbeat.
        minutes: u64,
    },
}

/// A stale lock this process took over, to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Takeover {
    /// Who held it.
    pub holder: Holder,
    /// Why it was stale.
    pub reason: StaleReason,
}

impl fmt::Display for Takeover {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.reason {
            StaleReason::ProcessGone => {
                format!("its process {} is no longer running", self.holder.pid)
            }
            StaleReason::NoHeartbeat { minutes } => {
                format!("it has not been renewed for {minutes} minutes")
            }
        };
        write!(
            f,
            "took over a stale lock of {} ({why}); any edits not saved there are lost",
            self.holder
        )
    }
}

/// Why a project could not be locked.
#[derive(Debug, Error)]
pub enum LockError {
    /// Someone else edits the project.
    #[error(
        "{project} is being edited by {holder} (process {pid})",
        pid = holder.pid
    )]
    Held {
        /// The project.
        project: PathBuf,
        /// Who holds it.
        holder: Holder,
    },
    /// The lock file could not be created, read or removed.
    #[error("{path}: cannot lock the project: {source}")]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// The right to write a project, held while this value lives (a heartbeat thread keeps it
/// fresh; dropping it removes the lock file).
#[derive(Debug)]
pub struct ProjectLock {
    path: PathBuf,
    holder: Holder,
    took_over: Option<Takeover>,
    /// Set by the heartbeat when the file no longer holds our lock (another process judged
    /// it stale and took it).
    lost: Arc<AtomicBool>,
    stop: Option<Sender<()>>,
    beat: Option<JoinHandle<()>>,
}

impl ProjectLock {
    /// The lock file of `project`: `P.tessera.lock` beside it.
    pub fn lock_path(project: &Path) -> PathBuf {
        let mut p = project.as_os_str().to_owned();
        p.push(".lock");
        PathBuf::from(p)
    }

    /// Who holds `project` now, if anyone (`None` also when the lock file is unreadable).
    pub fn holder_of(project: &Path) -> Option<Holder> {
        std::fs::read_to_string(Self::lock_path(project))
            .ok()
            .and_then(|t| Holder::parse(&t))
    }

    /// Takes the lock of `project`, taking over a stale one; refused with the holder when a
    /// live process holds it.
    pub fn acquire(project: &Path) -> Result<ProjectLock, LockError> {
        Self::acquire_with(project, HEARTBEAT)
    }

    /// [`Self::acquire`] with another heartbeat interval (tests beat faster).
    pub fn acquire_with(project: &Path, every: Duration) -> Result<ProjectLock, LockError> {
        let path = Self::lock_path(project);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        let mut took_over = None;
        // A few rounds: each lost race (someone created or moved the file between our steps)
        // starts again from the top; a live holder ends it.
        for _ in 0..8 {
            let me = Holder::me(SystemTime::now());
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    if let Err(e) = write_all_synced(&mut file, &me.to_text()) {
                        let _ = std::fs::remove_file(&path);
                        return Err(io(e));
                    }
                    return Ok(Self::start(path, me, took_over, every));
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io(e)),
            }
            let Some((text, holder)) = read_holder(&path).map_err(io)? else {
                continue; // removed meanwhile
            };
            let Some(reason) = holder.stale(SystemTime::now()) else {
                return Err(LockError::Held {
                    project: project.to_owned(),
                    holder,
                });
            };
            if take_aside(&path, &text).map_err(io)? {
                took_over = Some(Takeover { holder, reason });
            }
        }
        // Still contended after every round: report whoever holds it now.
        match read_holder(&path).map_err(io)? {
            Some((_, holder)) => Err(LockError::Held {
                project: project.to_owned(),
                holder,
            }),
            None => Err(io(std::io::Error::other(
                "the lock file keeps changing; try again",
            ))),
        }
    }

    fn start(
        path: PathBuf,
        holder: Holder,
        took_over: Option<Takeover>,
        every: Duration,
    ) -> ProjectLock {
        let lost = Arc::new(AtomicBool::new(false));
        let (stop, wait) = mpsc::channel::<()>();
        let (beat_path, beat_holder, beat_lost) = (path.clone(), holder.clone(), lost.clone());
        let beat = std::thread::Builder::new()
            .name("tessera-lock-heartbeat".into())
            .spawn(move || {
                // Ends when the lock is dropped (the sender goes) or is found lost.
                while let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(every) {
                    if !renew(&beat_path, &beat_holder) {
                        beat_lost.store(true, Ordering::SeqCst);
                        break;
                    }
                }
            })
            .ok();
        ProjectLock {
            path,
            holder,
            took_over,
            lost,
            stop: Some(stop),
            beat,
        }
    }

    /// This lock's holder (this process).
    pub fn holder(&self) -> &Holder {
        &self.holder
    }

    /// The stale lock this one replaced, if any.
    pub fn took_over(&self) -> Option<&Takeover> {
        self.took_over.as_ref()
    }

    /// Whether another process has taken the lock (it judged ours stale): writing now would
    /// race with it.
    pub fn is_lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ProjectLock {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(beat) = self.beat.take() {
            let _ = beat.join();
        }
        // Only our own lock: one taken over by another process stays theirs.
        if let Ok(Some((_, holder))) = read_holder(&self.path)
            && holder.same_lock(&self.holder)
        {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Reads the lock file: its text and holder. `None` when there is no file. A file that is not
/// a lock (empty: its creator died between creating and writing it) is read after a short
/// wait once more, then stands for an unknown holder whose heartbeat is the file's time.
fn read_holder(path: &Path) -> std::io::Result<Option<(String, Holder)>> {
    for attempt in 0..3 {
        let (text, meta) = match File::open(path) {
            Ok(mut f) => {
                // Bytes that are not UTF-8 simply make it "not a lock".
                let mut bytes = Vec::new();
                (&mut f).take(64 * 1024).read_to_end(&mut bytes)?;
                (String::from_utf8_lossy(&bytes).into_owned(), f.metadata()?)
            }
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        if let Some(holder) = Holder::parse(&text) {
            return Ok(Some((text, holder)));
        }
        if attempt == 2 {
            let written = meta.modified().unwrap_or(UNIX_EPOCH);
            let unknown = Holder {
                user: "unknown".into(),
                host: "unknown host".into(),
                pid: 0,
                since: written,
                heartbeat: written,
                token: 0,
            };
            return Ok(Some((text, unknown)));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(None)
}

/// Moves a stale lock file aside and deletes it, if it still holds `judged`. Returns whether
/// it did; a file that changed meanwhile (its holder renewed it, or another process took
/// over first) is put back.
fn take_aside(path: &Path, judged: &str) -> std::io::Result<bool> {
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".stale-{}", std::process::id()));
    let aside = PathBuf::from(aside);
    match std::fs::rename(path, &aside) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    }
    let moved = std::fs::read_to_string(&aside).unwrap_or_default();
    if moved == judged {
        std::fs::remove_file(&aside)?;
        return Ok(true);
    }
    // We moved a live lock: put it back unless someone created one meanwhile (a hard link
    // fails rather than replace it).
    let _ = std::fs::hard_link(&aside, path);
    let _ = std::fs::remove_file(&aside);
    Ok(false)
}

/// Rewrites the heartbeat if the file still holds `holder`'s lock; false when it does not.
/// The new text goes to a file beside it, renamed over the lock, so readers never see half.
fn renew(path: &Path, holder: &Holder) -> bool {
    match read_holder(path) {
        Ok(Some((_, now))) if now.same_lock(holder) => {}
        Ok(_) => return false,
        // A share that is briefly unreachable: try again next beat.
        Err(_) => return true,
    }
    let fresh = Holder {
        heartbeat: SystemTime::now(),
        ..holder.clone()
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".beat-{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = File::create(&tmp)
        .and_then(|mut f| write_all_synced(&mut f, &fresh.to_text()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    true
}

fn write_all_synced(file: &mut File, text: &str) -> std::io::Result<()> {
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// This host's name, on one line (the `gethostname` crate: one call on every platform).
fn this_host() -> String {
    let name = gethostname::gethostname()
        .to_string_lossy()
        .trim()
        .to_owned();
    if name.is_empty() {
        "unknown host".to_owned()
    } else {
        one_line(&name)
    }
}

/// A value for one `key=value` line: no line breaks.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// Whether process `pid` of this host runs. Linux: `/proc/PID` exists and is not a zombie
/// (a killed child not yet reaped). Elsewhere there is no std way to ask, so the process
/// counts as alive and the heartbeat decides.
fn process_alive(pid: u32) -> bool {
    if pid == 0 {
        return false;
    }
    if cfg!(target_os = "linux") {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            // The state follows the command name in parentheses: `123 (tessera) Z ...`.
            Ok(stat) => stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .is_none_or(|state| state != "Z" && state != "X"),
            Err(_) => false,
        }
    } else {
        true
    }
}

/// `2026-11-30T14:02:07Z` (UTC, whole seconds).
pub fn rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Reads what [`rfc3339`] writes (`YYYY-MM-DDTHH:MM:SSZ`).
pub fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (h, mi, se) = (n(11..13)?, n(14..16)?, n(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se;
    Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).ok()?))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests;
