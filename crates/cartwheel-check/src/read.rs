//! Reading a distribution without extracting it: every member listed, regular files hashed
//! (RECORD's sha256 form) as they stream by, the few small files the checks parse kept.
//!
//! The input is untrusted: sizes are bounded per member, in total and by compression ratio, so
//! a decompression bomb is refused after reading at most the bound; unsafe names (absolute,
//! `..`), links and duplicate names are findings, never paths that are touched.

use std::collections::HashSet;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use cartwheel_archive::inflate::Inflater;
use cartwheel_core::record::{record_form, record_hash};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::{problem, Diagnostic};

/// The archive type, from the file name alone (as twine decides it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.whl`.
    Wheel,
    /// `.tar.gz` sdist.
    TarGz,
    /// `.zip` sdist (legacy; PyPI no longer accepts new ones).
    ZipSdist,
}

impl Format {
    /// The format a file name stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        if name.ends_with(".whl") {
            Some(Format::Wheel)
        } else if name.ends_with(".tar.gz") {
            Some(Format::TarGz)
        } else if name.ends_with(".zip") {
            Some(Format::ZipSdist)
        } else {
            None
        }
    }
}

/// What an archive member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    /// A directory entry.
    Dir,
    /// A symbolic or hard link.
    Link,
    /// A device, fifo or other special entry.
    Other,
}

/// One member as listed in the archive (duplicates kept, in archive order).
#[derive(Debug, Clone)]
pub struct Member {
    /// Name as stored (tar directory names without their trailing `/`, as Python reports them).
    pub name: String,
    /// What it is.
    pub kind: Kind,
    /// Uncompressed size in bytes (as read, for regular files).
    pub size: u64,
    /// RECORD-style `sha256=...` of the content, for regular files that were read whole.
    pub hash: Option<String>,
    /// The bytes, for the few members the checks parse.
    pub data: Option<Vec<u8>>,
    /// Where a tar link points.
    pub link: Option<String>,
}

/// A distribution's member list and what reading it revealed.
#[derive(Debug, Clone)]
pub struct Archive {
    /// The format.
    pub format: Format,
    /// Every member, in archive order.
    pub members: Vec<Member>,
    /// Unsafe names, links, duplicates, unreadable members (all `A0xx` errors).
    pub problems: Vec<Diagnostic>,
}

impl Archive {
    /// The last member called `name`: what Python's zipfile and tarfile return for a duplicate.
    pub fn last(&self, name: &str) -> Option<&Member> {
        self.members.iter().rev().find(|m| m.name == name)
    }

    /// Regular files.
    pub fn files(&self) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(|m| m.kind == Kind::File)
    }
}

/// Bounds on what reading one archive may cost.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest uncompressed member.
    pub member_bytes: u64,
    /// Largest uncompressed total.
    pub total_bytes: u64,
    /// Largest compression ratio for a member (or a whole tar.gz) over `ratio_floor` bytes.
    pub ratio: u64,
    /// Sizes under this never count as a bomb, whatever their ratio.
    pub ratio_floor: u64,
    /// Most members.
    pub members: usize,
    /// Largest member whose bytes are kept for parsing (METADATA, RECORD, ...).
    pub kept_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            member_bytes: 1 << 30,
            total_bytes: 4 << 30,
            // Deflate tops out near 1032:1; real text, even sparse data, stays far below 200:1.
            ratio: 200,
            ratio_floor: 16 << 20,
            members: 500_000,
            kept_bytes: 64 << 20,
        }
    }
}

/// Whether the checks need `name`'s bytes: twine's METADATA candidates (any name containing
/// `METADATA`), PKG-INFO, and the dist-info / sdist files parsed later.
fn wanted(name: &str) -> bool {
    if name.contains("METADATA") || name.contains("PKG-INFO") {
        return true;
    }
    let depth = name.matches('/').count();
    let base = name.rsplit('/').next().unwrap_or(name);
    depth <= 1 && matches!(base, "WHEEL" | "RECORD" | "pyproject.toml")
}

/// Read the archive at `path`; `Err` is a finding that makes reading it pointless.
///
/// `restarts` (from cartwheel's own sdist writer, else empty) let a tar.gz be inflated in
/// parallel; when they do not hold, the archive is read in one serial pass as any other.
pub fn read(
    path: &Path,
    format: Format,
    limits: &Limits,
    restarts: &[cartwheel_archive::gzip::Restart],
) -> Result<Archive, Diagnostic> {
    let file = std::fs::File::open(path)
        .map_err(|e| problem::error("A001", format!("cannot open `{}`: {e}", path.display())))?;
    let mut archive = match format {
        Format::Wheel | Format::ZipSdist => read_zip(file, format, limits)?,
        Format::TarGz => {
            let len = file.metadata().map(|m| m.len()).unwrap_or(0);
            let indexed = super::inflate::read_indexed(&file, restarts, tar_limit(len, limits))
                .and_then(|inflated| parse_tar(inflated, tar_limit(len, limits), limits));
            match indexed {
                Some(archive) => archive?,
                // Positioned reads above: the file is still at its start.
                None => read_tar(&file, len, limits)?,
            }
        }
    };
    name_problems(&mut archive);
    Ok(archive)
}

/// Read an archive held in memory, as `read` does a file (the fuzz targets' way in).
pub fn read_bytes(bytes: &[u8], format: Format, limits: &Limits) -> Result<Archive, Diagnostic> {
    let mut archive = match format {
        Format::Wheel | Format::ZipSdist => read_zip_in_memory(bytes, format, limits)?,
        Format::TarGz => read_tar(bytes, bytes.len() as u64, limits)?,
    };
    name_problems(&mut archive);
    Ok(archive)
}

fn bomb(message: impl Into<String>) -> Diagnostic {
    problem::error("A006", format!("{}: refusing to read further (decompression bomb?)", message.into()))
}

