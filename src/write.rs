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
    let canonical_target = fs::canonicalize(target).map_err(|e| Error::io(target, e))?;
    for input in inputs {
        if let Ok(canonical) = fs::canonicalize(input) {
            if canonical.starts_with(&canonical_target) {
                return Err(Error::InputInsideOutput {
                    input: input.clone(),
                    dir: target.into(),
                });
            }
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
            match owner_only_new().open(&path) {
                Ok(mut file) => {
                    let pid = std::process::id().to_string();
                    file.write_all(pid.as_bytes())
                        .map_err(|e| Error::io(&path, e))?;
                    return Ok(OutLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = fs::read_to_string(&path).unwrap_or_default();
                    let pid = holder.trim().parse::<u32>().ok();
                    if !is_stale(&path, pid) {
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
        let _ = fs::remove_file(&self.path);
    }
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
            let aside = staged.with_file_name(format!(
                "{PREVIOUS_PREFIX}{}",
                staged
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ));
            fs::rename(target, &aside).map_err(|e| Error::io(target, e))?;
            if let Err(e) = fs::rename(&staged, target) {
                // Put the earlier outputs back rather than leave nothing.
                let _ = fs::rename(&aside, target);
                let _ = fs::remove_dir_all(&staged);
                return Err(Error::io(target, e));
            }
            fs::remove_dir_all(&aside).map_err(|e| Error::io(&aside, e))?;
        } else if let Err(e) = fs::rename(&staged, target) {
            let _ = fs::remove_dir_all(&staged);
            return Err(Error::io(target, e));
        }
        Ok(())
    }
}
