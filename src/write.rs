//! Atomic output: every file is written into a temporary folder beside `--out` and the folder is renamed
//! into place at the end, so a failure midway leaves nothing half-written.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::read::lowercase_hex;

use crate::error::{Error, Result};

/// Files a run of bc2m365 writes; a folder holding only these is one an earlier run wrote.
pub fn is_output_file_name(name: &str) -> bool {
    matches!(
        name,
        "manifest.json"
            | "review.xlsx"
            | "rejected.csv"
            | "role-assignments.csv"
            | "coupling.csv"
            | "next-steps.txt"
            | "set-licences.ps1"
            | "licences.csv"
            | "assign-roles.ps1"
            | "roles.csv"
            | "online-settings.json"
    ) || ((name.starts_with("m365-users") || name.starts_with("entra-users"))
        && name.ends_with(".csv"))
        || (name.starts_with("coupling-") && name.ends_with(".xlsx"))
}

/// A file in a folder as messages show it: joined with the separator the person typed the folder with, so
/// that `--out exports/july` shows `exports/july/m365-users.csv` on Windows too, and `--out C:\exports`
/// shows `C:\exports\m365-users.csv`.
pub fn in_folder(dir: &Path, name: &str) -> PathBuf {
    match dir.to_str() {
        Some(typed) => PathBuf::from(joined_as_typed(typed, name, std::path::MAIN_SEPARATOR)),
        None => dir.join(name),
    }
}

/// `dir` and `name` joined with the separator `dir` was typed with: the system's own (`native`), unless
/// on Windows the folder was typed with forward slashes only.
fn joined_as_typed(dir: &str, name: &str, native: char) -> String {
    let separator = if native == '\\' && dir.contains('/') && !dir.contains('\\') {
        '/'
    } else {
        native
    };
    if dir.is_empty() {
        name.to_string()
    } else if dir.ends_with(['/', native]) {
        format!("{dir}{name}")
    } else {
        format!("{dir}{separator}{name}")
    }
}