/// Bytes read from a member at a time; one such buffer per thread, reused for every member
/// (a fresh zeroed buffer per member cost more than inflating Django's many small files).
const CHUNK: usize = 64 * 1024;

/// Stream `reader` through sha256 (when `hash`), keeping the bytes when `keep`; at most `limit`
/// bytes; `buf` is scratch space.
fn consume(
    reader: &mut impl Read,
    limit: u64,
    keep: bool,
    hash: bool,
    buf: &mut [u8],
) -> io::Result<(u64, Option<String>, Option<Vec<u8>>)> {
    let mut hasher = hash.then(Sha256::new);
    let mut kept = keep.then(|| Vec::with_capacity(limit.min(CHUNK as u64) as usize));
    let mut total = 0u64;
    let mut limited = reader.take(limit + 1);
    loop {
        let n = match limited.read(buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > limit {
            return Err(io::Error::other(format!("more than {limit} bytes")));
        }
        if let Some(h) = hasher.as_mut() {
            h.update(&buf[..n]);
        }
        if let Some(k) = kept.as_mut() {
            k.extend_from_slice(&buf[..n]);
        }
    }
    Ok((total, hasher.map(|h| record_form(h.finalize())), kept))
}

/// Zips up to this size are read into memory and their members inflated and hashed in
/// parallel (the build-time check reads the wheel it just wrote: this keeps it cheap).
const IN_MEMORY_ZIP: u64 = 512 << 20;

/// Zips below this size are read on the calling thread.
const SMALL_ZIP: u64 = 256 << 10;

fn read_zip(file: std::fs::File, format: Format, limits: &Limits) -> Result<Archive, Diagnostic> {
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let hash = format == Format::Wheel;
    if len <= IN_MEMORY_ZIP {
        let mut bytes = Vec::with_capacity(len as usize);
        BufReader::new(file)
            .read_to_end(&mut bytes)
            .map_err(|e| problem::error("A001", format!("cannot read the file: {e}")))?;
        read_zip_in_memory(&bytes, format, limits)
    } else {
        let (mut archive, mut zip, listed) = zip_listing(BufReader::new(file), format, limits)?;
        let mut buf = vec![0u8; CHUNK];
        let results: Vec<_> =
            listed.iter().map(|m| read_zip_member(&mut zip, m, limits, hash, &mut buf)).collect();
        finish_zip(&mut archive, listed, results);
        Ok(archive)
    }
}

/// A zip in memory: members inflated and hashed in parallel.
fn read_zip_in_memory(bytes: &[u8], format: Format, limits: &Limits) -> Result<Archive, Diagnostic> {
    read_zip_members(bytes, format, limits, true)
}

/// [`read_zip_in_memory`]; `whole`: try [`read_whole`] first (off only in the test that shows
/// it changes nothing).
fn read_zip_members(
    bytes: &[u8],
    format: Format,
    limits: &Limits,
    whole: bool,
) -> Result<Archive, Diagnostic> {
    let hash = format == Format::Wheel;
    let (mut archive, zip, listed) = zip_listing(io::Cursor::new(bytes), format, limits)?;
    let read = |z: &mut zip::ZipArchive<io::Cursor<&[u8]>>, s: &mut Scratch, l: &Listing| {
        whole
            .then(|| read_whole(bytes, z, l, limits, hash, s))
            .flatten()
            .unwrap_or_else(|| read_zip_member(z, l, limits, hash, &mut s.chunk))
    };
    // A small wheel is read on this thread: starting the thread pool costs more than a small
    // project's whole check.
    let results: Vec<_> = if (bytes.len() as u64) < SMALL_ZIP {
        let (mut z, mut s) = (zip, Scratch::default());
        listed.iter().map(|l| read(&mut z, &mut s, l)).collect()
    } else {
        listed.par_iter().map_init(|| (zip.clone(), Scratch::default()), |(z, s), l| read(z, s, l)).collect()
    };
    finish_zip(&mut archive, listed, results);
    Ok(archive)
}

/// Members up to this size are inflated whole (libdeflate, about 1.5x zlib-rs's streaming
/// inflate) into a buffer each thread keeps; larger ones stream through a chunk.
const WHOLE_MEMBER: u64 = 16 << 20;

/// What one thread reuses from member to member.
struct Scratch {
    chunk: Vec<u8>,
    out: Vec<u8>,
    inflater: Inflater,
}

impl Default for Scratch {
    fn default() -> Self {
        Self { chunk: vec![0u8; CHUNK], out: Vec::new(), inflater: Inflater::new() }
    }
}

/// A stored or deflated member of a zip in memory, read whole: `None` unless it is exactly
/// what the central directory says (its size and CRC-32). Anything else is left to
/// [`read_zip_member`], whose reading decides, so this changes no verdict and no message.
fn read_whole(
    bytes: &[u8],
    zip: &mut zip::ZipArchive<io::Cursor<&[u8]>>,
    l: &Listing,
    limits: &Limits,
    hash: bool,
    s: &mut Scratch,
) -> Option<Content> {
    if l.member.kind != Kind::File || l.member.size > WHOLE_MEMBER {
        return None;
    }
    let f = zip.by_index_raw(l.index).ok()?;
    if f.encrypted() {
        return None;
    }
    let (start, len, crc, method) = (f.data_start(), f.compressed_size(), f.crc32(), f.compression());
    drop(f);
    let input = bytes.get(usize::try_from(start).ok()?..usize::try_from(start.checked_add(len)?).ok()?)?;
    let size = usize::try_from(l.member.size).ok()?;
    let data = match method {
        zip::CompressionMethod::Stored if input.len() == size => input,
        zip::CompressionMethod::Deflated => {
            if s.out.len() < size {
                s.out.resize(size, 0);
            }
            let (_, wrote) = s.inflater.inflate(input, &mut s.out[..size]).ok()?;
            if wrote != size {
                return None;
            }
            &s.out[..size]
        }
        _ => return None,
    };
    if crc32fast::hash(data) != crc {
        return None;
    }
    let hash = hash.then(|| record_hash(data));
    let keep = wanted(&l.member.name) && l.member.size <= limits.kept_bytes;
    Some(Some(Ok((size as u64, hash, keep.then(|| data.to_vec())))))
}

/// One zip member from the central directory, before its content is read.
struct Listing {
    index: usize,
    member: Member,
}

/// The member list (sizes and ratios checked against the bounds before anything is inflated)
/// and the duplicate names the central directory holds.
fn zip_listing<R: Read + Seek>(
    mut reader: R,
    format: Format,
    limits: &Limits,
) -> Result<(Archive, zip::ZipArchive<R>, Vec<Listing>), Diagnostic> {
    let all_names = match central_directory_names(&mut reader, limits.members) {
        Ok(Some(names)) => names,
        Ok(None) => return Err(bomb(format!("more than {} members", limits.members))),
        Err(_) => Vec::new(),
    };
    let compressed = reader.seek(SeekFrom::End(0)).map_err(|e| problem::error("A001", e.to_string()))?;
    reader.seek(SeekFrom::Start(0)).map_err(|e| problem::error("A001", e.to_string()))?;
    let mut zip = zip::ZipArchive::new(reader)
        .map_err(|e| problem::error("A001", format!("not a readable zip archive: {e}")))?;
    let count = zip.len();
    if count > limits.members || all_names.len() > limits.members {
        return Err(bomb(format!("{} members", count.max(all_names.len()))));
    }
    let mut archive = Archive { format, members: Vec::with_capacity(count), problems: Vec::new() };
    let mut listed = Vec::with_capacity(count);
    let mut declared_total = 0u64;
    let mut spans = Vec::with_capacity(count);
    for index in 0..count {
        let f = zip
            .by_index_raw(index)
            .map_err(|e| problem::error("A001", format!("not a readable zip archive: {e}")))?;
        let kind = if f.is_dir() {
            Kind::Dir
        } else if f.is_symlink() {
            Kind::Link
        } else {
            Kind::File
        };
        let (name, size, compressed) = (f.name().to_string(), f.size(), f.compressed_size());
        spans.push((f.header_start(), compressed, index));
        drop(f);
        declared_total = declared_total.saturating_add(size);
        if size > limits.member_bytes {
            return Err(bomb(format!("`{name}` declares {size} bytes")).at_member(name));
        }
        if declared_total > limits.total_bytes {
            return Err(bomb(format!("the members declare more than {} bytes", limits.total_bytes)));
        }
        if size > limits.ratio_floor && size / compressed.max(1) > limits.ratio {
            return Err(bomb(format!("`{name}` expands {}:1", size / compressed.max(1))).at_member(name));
        }
        if kind == Kind::File {
            archive.problems.extend(too_large_to_parse(&name, size, limits));
        }
        listed
            .push(Listing { index, member: Member { name, kind, size, hash: None, data: None, link: None } });
    }
    // Members sharing bytes are the overlapping-entries bomb (one deflate stream read many
    // times); Python's zipfile refuses them too. A local header is at least 30 bytes.
    spans.sort_unstable();
    for pair in spans.windows(2) {
        let ((start, compressed, index), (next, _, other)) = (pair[0], pair[1]);
        if next < start.saturating_add(30).saturating_add(compressed) {
            let (a, b) = (&listed[index].member.name, &listed[other].member.name);
            return Err(bomb(format!("`{b}` overlaps `{a}` in the archive")).at_member(b.clone()));
        }
    }
    // The whole archive obeys the ratio bound too, as a tar.gz does: members kept just under
    // the per-member floor (or sharing one compressed stream) add up to gigabytes otherwise.
    if declared_total > limits.ratio_floor && declared_total / compressed.max(1) > limits.ratio {
        return Err(bomb(format!(
            "the members declare {declared_total} bytes in a {compressed}-byte file ({}:1)",
            declared_total / compressed.max(1)
        )));
    }
    // `ZipArchive` keeps one entry per name (the last, as Python's zipfile reads it); the
    // central directory itself tells how many there really were.
    let mut seen = HashSet::new();
    for name in &all_names {
        if !seen.insert(name.as_slice()) {
            archive.problems.push(
                problem::error("A005", "the name appears more than once in the archive")
                    .at_member(String::from_utf8_lossy(name)),
            );
        }
    }
    Ok((archive, zip, listed))
}

type Content = Option<Result<(u64, Option<String>, Option<Vec<u8>>), String>>;

/// Inflate (and hash) one regular file; `None` for directories and links.
fn read_zip_member<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    l: &Listing,
    limits: &Limits,
    hash: bool,
    buf: &mut [u8],
) -> Content {
    if l.member.kind != Kind::File {
        return None;
    }
    let keep = wanted(&l.member.name) && l.member.size <= limits.kept_bytes;
    Some(
        zip.by_index(l.index)
            .map_err(|e| e.to_string())
            .and_then(|mut f| consume(&mut f, l.member.size, keep, hash, buf).map_err(|e| e.to_string())),
    )
}