/// Refuses an output folder that would lose something: one that holds other files, one that holds an
/// earlier run's outputs (unless `force`), or one that holds an input.
pub fn check_target(target: &Path, force: bool, inputs: &[PathBuf]) -> Result<()> {
    // A link is never replaced: the swap would put a folder in its place and leave its target stale.
    if let Ok(meta) = fs::symlink_metadata(target) {
        if meta.file_type().is_symlink() {
            let to = fs::read_link(target).unwrap_or_default();
            return Err(Error::OutputIsLink {
                dir: target.into(),
                to,
            });
        }
    }
    if !target.exists() {
        return Ok(());
    }
    if !target.is_dir() {
        return Err(Error::OutputNotOurs {
            dir: target.into(),
            files: "it is a file, not a folder".into(),
        });
    }
    for input in inputs {
        if is_inside(input, target)? {
            return Err(Error::InputInsideOutput {
                input: input.clone(),
                dir: target.into(),
            });
        }
    }
    let mut ours = Vec::new();
    let mut foreign = Vec::new();
    for entry in fs::read_dir(target).map_err(|e| Error::io(target, e))? {
        let entry = entry.map_err(|e| Error::io(target, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
        if is_file && is_output_file_name(&name) {
            ours.push(name);
        } else {
            foreign.push(name);
        }
    }
    ours.sort();
    foreign.sort();
    if !foreign.is_empty() {
        return Err(Error::OutputNotOurs {
            dir: target.into(),
            files: foreign.join(", "),
        });
    }
    // A folder holding only an earlier run's review (a run that stopped at errors) is replaced freely:
    // it holds no import file to protect, and fixing and re-running is the expected next step.
    let protected: Vec<&String> = ours.iter().filter(|name| *name != "review.xlsx").collect();
    if !protected.is_empty() && !force {
        return Err(Error::OutputExists {
            dir: target.into(),
            files: ours.join(", "),
        });
    }
    Ok(())
}

/// Whether an input is inside the folder `dir`, links resolved; an input that is no path on disk (`-`) is
/// not. Where the system resolves no path to one of them though both exist (Wine past 260 characters),
/// they are compared as absolute paths instead.
fn is_inside(input: &Path, dir: &Path) -> Result<bool> {
    match (fs::canonicalize(input), fs::canonicalize(dir)) {
        (Ok(input), Ok(dir)) => Ok(input.starts_with(dir)),
        _ if fs::metadata(input).is_err() => Ok(false),
        _ => {
            let absolute = |path: &Path| std::path::absolute(path).map_err(|e| Error::io(path, e));
            Ok(absolute(input)?.starts_with(absolute(dir)?))
        }
    }
}

/// Swaps two paths atomically (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Writes one file so that it appears whole or not at all: a temporary file beside it, renamed into place.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(&parent).map_err(|e| Error::io(&parent, e))?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    file.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    file.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// How every output is created: new, for writing, and on Unix readable by its owner only, as the
/// folder it is staged in is (they hold people's names and addresses). `validate --review`'s workbook,
/// made by `tempfile`, is created so too.
/// A new file, readable by its owner only, refused when the name exists.
fn owner_only_new() -> fs::OpenOptions {
    let mut options = owner_only();
    options.create(false).truncate(false).create_new(true);
    options
}

fn owner_only() -> fs::OpenOptions {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// A writer that hashes what passes through it.
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Bytes written to an unnamed temporary file, to be copied into an output later: what a run writes as
/// the rows go by but places after something it learns only at the end.
#[derive(Debug)]
pub struct Spool {
    out: std::io::BufWriter<fs::File>,
}

impl Spool {
    /// A spool in `dir`: the folder of the outputs (not a small /tmp held in memory), where a file with
    /// no name is never committed.
    pub fn new_in(dir: &Path) -> std::io::Result<Self> {
        Ok(Spool {
            out: std::io::BufWriter::new(tempfile::tempfile_in(dir)?),
        })
    }

    /// A spool in the system's temporary folder.
    pub fn new() -> std::io::Result<Self> {
        Self::new_in(&std::env::temp_dir())
    }

    /// Copies everything written so far into `out`, from the start, as often as asked.
    pub fn copy_into(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        use std::io::{Seek, SeekFrom};
        self.out.flush()?;
        let file = self.out.get_mut();
        file.seek(SeekFrom::Start(0))?;
        std::io::copy(file, out)?;
        file.seek(SeekFrom::End(0))?;
        Ok(())
    }
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// An output being written into the staging folder.
pub struct StagedFile<'a> {
    staging: &'a Staging,
    name: String,
    path: PathBuf,
    out: std::io::BufWriter<HashingWriter<fs::File>>,
}

impl Write for StagedFile<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

impl StagedFile<'_> {
    /// Flushes the output (to disk, for the first few outputs) and gives its name and SHA-256.
    pub fn finish(self) -> Result<WrittenFile> {
        let StagedFile {
            staging,
            name,
            path,
            mut out,
        } = self;
        out.flush().map_err(|e| Error::io(&path, e))?;
        let HashingWriter {
            inner: file,
            hasher,
        } = out
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        let written = staging
            .written
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        if !cfg!(target_os = "linux") || written <= FSYNC_EACH_UP_TO {
            file.sync_all().map_err(|e| Error::io(&path, e))?;
        }
        drop(file);
        Ok(WrittenFile {
            name,
            sha256: lowercase_hex(&hasher.finalize()),
        })
    }
}

/// Flushes the file system holding `dir` to disk (Linux `syncfs`).
#[cfg(target_os = "linux")]
fn sync_file_system(dir: &Path) -> Result<()> {
    let handle = fs::File::open(dir).map_err(|e| Error::io(dir, e))?;
    rustix::fs::syncfs(&handle).map_err(|e| Error::io(dir, std::io::Error::from(e)))
}

/// The folder the outputs are staged in until [`Staging::commit`].
pub struct Staging {
    target: PathBuf,
    dir: tempfile::TempDir,
    /// Files written so far.
    written: std::sync::atomic::AtomicUsize,
}

/// Up to this many outputs are each flushed to disk as written; past it (a big run writes thousands of
/// import files), the whole folder is flushed at once before the commit (Linux `syncfs`).
const FSYNC_EACH_UP_TO: usize = 32;

/// A written output and its SHA-256.
#[derive(Debug, Clone)]
pub struct WrittenFile {
    pub name: String,
    pub sha256: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    lowercase_hex(&Sha256::digest(bytes))
}

/// The SHA-256 of a file, read in pieces.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        match std::io::Read::read(&mut file, &mut buffer) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(path, e)),
        }
    }
    Ok(lowercase_hex(&hasher.finalize()))
}

/// The names of staging folders (and of an earlier run's folder moved aside beside them).
const STAGING_PREFIX: &str = ".bc2m365-staging-";
const PREVIOUS_PREFIX: &str = ".bc2m365-previous-";

/// Removes the staging folders that runs killed midway left in `parent`: those whose process is gone
/// (Linux), or, where that cannot be told, older than a day. A live run's folder is never touched; a
/// folder that cannot be removed stays, as it did before.
fn remove_stale_staging(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rest = name.strip_prefix(PREVIOUS_PREFIX).unwrap_or(&name);
        let Some(rest) = rest.strip_prefix(STAGING_PREFIX) else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let pid = rest
            .split_once('-')
            .and_then(|(pid, _)| pid.parse::<u32>().ok());
        if is_dir && pid != Some(std::process::id()) && is_stale(&entry.path(), pid) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// The folder `--out` is in, made if it does not exist: where its lock and staging folder go.
fn parent_folder(target: &Path) -> Result<PathBuf> {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    Ok(parent)
}

/// The claim of one run on an `--out` folder, taken before the folder is checked and held until the
/// run ends, so that two runs into one folder never both check it and then replace each other's outputs:
/// the second is refused. A run killed midway leaves its lock; the next run finds its process gone and
/// takes it over.
pub struct OutLock {
    path: PathBuf,
    /// Held open while the run lasts: on Windows, where a process cannot be looked up without unsafe
    /// code, it is what tells a live run's lock from a dead one's ([`lock_is_stale`]).
    file: Option<fs::File>,
}

impl OutLock {
    pub fn take(target: &Path) -> Result<Self> {
        let parent = parent_folder(target)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let path = parent.join(format!(".bc2m365-lock-{name}"));
        for _ in 0..2 {
            match lock_file().open(&path) {
                Ok(mut file) => {
                    let pid = std::process::id().to_string();
                    file.write_all(pid.as_bytes())
                        .map_err(|e| Error::io(&path, e))?;
                    return Ok(OutLock {
                        path,
                        file: Some(file),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = fs::read_to_string(&path).unwrap_or_default();
                    let pid = holder.trim().parse::<u32>().ok();
                    if !lock_is_stale(&path, pid) {
                        return Err(Error::OutputBusy {
                            dir: target.into(),
                            pid: holder.trim().to_string(),
                            lock: path,
                        });
                    }
                    // A dead run's lock: taken over.
                    let _ = fs::remove_file(&path);
                }
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
        Err(Error::OutputBusy {
            dir: target.into(),
            pid: String::new(),
            lock: path,
        })
    }
}

impl Drop for OutLock {
    fn drop(&mut self) {
        // Closed first: Windows does not remove a file this run holds without sharing its deletion.
        drop(self.file.take());
        let _ = fs::remove_file(&self.path);
    }
}

/// How a lock is created: new, owner-only, and on Windows shared for reading only, so that no other
/// process can remove it while this run holds it open, and any can once the system closed it (the run
/// ended, however it ended).
fn lock_file() -> fs::OpenOptions {
    #[allow(unused_mut)]
    let mut options = owner_only_new();
    #[cfg(windows)]
    std::os::windows::fs::OpenOptionsExt::share_mode(&mut options, FILE_SHARE_READ);
    options
}

/// `FILE_SHARE_READ`: other processes may read the file, not write, rename or remove it.
#[cfg(windows)]
const FILE_SHARE_READ: u32 = 0x1;

/// Whether a lock's run is gone. On Windows, a lock that can be removed is one no live run holds open
/// ([`lock_file`]), and it is removed in the asking; elsewhere the run's process is looked up
/// ([`is_stale`]).
fn lock_is_stale(path: &Path, pid: Option<u32>) -> bool {
    if cfg!(windows) {
        let _ = pid;
        return fs::remove_file(path).is_ok();
    }
    is_stale(path, pid)
}

/// Whether the run that made a staging folder (or a lock) is gone.
fn is_stale(path: &Path, pid: Option<u32>) -> bool {
    #[cfg(target_os = "linux")]
    if let Some(pid) = pid {
        return !Path::new("/proc").join(pid.to_string()).exists();
    }
    let _ = pid;
    let day = std::time::Duration::from_secs(24 * 60 * 60);
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > day)
}

impl Staging {
    pub fn new(target: &Path) -> Result<Self> {
        let parent = parent_folder(target)?;
        remove_stale_staging(&parent);
        // The process id in the name tells a later run whether the run that made it is still alive.
        let dir = tempfile::Builder::new()
            .prefix(&format!("{STAGING_PREFIX}{}-", std::process::id()))
            .tempdir_in(&parent)
            .map_err(|e| Error::io(&parent, e))?;
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
            written: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<WrittenFile> {
        self.write_with(name, |out| out.write_all(bytes))
    }

    /// Writes an output as `write_to` produces it, hashing it on the way: a large output (the manifest of
    /// a million rows) is never held in memory whole.
    pub fn write_with(
        &self,
        name: &str,
        write_to: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<WrittenFile> {
        let mut file = self.create(name)?;
        if let Err(e) = write_to(&mut file) {
            return Err(Error::io(&file.path, e));
        }
        file.finish()
    }

    /// The staging folder, for temporary files that should be on the disk the outputs go to. Files made
    /// there with `tempfile::tempfile_in` have no name, so they are never committed.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// An output to be written piece by piece, hashed on the way; [`StagedFile::finish`] closes it.
    pub fn create(&self, name: &str) -> Result<StagedFile<'_>> {
        let path = self.dir.path().join(name);
        let file = owner_only().open(&path).map_err(|e| Error::io(&path, e))?;
        Ok(StagedFile {
            staging: self,
            name: name.to_string(),
            out: std::io::BufWriter::with_capacity(
                64 * 1024,
                HashingWriter {
                    inner: file,
                    hasher: Sha256::new(),
                },
            ),
            path,
        })
    }

    /// Puts the staged folder in place of the target. An earlier run's folder is swapped out in one
    /// atomic step where the system allows it (Linux), so that at every moment `--out` holds either the
    /// earlier outputs or the new ones; elsewhere it is moved aside first and removed once the new one is in.
    pub fn commit(self) -> Result<()> {
        // Every staged file reaches the disk before the folder takes the target's place.
        #[cfg(target_os = "linux")]
        if self.written.load(std::sync::atomic::Ordering::Relaxed) > FSYNC_EACH_UP_TO {
            sync_file_system(self.dir.path())?;
        }
        let staged = self.dir.keep();
        let target = &self.target;
        if target.exists() && exchange(&staged, target).is_ok() {
            // `staged` now holds the earlier outputs.
            fs::remove_dir_all(&staged).map_err(|e| Error::io(&staged, e))?;
        } else if target.exists() {
            replace_by_moving_aside(&staged, target)?;
        } else if let Err(e) = fs::rename(&staged, target) {
            let _ = fs::remove_dir_all(&staged);
            return Err(Error::io(target, e));
        }
        Ok(())
    }
}

/// Replaces `target` by `staged` where no system call swaps two folders (Windows, macOS): the earlier
/// folder is renamed aside, the new one renamed in, and the earlier one removed. Between the two renames
/// `--out` does not exist: a run killed in that moment leaves the earlier outputs whole in the
/// `.bc2m365-previous-` folder beside it and the new ones in the staging folder (a later run in the same
/// folder removes both as stale). A file of `target` that another program holds open (Excel locks the
/// files it shows) is named before anything moves; a rename refused because of one opened since leaves
/// `target` as it was.
fn replace_by_moving_aside(staged: &Path, target: &Path) -> Result<()> {
    let refuse = |file: PathBuf| {
        let _ = fs::remove_dir_all(staged);
        Error::OutputFileOpen {
            file,
            dir: target.into(),
        }
    };
    if let Some(file) = file_held_open(target) {
        return Err(refuse(file));
    }
    let aside = staged.with_file_name(format!(
        "{PREVIOUS_PREFIX}{}",
        staged
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    if let Err(e) = fs::rename(target, &aside) {
        if let Some(file) = is_held_open(&e).then(|| file_held_open(target)).flatten() {
            return Err(refuse(file));
        }
        let _ = fs::remove_dir_all(staged);
        return Err(Error::io(target, e));
    }
    if let Err(e) = fs::rename(staged, target) {
        // Put the earlier outputs back rather than leave nothing.
        let _ = fs::rename(&aside, target);
        let _ = fs::remove_dir_all(staged);
        return Err(Error::io(target, e));
    }
    fs::remove_dir_all(&aside).map_err(|e| Error::io(&aside, e))
}

/// The first file in `dir` (by name) that another program holds open, where the system keeps such a file
/// from being moved (Windows); none elsewhere.
fn file_held_open(dir: &Path) -> Option<PathBuf> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .find(|name| open_alone(&dir.join(name)).is_err_and(|e| is_held_open(&e)))
        .map(|name| in_folder(dir, &name))
}

/// Opens a file sharing it with no one (Windows): refused while any other program has it open.
#[cfg(windows)]
fn open_alone(path: &Path) -> std::io::Result<fs::File> {
    use std::os::windows::fs::OpenOptionsExt;
    fs::OpenOptions::new().read(true).share_mode(0).open(path)
}

#[cfg(not(windows))]
fn open_alone(path: &Path) -> std::io::Result<fs::File> {
    fs::File::open(path)
}

/// Whether an error says another program holds the file open: on Windows, a sharing or lock violation,
/// or access denied (what renaming a folder that holds an open file gives).
fn is_held_open(e: &std::io::Error) -> bool {
    cfg!(windows) && is_held_open_code(e.raw_os_error())
}

/// `ERROR_ACCESS_DENIED`, `ERROR_SHARING_VIOLATION`, `ERROR_LOCK_VIOLATION`.
fn is_held_open_code(code: Option<i32>) -> bool {
    matches!(code, Some(5 | 32 | 33))
}

/// The zip writer under rust_xlsxwriter records the system it ran on in each entry of a workbook's
/// central directory ("version made by": Unix on Linux and macOS, DOS on Windows), and nothing else about
/// it: every entry is marked Unix, so each workbook written (review.xlsx, the coupling packages), and the
/// manifest's hash of it, are the same bytes on every system. The entries' permissions (0o600) are Unix
/// ones on every system already. A workbook whose directory is not where its end record says is left as
/// it is.
pub fn made_on_one_system(zip: &mut [u8]) {
    const UNIX: u8 = 3;
    let Some(mut at) = central_directory_start(zip) else {
        return;
    };
    while zip.get(at..at + 4) == Some(b"PK\x01\x02") {
        let Some(header) = zip.get_mut(at..at + 46) else {
            return;
        };
        header[5] = UNIX;
        let length = |i: usize| usize::from(u16::from_le_bytes([header[i], header[i + 1]]));
        at += 46 + length(28) + length(30) + length(32);
    }
}

/// Where a zip's central directory starts, from its end record (and its Zip64 end record, where the
/// offset did not fit in 32 bits).
fn central_directory_start(zip: &[u8]) -> Option<usize> {
    const END: &[u8] = b"PK\x05\x06";
    let search_from = zip.len().saturating_sub(22 + usize::from(u16::MAX));
    let end = search_from + zip.get(search_from..)?.windows(4).rposition(|w| w == END)?;
    let le32 = |at: usize| -> Option<u64> {
        Some(u32::from_le_bytes(zip.get(at..at + 4)?.try_into().ok()?).into())
    };
    let le64 = |at: usize| -> Option<u64> {
        Some(u64::from_le_bytes(zip.get(at..at + 8)?.try_into().ok()?))
    };
    let mut offset = le32(end + 16)?;
    if offset == u64::from(u32::MAX) {
        // The Zip64 end locator sits just before the end record and gives where the Zip64 end record is.
        let locator = end.checked_sub(20)?;
        if zip.get(locator..locator + 4)? != b"PK\x06\x07" {
            return None;
        }
        let record = usize::try_from(le64(locator + 8)?).ok()?;
        if zip.get(record..record + 4)? != b"PK\x06\x06" {
            return None;
        }
        offset = le64(record + 48)?;
    }
    usize::try_from(offset).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_in_the_output_folder_is_shown_with_the_separator_the_folder_was_typed_with() {
        // Windows: forward slashes stay forward, backslashes stay back, a bare name takes the system's.
        assert_eq!(
            joined_as_typed("exports/july", "m365-users.csv", '\\'),
            "exports/july/m365-users.csv"
        );
        assert_eq!(
            joined_as_typed(r"C:\exports", "review.xlsx", '\\'),
            r"C:\exports\review.xlsx"
        );
        assert_eq!(
            joined_as_typed(r"C:\exports/july", "a.csv", '\\'),
            r"C:\exports/july\a.csv"
        );
        assert_eq!(joined_as_typed("out", "a.csv", '\\'), r"out\a.csv");
        assert_eq!(joined_as_typed("out/", "a.csv", '\\'), "out/a.csv");
        assert_eq!(
            joined_as_typed(r"\\server\share\out", "a.csv", '\\'),
            r"\\server\share\out\a.csv"
        );
        // Elsewhere the system's separator, which is the one typed.
        assert_eq!(
            joined_as_typed("exports/july", "a.csv", '/'),
            "exports/july/a.csv"
        );
        assert_eq!(joined_as_typed("", "a.csv", '/'), "a.csv");
    }
}

#[cfg(test)]
mod replacing {
    use super::*;

    /// An earlier run's outputs in `parent/out`.
    fn earlier_outputs(parent: &Path) -> PathBuf {
        let out = parent.join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("manifest.json"), "earlier").unwrap();
        fs::write(out.join("review.xlsx"), "earlier review").unwrap();
        out
    }

    fn staged_with_new_outputs(out: &Path) -> Staging {
        let staging = Staging::new(out).unwrap();
        staging.write("manifest.json", b"new").unwrap();
        staging
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn moving_aside_replaces_the_earlier_outputs_and_leaves_nothing_beside() {
        // How every system without an atomic swap of two folders replaces --out, run here too.
        let tmp = tempfile::tempdir().unwrap();
        let out = earlier_outputs(tmp.path());
        let staged = staged_with_new_outputs(&out).dir.keep();
        replace_by_moving_aside(&staged, &out).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("manifest.json")).unwrap(),
            "new"
        );
        assert!(!out.join("review.xlsx").exists());
        assert_eq!(names(tmp.path()), ["out"]);
    }

    #[test]
    fn only_windows_errors_say_a_file_is_held_open() {
        for code in [5, 32, 33] {
            assert!(is_held_open_code(Some(code)), "{code}");
        }
        assert!(!is_held_open_code(Some(2)));
        assert!(!is_held_open_code(None));
        // On Linux 5 and 32 are EIO and EPIPE: never read as a file held open.
        let eio = std::io::Error::from_raw_os_error(5);
        assert_eq!(is_held_open(&eio), cfg!(windows));
    }

    #[test]
    fn a_live_runs_lock_is_respected_and_a_dead_runs_is_taken_over() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let lock = OutLock::take(&out).unwrap();
        assert!(matches!(OutLock::take(&out), Err(Error::OutputBusy { .. })));
        drop(lock);
        assert!(names(tmp.path()).is_empty());
        // The lock of a run killed midway: its process is gone, and the system closed its file.
        fs::write(tmp.path().join(".bc2m365-lock-out"), "4194305").unwrap();
        drop(OutLock::take(&out).unwrap());
        assert!(names(tmp.path()).is_empty());
    }

    #[cfg(windows)]
    #[test]
    fn a_file_open_in_excel_is_named_and_the_earlier_outputs_are_left_as_they_were() {
        use std::os::windows::fs::OpenOptionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = earlier_outputs(tmp.path());
        // Excel opens a file it shows sharing it for reading only.
        let excel = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .share_mode(FILE_SHARE_READ)
            .open(out.join("review.xlsx"))
            .unwrap();
        match staged_with_new_outputs(&out).commit() {
            Err(Error::OutputFileOpen { file, dir }) => {
                assert_eq!(file, in_folder(&out, "review.xlsx"));
                assert_eq!(dir, out);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            fs::read_to_string(out.join("manifest.json")).unwrap(),
            "earlier"
        );
        assert_eq!(names(tmp.path()), ["out"]);
        drop(excel);
        staged_with_new_outputs(&out).commit().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("manifest.json")).unwrap(),
            "new"
        );
        assert_eq!(names(tmp.path()), ["out"]);
    }
}

#[cfg(test)]
mod workbooks {
    use super::*;
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};

    /// The "version made by" system byte of every central directory entry.
    fn systems(zip: &[u8]) -> Vec<u8> {
        let mut at = central_directory_start(zip).unwrap();
        let mut found = Vec::new();
        while zip[at..at + 4] == *b"PK\x01\x02" {
            found.push(zip[at + 5]);
            let length = |i: usize| usize::from(u16::from_le_bytes([zip[at + i], zip[at + i + 1]]));
            at += 46 + length(28) + length(30) + length(32);
        }
        found
    }

    /// A one-cell workbook, dated so that two are the same bytes.
    fn tiny_workbook() -> Vec<u8> {
        let mut book = Workbook::new();
        let date = ExcelDateTime::from_ymd(2026, 1, 1).unwrap();
        book.set_properties(&DocProperties::new().set_creation_datetime(&date));
        book.add_worksheet().write_string(0, 0, "Zoë").unwrap();
        book.save_to_buffer().unwrap()
    }

    /// A workbook as Windows writes it: every entry made on DOS (system 0).
    fn workbook_made_on_dos() -> Vec<u8> {
        let mut zip = tiny_workbook();
        let mut at = central_directory_start(&zip).unwrap();
        while zip[at..at + 4] == *b"PK\x01\x02" {
            zip[at + 5] = 0;
            let length = |i: usize| usize::from(u16::from_le_bytes([zip[at + i], zip[at + i + 1]]));
            at += 46 + length(28) + length(30) + length(32);
        }
        zip
    }

    #[test]
    fn every_entry_of_the_workbook_is_marked_made_on_unix() {
        let mut zip = workbook_made_on_dos();
        let entries = systems(&zip).len();
        assert!(entries >= 5, "{entries} entries");
        assert!(systems(&zip).iter().all(|&s| s == 0));
        made_on_one_system(&mut zip);
        assert_eq!(systems(&zip), vec![3; entries]);
        // Still a workbook, with its cell.
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(zip)).unwrap();
        let range = calamine::Reader::worksheet_range(&mut book, "Sheet1").unwrap();
        assert_eq!(range.get_value((0, 0)).unwrap().to_string(), "Zoë");
    }

    #[test]
    fn the_same_workbook_made_on_dos_or_unix_is_the_same_bytes() {
        let mut from_dos = workbook_made_on_dos();
        let mut from_here = tiny_workbook();
        made_on_one_system(&mut from_dos);
        made_on_one_system(&mut from_here);
        assert_eq!(from_dos, from_here);
    }

    #[test]
    fn bytes_that_are_no_zip_are_left_as_they_are() {
        for mut bytes in [Vec::new(), b"PK\x05\x06".to_vec(), vec![0xFF; 100]] {
            let before = bytes.clone();
            made_on_one_system(&mut bytes);
            assert_eq!(bytes, before);
        }
    }
}