fn finish_zip(archive: &mut Archive, listed: Vec<Listing>, results: Vec<Content>) {
    for (l, result) in listed.into_iter().zip(results) {
        let mut member = l.member;
        match result {
            Some(Ok((n, hash, data))) => {
                member.size = n;
                member.hash = hash;
                member.data = data;
            }
            Some(Err(e)) => archive.problems.push(
                problem::error("A001", format!("member cannot be read: {e}")).at_member(member.name.clone()),
            ),
            None => {}
        }
        archive.members.push(member);
    }
}

/// Every name in the central directory, duplicates included (plain or zip64 end records);
/// `Ok(None)` when the end record declares more than `max` entries, found before any is read.
fn central_directory_names<R: Read + Seek>(r: &mut R, max: usize) -> io::Result<Option<Vec<Vec<u8>>>> {
    let len = r.seek(SeekFrom::End(0))?;
    let tail_len = len.min(65_557);
    r.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    r.read_exact(&mut tail)?;
    let eocd = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..].starts_with(&[0x50, 0x4b, 0x05, 0x06]))
        .ok_or_else(|| io::Error::other("no end of central directory"))?;
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as u64;
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]) as usize;
    let u64_at = |b: &[u8], i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
    let (mut size, mut offset) = (u32_at(&tail, eocd + 12), u32_at(&tail, eocd + 16));
    let mut entries = u16_at(&tail, eocd + 10) as u64;
    // Where the central directory ends: the end record, or the zip64 end record before it.
    let mut cd_end = len - tail_len + eocd as u64;
    if (size == 0xffff_ffff || offset == 0xffff_ffff || entries == 0xffff) && eocd >= 20 {
        // zip64 locator right before the end record: points at the zip64 end record.
        let loc = eocd - 20;
        if tail[loc..].starts_with(&[0x50, 0x4b, 0x06, 0x07]) {
            let rec = u64_at(&tail, loc + 8);
            let mut z = [0u8; 56];
            r.seek(SeekFrom::Start(rec))?;
            r.read_exact(&mut z)?;
            entries = u64_at(&z, 32);
            size = u64_at(&z, 40);
            offset = u64_at(&z, 48);
            cd_end = cd_end.saturating_sub(20 + 56);
        }
    }
    if entries > max as u64 {
        return Ok(None);
    }
    if size > 256 << 20 || offset.saturating_add(size) > len {
        return Err(io::Error::other("central directory out of bounds"));
    }
    // Bytes before the first local header (a self-extractor stub) shift every offset.
    let shift = cd_end.saturating_sub(offset + size);
    r.seek(SeekFrom::Start(offset + shift))?;
    let mut cd = vec![0u8; size as usize];
    r.read_exact(&mut cd)?;
    let mut names = Vec::new();
    let mut i = 0;
    while i + 46 <= cd.len() && cd[i..].starts_with(&[0x50, 0x4b, 0x01, 0x02]) {
        if names.len() == max {
            // More entries than the end record says: as many as the bound allows is enough.
            return Ok(None);
        }
        let (n, e, c) = (u16_at(&cd, i + 28), u16_at(&cd, i + 30), u16_at(&cd, i + 32));
        let raw = cd.get(i + 46..i + 46 + n).ok_or_else(|| io::Error::other("truncated"))?;
        // Compared as stored: two different cp437 names (no UTF-8 flag) are different names,
        // even where a lossy decoding would make them equal.
        names.push(raw.to_vec());
        i += 46 + n + e + c;
    }
    Ok(Some(names))
}

/// Counts the bytes that come out of the decompressor and stops past the bound, or past the
/// end of the window the tar reader may spend on one header.
struct Bounded<R> {
    inner: R,
    limit: u64,
    budget: std::rc::Rc<Budget>,
}

/// What the decompressor has produced so far, and where the current header's window ends.
struct Budget {
    read: std::cell::Cell<u64>,
    header_end: std::cell::Cell<u64>,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = self.budget.read.get() + n as u64;
        self.budget.read.set(read);
        if read > self.limit {
            return Err(io::Error::other(BOUND_EXCEEDED));
        }
        if read > self.budget.header_end.get() {
            return Err(io::Error::other(HEADER_BOUND_EXCEEDED));
        }
        Ok(n)
    }
}

const BOUND_EXCEEDED: &str = "decompressed size bound exceeded";
const HEADER_BOUND_EXCEEDED: &str = "tar header bound exceeded";

/// Largest header: a GNU long name or PAX record set is read whole into memory by the tar
/// crate, so a 1 GB one would be held whole.
const MAX_HEADER: u64 = 1 << 20;

/// A finding for a member the checks parse but that is too large to keep.
fn too_large_to_parse(name: &str, size: u64, limits: &Limits) -> Option<Diagnostic> {
    (wanted(name) && size > limits.kept_bytes).then(|| {
        problem::error(
            "A006",
            format!("`{name}` holds {size} bytes, more than the {} read for parsing", limits.kept_bytes),
        )
        .at_member(name)
    })
}

/// Buffer on either side of the tar.gz inflater.
const TAR_BUFFER: usize = 256 * 1024;

/// A tar.gz read as a stream; `compressed` is its size, for the ratio bound.
/// The most a tar.gz of `compressed` bytes may expand to: the total bound, which also enforces
/// the ratio (a small file may not expand past ratio:1).
fn tar_limit(compressed: u64, limits: &Limits) -> u64 {
    let ratio_bound = compressed.saturating_mul(limits.ratio).max(limits.ratio_floor);
    limits.total_bytes.min(ratio_bound)
}

/// A tar.gz read as a stream; `compressed` is its size, for the ratio bound.
fn read_tar(input: impl Read, compressed: u64, limits: &Limits) -> Result<Archive, Diagnostic> {
    let limit = tar_limit(compressed, limits);
    let mut input = BufReader::with_capacity(TAR_BUFFER, input);
    let magic = input.fill_buf().map_err(|e| problem::error("A001", format!("cannot read the file: {e}")))?;
    if magic.len() < 2 || magic[..2] != [0x1f, 0x8b] {
        return Err(problem::error("A001", "not a gzip-compressed tar archive"));
    }
    // Large reads from the file into the inflater and large reads out of it: tar reads 512-byte
    // headers, and asking the inflater for 512 bytes at a time costs more than the inflating.
    let gz = flate2::read::MultiGzDecoder::new(input);
    parse_tar(Plain(gz), limit, limits).expect("a plain stream never gives up on itself")
}

/// A decompressed tar stream, which may find out part way that it cannot be trusted.
pub trait Inflated: Read {
    /// Whether the stream gave up on itself (the caller then reads the file another way).
    fn abandoned(&self) -> bool {
        false
    }
    /// Called once the tar ends: read and verify whatever is left (trailer, checksum).
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A stream with no second way of reading it.
struct Plain<R>(R);

impl<R: Read> Read for Plain<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl<R: Read> Inflated for Plain<R> {}

/// Parse the members of a decompressed tar stream; `None` when the stream abandoned itself.
fn parse_tar<R: Inflated>(inflated: R, limit: u64, limits: &Limits) -> Option<Result<Archive, Diagnostic>> {
    let budget = std::rc::Rc::new(Budget { read: 0.into(), header_end: u64::MAX.into() });
    let bounded = Bounded { inner: inflated, limit, budget: budget.clone() };
    let mut tar = tar::Archive::new(BufReader::with_capacity(TAR_BUFFER, bounded));
    let result = parse_members(&mut tar, &budget, limit, limits);
    let inner = &mut tar.into_inner().into_inner().inner;
    let result = result.and_then(|archive| {
        inner
            .finish()
            .map(|()| archive)
            .map_err(|e| problem::error("A001", format!("the archive is truncated or corrupt: {e}")))
    });
    if inner.abandoned() {
        return None;
    }
    Some(result)
}

fn parse_members<R: Read>(
    tar: &mut tar::Archive<R>,
    budget: &Budget,
    limit: u64,
    limits: &Limits,
) -> Result<Archive, Diagnostic> {
    let mut buf = vec![0u8; CHUNK];
    let mut archive = Archive { format: Format::TarGz, members: Vec::new(), problems: Vec::new() };
    let archive_len = std::cell::Cell::new(0usize);
    let fail = |e: io::Error, limit: u64| {
        if e.to_string().contains(BOUND_EXCEEDED) {
            bomb(format!("the archive expands past {limit} bytes"))
        } else if e.to_string().contains(HEADER_BOUND_EXCEEDED) {
            bomb(format!(
                "a tar header (GNU long name or PAX records) after member {} is longer than {MAX_HEADER} bytes",
                archive_len.get()
            ))
        } else {
            problem::error("A001", format!("the archive is truncated or corrupt: {e}"))
        }
    };
    let mut entries = tar.entries().map_err(|e| fail(e, limit))?;
    loop {
        // The bytes the buffer above may already hold, plus one header's worth.
        budget.header_end.set(budget.read.get() + MAX_HEADER + TAR_BUFFER as u64);
        let next = entries.next();
        budget.header_end.set(u64::MAX);
        let Some(entry) = next else { break };
        let mut entry = match entry {
            Ok(entry) => entry,
            // Python's tarfile ends the archive quietly at a corrupt header after the first
            // (twine then checks what came before): a finding, not a reason to stop checking.
            Err(e) if !archive.members.is_empty() && is_bad_header(&e) => {
                archive.problems.push(problem::error(
                    "A001",
                    format!("corrupt tar header after member {}: {e}", archive.members.len()),
                ));
                break;
            }
            Err(e) => return Err(fail(e, limit)),
        };
        if archive.members.len() >= limits.members {
            return Err(bomb(format!("more than {} members", limits.members)));
        }
        let raw = entry.path_bytes();
        let mut name = String::from_utf8_lossy(&raw).into_owned();
        let kind = match entry.header().entry_type() {
            tar::EntryType::Regular | tar::EntryType::Continuous => Kind::File,
            tar::EntryType::Directory => Kind::Dir,
            tar::EntryType::Symlink | tar::EntryType::Link => Kind::Link,
            _ => Kind::Other,
        };
        if kind == Kind::Dir {
            // tarfile strips the trailing slash of directory names.
            let trimmed = name.trim_end_matches('/');
            if !trimmed.is_empty() {
                name = trimmed.to_string();
            }
        }
        let size = entry.size();
        let link = entry.link_name_bytes().map(|l| String::from_utf8_lossy(&l).into_owned());
        let mut member = Member { name, kind, size, hash: None, data: None, link };
        if size > limits.member_bytes {
            return Err(bomb(format!("`{}` holds {size} bytes", member.name)).at_member(member.name));
        }
        // A PAX record whose length does not fit (`99999 path=x`): the tar crate skips it,
        // Python's tarfile reads past the record into the padding; neither is what was meant.
        let bad_pax = match entry.pax_extensions() {
            Ok(Some(mut records)) => records.find_map(|r| r.err()),
            Ok(None) => None,
            Err(e) => Some(e),
        };
        if let Some(e) = bad_pax {
            archive
                .problems
                .push(problem::error("A001", format!("malformed PAX header: {e}")).at_member(&member.name));
        }
        if kind != Kind::File {
            // Whatever a link or directory carries is skipped here, not inside the next
            // header's window.
            io::copy(&mut entry, &mut io::sink()).map_err(|e| fail(e, limit))?;
        } else {
            archive.problems.extend(too_large_to_parse(&member.name, size, limits));
            let keep = wanted(&member.name) && size <= limits.kept_bytes;
            // Sdists have no RECORD: nothing to hash.
            let (n, hash, data) =
                consume(&mut entry, size, keep, false, &mut buf).map_err(|e| fail(e, limit))?;
            if n < size {
                return Err(problem::error("A001", "the archive is truncated").at_member(member.name));
            }
            member.hash = hash;
            member.data = data;
        }
        archive.members.push(member);
        archive_len.set(archive.members.len());
    }
    Ok(archive)
}

/// A header that does not parse (bad checksum, a number field that is no number), as opposed
/// to data that ends early or a bound exceeded.
fn is_bad_header(e: &io::Error) -> bool {
    let text = e.to_string();
    text.contains("checksum mismatch") || text.contains("numeric field")
}

/// A link in a wheel fails (installers write it as a file holding the target's name), and so
/// does one leaving an sdist's top folder (Python's `data` extraction filter refuses it). One
/// that stays inside an sdist is a warning: the sdist spec allows it, PyPI accepts it and pip
/// installs from it; only some tools do not extract links.
fn link_problem(format: Format, name: &str, target: Option<&str>) -> Diagnostic {
    let target = target.unwrap_or("");
    if format != Format::TarGz {
        return problem::error("A004", "symbolic link: installers do not restore links from wheels")
            .at_member(name);
    }
    let mut depth: i64 = name.matches('/').count() as i64;
    let mut escapes = target.starts_with('/');
    for part in target.split('/') {
        match part {
            ".." => depth -= 1,
            "" | "." => {}
            _ => depth += 1,
        }
        escapes |= depth < 1;
    }
    if escapes {
        problem::error("A004", format!("link to `{target}` points outside the sdist's top folder"))
            .at_member(name)
    } else {
        problem::warning(
            "A004",
            format!(
                "link to `{target}` inside the sdist: ship the file itself, some tools do not extract links"
            ),
        )
        .at_member(name)
    }
}

/// Unsafe names and links: never a path an extractor should write to.
fn name_problems(archive: &mut Archive) {
    let mut found = Vec::new();
    for m in &archive.members {
        let name = m.name.as_str();
        if name.starts_with('/') || name.starts_with('\\') || name.as_bytes().get(1) == Some(&b':') {
            found.push(problem::error("A002", "absolute path in the archive").at_member(name));
        } else if name.split(['/', '\\']).any(|p| p == "..") {
            found.push(
                problem::error("A003", "`..` in a member path escapes the target folder").at_member(name),
            );
        }
        match m.kind {
            Kind::Link => found.push(link_problem(archive.format, name, m.link.as_deref())),
            Kind::Other => found
                .push(problem::error("A004", "special file (device, fifo) in the archive").at_member(name)),
            _ => {}
        }
    }
    if archive.format == Format::TarGz {
        let mut seen = HashSet::new();
        for m in &archive.members {
            if !seen.insert((m.name.as_str(), m.kind == Kind::Dir)) {
                found.push(
                    problem::error("A005", "the name appears more than once in the archive")
                        .at_member(&m.name),
                );
            }
        }
    }
    archive.problems.extend(found);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_bytes(entries: &[(&str, &[u8])]) -> Vec<u8> {
        zip_bytes_with(entries, zip::CompressionMethod::Deflated)
    }

    fn zip_bytes_with(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
        let mut buf = io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default().compression_method(method);
            for (name, data) in entries {
                w.start_file(*name, opts).unwrap();
                w.write_all(data).unwrap();
            }
            w.finish().unwrap();
        }
        buf.into_inner()
    }

    fn read_bytes(bytes: &[u8], format: Format, limits: &Limits) -> Result<Archive, Diagnostic> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x");
        std::fs::write(&path, bytes).unwrap();
        read(&path, format, limits, &[])
    }

    #[test]
    fn reads_bzip2_members_as_twine_does() {
        // Python's zipfile (so twine) reads bzip2 members; a wheel using them is not broken.
        let z = zip_bytes_with(
            &[("a/b.py", b"x = 1\n"), ("a-1.dist-info/METADATA", b"Metadata-Version: 2.1\n")],
            zip::CompressionMethod::Bzip2,
        );
        let a = read_bytes(&z, Format::Wheel, &Limits::default()).unwrap();
        assert!(a.problems.is_empty(), "{:?}", a.problems);
        assert_eq!(
            a.members[0].hash.as_deref(),
            Some(cartwheel_core::record::record_hash(b"x = 1\n").as_str())
        );
    }

    #[test]
    fn lists_hashes_and_keeps_metadata() {
        let z = zip_bytes(&[("a/b.py", b"x"), ("a-1.dist-info/METADATA", b"Metadata-Version: 2.1\n")]);
        let a = read_bytes(&z, Format::Wheel, &Limits::default()).unwrap();
        assert_eq!(a.members.len(), 2);
        assert_eq!(a.members[0].hash.as_deref(), Some(cartwheel_core::record::record_hash(b"x").as_str()));
        assert!(a.members[0].data.is_none());
        assert_eq!(
            a.last("a-1.dist-info/METADATA").unwrap().data.as_deref(),
            Some(&b"Metadata-Version: 2.1\n"[..])
        );
        assert!(a.problems.is_empty(), "{:?}", a.problems);
    }

    #[test]
    fn reading_members_whole_changes_no_result() {
        // Bytes of small wheels flipped in turn (sizes and CRCs among them): whatever the
        // streaming reader makes of it, reading members whole first gives the same.
        let text: Vec<u8> = (0..40_000u32).flat_map(|i| format!("line {} ", i % 977).into_bytes()).collect();
        let stored = zip_bytes_with(&[("demo/b.txt", b"stored bytes")], zip::CompressionMethod::Stored);
        let deflated = zip_bytes(&[("demo/a.py", &text), ("demo-1.0.dist-info/METADATA", b"Name: demo\n")]);
        let show = |r: Result<Archive, Diagnostic>| match r {
            Ok(a) => format!(
                "{:?} {:?}",
                a.members.iter().map(|m| (&m.name, m.size, &m.hash, &m.data)).collect::<Vec<_>>(),
                a.problems
            ),
            Err(d) => format!("{d:?}"),
        };
        let limits = Limits::default();
        for zip in [stored, deflated] {
            let mut flips: Vec<usize> = (0..zip.len().min(400)).collect();
            flips.extend((400..zip.len()).step_by(97));
            // The central directory and its end record, every byte.
            flips.extend(zip.len().saturating_sub(300).max(400)..zip.len());
            for at in flips {
                let mut bad = zip.clone();
                bad[at] ^= 0x41;
                assert_eq!(
                    show(read_zip_members(&bad, Format::Wheel, &limits, true)),
                    show(read_zip_members(&bad, Format::Wheel, &limits, false)),
                    "byte {at}"
                );
            }
            assert_eq!(
                show(read_zip_members(&zip, Format::Wheel, &limits, true)),
                show(read_zip_members(&zip, Format::Wheel, &limits, false))
            );
            // And the whole read is what reads them: the comparison above is not of a path
            // never taken.
            let (_, mut z, listed) = zip_listing(io::Cursor::new(&zip[..]), Format::Wheel, &limits).unwrap();
            let mut s = Scratch::default();
            assert!(listed.iter().all(|l| read_whole(&zip, &mut z, l, &limits, true, &mut s).is_some()));
        }
    }

    #[test]
    fn distinct_cp437_names_are_not_duplicates() {
        // `é` and `è` in cp437 (no UTF-8 flag): two names, not one name twice.
        let z = zip_bytes(&[("demo/X.txt", b"x"), ("demo/Y.txt", b"y")]);
        let mut patched = z.clone();
        for (from, to) in [(&b"demo/X.txt"[..], 0x82u8), (&b"demo/Y.txt"[..], 0x8a)] {
            let mut i = 0;
            while let Some(at) = patched[i..].windows(from.len()).position(|w| w == from) {
                patched[i + at + 5] = to;
                i += at + from.len();
            }
        }
        let a = read_bytes(&patched, Format::Wheel, &Limits::default()).unwrap();
        assert_eq!(a.members.len(), 2);
        assert!(a.problems.iter().all(|p| p.code.unwrap_or_default() != "A005"), "{:?}", a.problems);
    }

    #[test]
    fn unsafe_names_are_findings() {
        let z = zip_bytes(&[("/etc/x", b"1"), ("a/../../x", b"2")]);
        let a = read_bytes(&z, Format::Wheel, &Limits::default()).unwrap();
        let codes: Vec<_> = a.problems.iter().map(|p| p.code.unwrap_or_default()).collect();
        assert_eq!(codes, ["A002", "A003"]);
    }

    #[test]
    fn links() {
        for (format, name, target, shown) in [
            (
                Format::TarGz,
                "p-1/a",
                "/etc/passwd",
                "error: [A004] p-1/a: link to `/etc/passwd` points outside the sdist's top folder",
            ),
            (
                Format::TarGz,
                "p-1/a",
                "../../x",
                "error: [A004] p-1/a: link to `../../x` points outside the sdist's top folder",
            ),
            (
                Format::TarGz,
                "p-1/docs/a",
                "../README",
                "warning: [A004] p-1/docs/a: link to `../README` inside the sdist: ship the file itself, some \
                 tools do not extract links",
            ),
            (
                Format::Wheel,
                "p/a",
                "b",
                "error: [A004] p/a: symbolic link: installers do not restore links from wheels",
            ),
        ] {
            assert_eq!(link_problem(format, name, Some(target)).to_string(), shown, "{name} -> {target}");
        }
    }

    #[test]
    fn garbage_and_truncation_fail_cleanly() {
        assert_eq!(
            read_bytes(b"hello", Format::Wheel, &Limits::default()).unwrap_err().code.unwrap_or_default(),
            "A001"
        );
        assert_eq!(
            read_bytes(b"hello", Format::TarGz, &Limits::default()).unwrap_err().code.unwrap_or_default(),
            "A001"
        );
        let z = zip_bytes(&[("a.py", &[7u8; 10_000])]);
        assert!(read_bytes(&z[..z.len() / 2], Format::Wheel, &Limits::default()).is_err());
    }

    #[test]
    fn a_corrupt_header_after_the_first_ends_the_tar_with_a_finding() {
        let mut tar_bytes = Vec::new();
        {
            let mut t = tar::Builder::new(&mut tar_bytes);
            for name in ["p-1/PKG-INFO", "p-1/b.py"] {
                let mut h = tar::Header::new_gnu();
                h.set_size(1);
                h.set_mode(0o644);
                h.set_cksum();
                t.append_data(&mut h, name, &b"x"[..]).unwrap();
            }
            t.finish().unwrap();
        }
        tar_bytes[1024 + 148..1024 + 156].copy_from_slice(b"0000000\0");
        let gz = |data: &[u8]| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        };
        let a = read_bytes(&gz(&tar_bytes), Format::TarGz, &Limits::default()).unwrap();
        assert_eq!(a.members.len(), 1);
        assert_eq!(a.problems.iter().map(|p| p.code.unwrap_or_default()).collect::<Vec<_>>(), ["A001"]);
        // A corrupt first header is no archive at all (tarfile raises ReadError).
        tar_bytes[148..156].copy_from_slice(b"0000000\0");
        assert_eq!(
            read_bytes(&gz(&tar_bytes), Format::TarGz, &Limits::default())
                .unwrap_err()
                .code
                .unwrap_or_default(),
            "A001"
        );
    }

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    /// A ustar header block for `name` of `size` bytes and type `kind`.
    fn tar_header(name: &str, size: u64, kind: u8) -> Vec<u8> {
        let mut h = tar::Header::new_ustar();
        h.set_path(name).unwrap();
        h.set_size(size);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::new(kind));
        h.set_cksum();
        h.as_bytes().to_vec()
    }

    fn padded(mut data: Vec<u8>) -> Vec<u8> {
        data.resize(data.len().div_ceil(512) * 512, 0);
        data
    }

    #[test]
    fn too_many_zip_entries_are_counted_from_the_end_record() {
        let names: Vec<String> = (0..20).map(|i| format!("m{i}.py")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        let z = zip_bytes(&entries);
        let few = Limits { members: 10, ..Limits::default() };
        let e = read_bytes(&z, Format::Wheel, &few).unwrap_err();
        assert_eq!(
            (e.code.unwrap_or_default(), e.message.as_str()),
            ("A006", "more than 10 members: refusing to read further (decompression bomb?)")
        );
        // zip64 end records: the central directory ends where the zip64 record starts.
        let eocd = z.windows(4).rposition(|w| w == [0x50, 0x4b, 0x05, 0x06]).unwrap();
        let (cd_size, cd_offset) = (&z[eocd + 12..eocd + 16], &z[eocd + 16..eocd + 20]);
        let mut z64 = z[..eocd].to_vec();
        let record_at = z64.len() as u64;
        z64.extend([0x50, 0x4b, 0x06, 0x06]);
        z64.extend(44u64.to_le_bytes());
        z64.extend([45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        z64.extend([20u64.to_le_bytes(), 20u64.to_le_bytes()].concat());
        z64.extend([cd_size, &[0; 4], cd_offset, &[0; 4]].concat());
        z64.extend([0x50, 0x4b, 0x06, 0x07, 0, 0, 0, 0]);
        z64.extend(record_at.to_le_bytes());
        z64.extend(1u32.to_le_bytes());
        z64.extend([0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        z64.extend([0xff; 8]);
        z64.extend([0, 0]);
        let mut r = io::Cursor::new(&z64[..]);
        assert_eq!(central_directory_names(&mut r, 100).unwrap().unwrap().len(), 20);
        assert!(central_directory_names(&mut r, 19).unwrap().is_none());
    }

    #[test]
    fn overlapping_zip_entries_are_a_bomb() {
        let z =
            zip_bytes_with(&[("a.bin", &[1u8; 100]), ("b.bin", &[2u8; 100])], zip::CompressionMethod::Stored);
        // Point the second central-directory entry at the first local header.
        let mut patched = z.clone();
        let cd = patched.windows(4).rposition(|w| w == [0x50, 0x4b, 0x01, 0x02]).unwrap();
        patched[cd + 42..cd + 46].copy_from_slice(&0u32.to_le_bytes());
        let e = read_bytes(&patched, Format::Wheel, &Limits::default()).unwrap_err();
        assert_eq!(e.code.unwrap_or_default(), "A006");
        assert!(e.message.starts_with("`b.bin` overlaps `a.bin` in the archive"), "{}", e.message);
        assert!(read_bytes(&z, Format::Wheel, &Limits::default()).is_ok());
    }

    #[test]
    fn metadata_too_large_to_parse_is_a_finding() {
        let tight = Limits { kept_bytes: 10, ..Limits::default() };
        let z = zip_bytes(&[("a-1.dist-info/METADATA", &[b'x'; 100])]);
        let a = read_bytes(&z, Format::Wheel, &tight).unwrap();
        assert_eq!(
            a.problems[0].message,
            "`a-1.dist-info/METADATA` holds 100 bytes, more than the 10 read for parsing"
        );
        let t = [tar_header("p-1/PKG-INFO", 100, b'0'), padded(vec![b'x'; 100]), vec![0; 1024]].concat();
        let a = read_bytes(&gz(&t), Format::TarGz, &tight).unwrap();
        assert_eq!(a.problems[0].code.unwrap_or_default(), "A006");
    }

    #[test]
    fn a_huge_gnu_long_name_is_refused_before_it_is_held() {
        let name = vec![b'a'; 3 << 20];
        let t = [
            tar_header("p-1/PKG-INFO", 0, b'0'),
            tar_header("././@LongLink", name.len() as u64, b'L'),
            padded(name),
        ]
        .concat();
        let e = read_bytes(&gz(&t), Format::TarGz, &Limits::default()).unwrap_err();
        assert_eq!(e.code.unwrap_or_default(), "A006");
        assert!(
            e.message.starts_with(
                "a tar header (GNU long name or PAX records) after member 1 is longer than 1048576 bytes"
            ),
            "{}",
            e.message
        );
        // A long name of ordinary length is read.
        let t = [
            tar_header("././@LongLink", 300, b'L'),
            padded(vec![b'b'; 300]),
            tar_header("x", 0, b'0'),
            vec![0; 1024],
        ]
        .concat();
        assert_eq!(
            read_bytes(&gz(&t), Format::TarGz, &Limits::default()).unwrap().members[0].name,
            "b".repeat(300)
        );
    }

    #[test]
    fn a_pax_record_with_a_lying_length_is_a_finding() {
        let record = b"99999999999 path=p-1/x\n".to_vec();
        let t = [
            tar_header("p-1/PKG-INFO", 0, b'0'),
            tar_header("p-1/PaxHeader", record.len() as u64, b'x'),
            padded(record),
            tar_header("p-1/x", 0, b'0'),
            vec![0; 1024],
        ]
        .concat();
        let a = read_bytes(&gz(&t), Format::TarGz, &Limits::default()).unwrap();
        assert_eq!(a.members.len(), 2);
        assert_eq!(a.problems.len(), 1, "{:?}", a.problems);
        assert!(a.problems[0].message.starts_with("malformed PAX header"), "{:?}", a.problems);
    }

    #[test]
    fn bombs_are_refused() {
        let zeros = vec![0u8; 4 << 20];
        let z = zip_bytes(&[("big.bin", &zeros)]);
        let tight = Limits { ratio_floor: 1 << 20, ..Limits::default() };
        assert_eq!(read_bytes(&z, Format::Wheel, &tight).unwrap_err().code.unwrap_or_default(), "A006");
        let small = Limits { member_bytes: 1 << 20, ..Limits::default() };
        assert_eq!(read_bytes(&z, Format::Wheel, &small).unwrap_err().code.unwrap_or_default(), "A006");

        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        {
            let mut t = tar::Builder::new(&mut gz);
            let mut h = tar::Header::new_gnu();
            h.set_size(zeros.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            t.append_data(&mut h, "p-1/big.bin", &zeros[..]).unwrap();
            t.finish().unwrap();
        }
        let tgz = gz.finish().unwrap();
        assert_eq!(read_bytes(&tgz, Format::TarGz, &tight).unwrap_err().code.unwrap_or_default(), "A006");
        assert!(read_bytes(&tgz, Format::TarGz, &Limits::default()).is_ok());

        // Many members each under the floor still add up past the ratio bound.
        let half = vec![0u8; 512 << 10];
        let names: Vec<String> = (0..8).map(|i| format!("z{i}.bin")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &half[..])).collect();
        let z = zip_bytes(&entries);
        assert_eq!(read_bytes(&z, Format::Wheel, &tight).unwrap_err().code.unwrap_or_default(), "A006");
        assert!(read_bytes(&z, Format::Wheel, &Limits::default()).is_ok());
    }
}
